/** The broadcast's small pure parts: pacing per channel, picture checks, the alert cache, the sender's name. */
import { describe, expect, it } from 'vitest';
import { loadAreas } from '../../src/accounts/areas.js';
import type { Alert } from '../../src/broadcast/alert.js';
import { decodeImage, MAX_IMAGE_BYTES } from '../../src/broadcast/image.js';
import { channelRate, pacing, sendJobId } from '../../src/broadcast/queues.js';
import { fromNameFor } from '../../src/broadcast/service.js';
import { CachedAlertSource, alertContent } from '../../src/broadcast/source.js';
import { loadConfig } from '../../src/config.js';
import { JPEG_HEAD, PNG_1PX } from './images.js';

describe('pacing: a channel rate as batches and a BullMQ limiter', () => {
  it.each([
    [50, { batchSize: 50, limiter: { max: 1, duration: 1000 } }],
    [20, { batchSize: 20, limiter: { max: 1, duration: 1000 } }],
    [500, { batchSize: 500, limiter: { max: 1, duration: 1000 } }],
    [700, { batchSize: 350, limiter: { max: 2, duration: 1000 } }],
    [1, { batchSize: 1, limiter: { max: 1, duration: 1000 } }],
    [0, { batchSize: 500 }],
  ])('%i residents/s → %o', (rate, expected) => {
    expect(pacing(rate)).toEqual(expected);
    const p = pacing(rate);
    if (p.limiter) expect(p.batchSize * p.limiter.max).toBeLessThanOrEqual(rate);
  });

  it('defaults stay inside the platforms\' published limits, and the config refuses more', () => {
    const c = loadConfig({});
    // Messenger: 300 Send API calls/s per Page, an alert is at most 3 calls (typing, picture, text).
    expect(channelRate(c, 'messenger') * 3).toBeLessThanOrEqual(300 / 2);
    // Zalo: 4,000 OA API calls/min per app, an alert is at most 2 calls (picture, text).
    expect(channelRate(c, 'zalo') * 2 * 60).toBeLessThanOrEqual(4000 * 0.6);
    expect(() => loadConfig({ BROADCAST_RATE_MESSENGER: '301' })).toThrow(/BROADCAST_RATE_MESSENGER must be at most 300/);
    expect(() => loadConfig({ BROADCAST_RATE_ZALO: '67' })).toThrow(/BROADCAST_RATE_ZALO must be at most 66/);
    expect(() => loadConfig({ BROADCAST_WORKERS: 'sometimes' })).toThrow(/BROADCAST_WORKERS must be one of in-process, off/);
  });

  it('job ids are deterministic and free of ":" (BullMQ refuses it in custom ids)', () => {
    expect(sendJobId('abcdefabcdef', 'zalo', 7)).toBe('abcdefabcdef-zalo-7');
  });
});

describe('pictures', () => {
  it('are recognised by their bytes, not by what they claim', () => {
    expect(decodeImage(PNG_1PX.toString('base64'))).toMatchObject({ ok: true, type: 'image/png' });
    expect(decodeImage(`data:image/jpg;base64,${JPEG_HEAD.toString('base64')}`)).toMatchObject({ ok: true, type: 'image/jpeg' });
    expect(decodeImage(PNG_1PX.toString('base64url'))).toMatchObject({ ok: true, type: 'image/png' });
    expect(decodeImage(Buffer.from('<svg/>').toString('base64'))).toMatchObject({ ok: false });
    expect(decodeImage('')).toMatchObject({ ok: false });
  });

  it('at most 1 MB', () => {
    const exactly = Buffer.concat([PNG_1PX, Buffer.alloc(MAX_IMAGE_BYTES - PNG_1PX.length)]);
    expect(decodeImage(exactly.toString('base64')).ok).toBe(true);
    expect(decodeImage(Buffer.concat([exactly, Buffer.alloc(1)]).toString('base64')).ok).toBe(false);
  });
});

describe('the alert source the conversation reads', () => {
  const alert: Alert = {
    id: 'abcdefabcdef', rev: 1, createdBy: 'abcdefghij', createdByName: 'Chị Lan', fromName: 'UBND Xã Lũng Cú',
    text: { vi: 'Cảnh báo', en: 'Warning' }, image: { type: 'image/png', bytes: 10, sha256: 'a'.repeat(64) }, scamType: 'police',
    audience: { area: { province: '02' } }, status: 'sending', approvals: [], createdAt: 0, updatedAt: 0,
  };

  it('gives what a resident sees, with the picture\'s public path', () => {
    expect(alertContent(alert)).toEqual({
      id: alert.id, from: 'UBND Xã Lũng Cú', text: { vi: 'Cảnh báo', en: 'Warning' }, imagePath: 'alerts/abcdefabcdef/image', scamType: 'police', cancelled: false,
    });
    expect(alertContent({ ...alert, status: 'cancelled' }).cancelled).toBe(true);
  });

  it('caches for a short while; `forget` and the end of the while make it read again', async () => {
    let reads = 0;
    let current = alert;
    let t = 0;
    const source = new CachedAlertSource({ get: async () => (reads++, current) }, 500, () => t);
    expect((await source.load(alert.id))?.cancelled).toBe(false);
    current = { ...alert, status: 'cancelled' };
    expect((await source.load(alert.id))?.cancelled).toBe(false);
    expect(reads).toBe(1);
    t = 500;
    expect((await source.load(alert.id))?.cancelled).toBe(true);
    current = alert;
    source.forget(alert.id);
    expect((await source.load(alert.id))?.cancelled).toBe(false);
    expect(reads).toBe(3);
  });
});

describe('who residents are told an alert comes from', () => {
  it('the People\'s Committee of the sender\'s own area, most precise first', () => {
    const areas = loadAreas();
    expect(fromNameFor(areas, { province: '02', district: '026', commune: '00715' })).toBe('UBND Xã Lũng Cú');
    expect(fromNameFor(areas, { province: '01' })).toBe('UBND Thành phố Hà Nội');
  });
});
