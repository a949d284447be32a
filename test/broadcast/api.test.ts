/**
 * The alert API around the broadcast itself: pictures (PNG/JPEG by their bytes, ≤ 1 MB, served with
 * their type for the platforms), live progress as server-sent events with the token in the query
 * (EventSource), estimates from a sample for a large area, and per scam type how well an area's
 * residents recognise it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, AreaRef } from '../../src/accounts/schema.js';
import { ESTIMATE_EXACT_MAX, ESTIMATE_SAMPLE } from '../../src/broadcast/audience.js';
import { areaPaths } from '../../src/broadcast/contract.js';
import { createKeys } from '../../src/store/keys.js';
import { perItem } from '../../src/store/redis.js';
import { call, stores } from '../api/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FakePlatforms } from './fake-platforms.js';
import { JPEG_HEAD, PNG_1PX } from './images.js';
import { HOUR, seedResidents } from './seed.js';

const HERE: AreaRef = { province: '15', commune: '02680' };
const BIG: AreaRef = { province: '15', commune: '02833' };
const fake = new FakePlatforms();
let server: TestServer;
let official: { account: Account; token: string };
let stranger: { account: Account; token: string };

beforeAll(async () => {
  await fake.start();
  server = await startTestServer({ env: { ...fake.env(), BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0' } });
  official = await stores(server).accounts.create({ name: 'Chị Thu', role: 'official', area: { province: '15' } });
  stranger = await stores(server).accounts.create({ name: 'Anh Bình', role: 'official', area: { province: '01' } });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await fake.close();
});

const create = (body: Record<string, unknown>, token = official.token) =>
  call(server, 'POST', '/alerts', { token, body: { text: { vi: 'Cảnh báo' }, audience: { area: HERE }, ...body } });

describe('the picture', () => {
  it('a PNG is kept and served at /alerts/<id>/image with its type; removing it removes it', async () => {
    const res = await create({ image: `data:image/png;base64,${PNG_1PX.toString('base64')}` });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const { id, image, imagePath, imageUrl } = res.json.alert;
    expect(image).toEqual({ type: 'image/png', bytes: PNG_1PX.length });
    expect(imagePath).toBe(`alerts/${id}/image`);
    expect(imageUrl).toBe(`https://bot.example.test/alerts/${id}/image`);
    const served = await fetch(`${server.url}/alerts/${id}/image`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG_1PX)).toBe(true);
    const removed = await call(server, 'PATCH', `/alerts/${id}`, { token: official.token, body: { image: null } });
    expect(removed.json.alert.image).toBeUndefined();
    expect((await fetch(`${server.url}/alerts/${id}/image`)).status).toBe(404);
  });

  it('a JPEG is served as image/jpeg', async () => {
    const res = await create({ image: JPEG_HEAD.toString('base64') });
    expect(res.status).toBe(201);
    expect((await fetch(`${server.url}/alerts/${res.json.alert.id}/image`)).headers.get('content-type')).toBe('image/jpeg');
  });

  it.each([
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1').toString('base64'), 'not a PNG or JPEG'],
    ['a PNG claimed to be a JPEG', `data:image/jpeg;base64,${PNG_1PX.toString('base64')}`, 'says image/jpeg but the file is image/png'],
    ['over 1 MB', Buffer.concat([PNG_1PX, Buffer.alloc(1024 * 1024)]).toString('base64'), 'too large; at most 1 MB'],
    ['not base64', '%%% not base64 %%%', 'not base64'],
  ])('%s is refused, naming the field', async (_what, image, message) => {
    const res = await create({ image });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'invalid_image', details: { field: 'image' } });
    expect(res.json.error.message).toContain(message);
  });

  it('an unknown alert\'s picture is a 404', async () => {
    expect((await fetch(`${server.url}/alerts/abcdefabcdef/image`)).status).toBe(404);
    expect((await fetch(`${server.url}/alerts/..%2Fetc/image`)).status).toBe(404);
  });
});

describe('live progress', () => {
  it('streams progress as server-sent events, with the token in the query (EventSource), until done', async () => {
    await seedResidents(server.redis, createKeys(server.prefix), [
      { channel: 'messenger', area: HERE, lastWroteAgo: HOUR },
      { channel: 'zalo', area: HERE, lastWroteAgo: HOUR },
      { channel: 'zalo', area: HERE },
    ]);
    const id = (await create({})).json.alert.id as string;
    expect((await fetch(`${server.url}/api/v1/alerts/${id}/events`, { headers: { accept: 'text/event-stream' } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/alerts/${id}/events?token=${stranger.token}`, { headers: { accept: 'text/event-stream' } })).status).toBe(403);

    const res = await fetch(`${server.url}/api/v1/alerts/${id}/events?token=${encodeURIComponent(official.token)}`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect((await call(server, 'POST', `/alerts/${id}/submit`, { token: official.token })).status).toBe(200);
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (text.includes('event: end')) break;
    }
    const events = text.split('\n\n').filter((e) => e.includes('data: '));
    const progress = events.map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)));
    expect(progress[0].status).toBe('draft');
    const last = progress.at(-1);
    expect(text).toContain('event: end');
    expect(last).toMatchObject({ id, status: 'done', queued: 2, notReachableNow: 1, sent: 2, inFlight: 0 });

    // Without Accept: text/event-stream it answers the progress once, as JSON.
    const once = await call(server, 'GET', `/alerts/${id}/events`, { token: official.token });
    expect(once.json).toMatchObject({ id, status: 'done', sent: 2 });
  });
});

describe('estimates of a large area', () => {
  it(`above ${ESTIMATE_EXACT_MAX.toLocaleString('en')} residents, a sample of ${ESTIMATE_SAMPLE.toLocaleString('en')}, within its stated margin`, async () => {
    // Only what an estimate reads: the area's set and each resident's contact.
    const keys = createKeys(server.prefix);
    const n = ESTIMATE_EXACT_MAX + 10_000;
    const now = Date.now();
    let reachable = 0;
    for (let i = 0; i < n; i += 5000) {
      const ids: string[] = [];
      for (let j = i; j < Math.min(n, i + 5000); j++) ids.push(`${j % 3 ? 'zalo' : 'messenger'}:big${j}`);
      for (const path of areaPaths(BIG)) await server.redis.sadd(keys.audienceArea(path), ...ids);
      const writing = ids.filter((_, k) => (i + k) % 4 !== 0);
      await perItem(server.redis, writing, (p, id) => p.hset(keys.resident(id).contact, 'lastInbound', now - HOUR));
      reachable += writing.length;
    }
    const res = await call(server, 'POST', '/alerts/estimate', { token: official.token, body: { audience: { area: BIG } } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const e = res.json;
    expect(e).toMatchObject({ exact: false, sampleSize: ESTIMATE_SAMPLE, areaResidents: n, total: n, needsApproval: true });
    expect(e.margin).toBeGreaterThan(0);
    expect(e.margin).toBeLessThanOrEqual(Math.ceil(n * 0.01));
    // The stated margin is a 95 % interval; four times it is never exceeded in practice (p < 1e-9).
    expect(Math.abs(e.reachableNow - reachable)).toBeLessThanOrEqual(4 * e.margin);
    expect(Math.abs(e.notReachableNow - (n - reachable))).toBeLessThanOrEqual(4 * e.margin);
  });
});

describe('recognition per scam type', () => {
  it('is the share of quiz answers right among the area\'s residents, from bank items and lesson quizzes', async () => {
    const AREA: AreaRef = { province: '15', commune: '04345' };
    await seedResidents(server.redis, createKeys(server.prefix), [
      { channel: 'zalo', area: AREA, quiz: { 'bank/bank-biometric-link': { right: 1, wrong: 1 }, 'bank/police-summons-sms': { right: 2, wrong: 0 } } },
      { channel: 'messenger', area: AREA, quiz: { 'scam-sms-quiz/q-bank': { right: 1, wrong: 0 }, 'scam-sms-quiz/q-balance': { right: 1, wrong: 0 } } },
      { channel: 'messenger', area: AREA },
      { channel: 'zalo', area: HERE, quiz: { 'bank/bank-biometric-link': { right: 0, wrong: 5 } } }, // another commune
    ]);
    const res = await call(server, 'GET', '/stats/recognition?area=15/04345', { token: official.token });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ area: AREA, areaName: 'Xã Mù Cang Chải, Tỉnh Lào Cai', areaResidents: 3, exact: true });
    const byType = Object.fromEntries(res.json.byScamType.map((t: { scamType: string }) => [t.scamType, t]));
    expect(byType.bank).toEqual({ scamType: 'bank', residents: 2, answers: 3, right: 2, share: 2 / 3, margin: 0 });
    expect(byType.police).toMatchObject({ residents: 1, answers: 2, right: 2, share: 1 });
    expect(byType.romance).toMatchObject({ residents: 0, answers: 0, share: null });
    expect(res.json.byScamType.map((t: { scamType: string }) => t.scamType)).not.toContain('legit');

    const outside = await call(server, 'GET', '/stats/recognition?area=15/04345', { token: stranger.token });
    expect(outside.status).toBe(403);
    expect(outside.json.error.code).toBe('out_of_area');
    expect((await call(server, 'GET', '/stats/recognition?area=15/99999', { token: official.token })).json.error.code).toBe('unknown_area');
  });
});

describe('reading alerts', () => {
  it('an official sees their area\'s alerts only; another area\'s alert is refused with 403, an unknown one is 404', async () => {
    const id = (await create({})).json.alert.id as string;
    expect((await call(server, 'GET', '/alerts', { token: official.token })).json.alerts.map((a: { id: string }) => a.id)).toContain(id);
    expect((await call(server, 'GET', '/alerts', { token: stranger.token })).json.alerts).toEqual([]);
    const other = await call(server, 'GET', `/alerts/${id}`, { token: stranger.token });
    expect(other.status).toBe(403);
    expect(other.json.error.code).toBe('out_of_area');
    expect((await call(server, 'GET', '/alerts/abcdefabcdef', { token: official.token })).status).toBe(404);
  });
});
