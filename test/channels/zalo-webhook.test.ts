/** Zalo webhook bodies: the signature over the raw bytes, and the activity each event becomes. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InboundActivity } from '../../src/channels/activity.js';
import { ZaloEnvelope, convert, signBody, timestampMs, verifySignature, type SignatureId } from '../../src/channels/zalo/webhook.js';

const APP_ID = '1234567890123456789';
const OA_ID = '579745863508352884';
const OA_SECRET = 'test-oa-secret-key-456';
const USER = '2512523625412515001';
const APP: SignatureId = { name: 'app_id', value: APP_ID };
const OA: SignatureId = { name: 'oa_id', value: OA_ID };

const fixture = (name: string) => readFileSync(new URL(`../fixtures/zalo/${name}`, import.meta.url));
/** Zalo's formula, written out independently: sha256(id + body + timestamp + secret), hex. */
const mac = (id: string, body: Buffer | string, ts: string, secret = OA_SECRET) =>
  `mac=${createHash('sha256').update(`${id}${body.toString()}${ts}${secret}`, 'utf8').digest('hex')}`;
const envelope = (bytes: Buffer) => ZaloEnvelope.parse(JSON.parse(bytes.toString('utf8')));

describe('verifySignature', () => {
  const raw = fixture('user-send-text.json');
  const ts = '1767225600000';

  it('accepts sha256(app id + raw body + timestamp + OA secret), with or without "mac="', () => {
    expect(raw.toString('utf8')).toContain('chào');
    expect(verifySignature(raw, mac(APP_ID, raw, ts), ts, [APP, OA], OA_SECRET)).toBe('app_id');
    expect(verifySignature(raw, mac(APP_ID, raw, ts).slice(4), ts, [APP], OA_SECRET)).toBe('app_id');
    expect(verifySignature(raw, mac(APP_ID, raw, ts).toUpperCase().replace('MAC=', 'mac='), ts, [APP], OA_SECRET)).toBe('app_id');
    expect(signBody(raw, APP_ID, ts, OA_SECRET)).toBe(mac(APP_ID, raw, ts));
  });

  it('says which id matched: the OA id variant is accepted only when configured', () => {
    const byOa = mac(OA_ID, raw, ts);
    expect(verifySignature(raw, byOa, ts, [APP, OA], OA_SECRET)).toBe('oa_id');
    expect(verifySignature(raw, byOa, ts, [OA], OA_SECRET)).toBe('oa_id');
    expect(verifySignature(raw, byOa, ts, [APP], OA_SECRET)).toBeUndefined();
    expect(verifySignature(raw, mac(APP_ID, raw, ts), ts, [OA], OA_SECRET)).toBeUndefined();
    expect(verifySignature(raw, mac(APP_ID, raw, ts), ts, [], OA_SECRET)).toBeUndefined();
  });

  it('refuses the hash of a re-serialised body, another secret, another timestamp and another body', () => {
    const reserialised = JSON.stringify(JSON.parse(raw.toString('utf8')), null, 1);
    expect(verifySignature(raw, mac(APP_ID, reserialised, ts), ts, [APP, OA], OA_SECRET)).toBeUndefined();
    expect(verifySignature(raw, mac(APP_ID, raw, ts, 'the-app-secret-instead'), ts, [APP, OA], OA_SECRET)).toBeUndefined();
    expect(verifySignature(raw, mac(APP_ID, raw, '1767225600001'), ts, [APP, OA], OA_SECRET)).toBeUndefined();
    const tampered = Buffer.from(raw.toString('utf8').replace('Xin', 'Xim'));
    expect(verifySignature(tampered, mac(APP_ID, raw, ts), ts, [APP, OA], OA_SECRET)).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['another prefix', 'sha256=HEX'],
    ['short', 'mac=abcd'],
    ['not hex', `mac=${'z'.repeat(64)}`],
    ['too long', 'mac=HEX00'],
  ])('refuses a %s header', (_label, header) => {
    const h = header?.replace('HEX', mac(APP_ID, raw, ts).slice(4));
    expect(verifySignature(raw, h, ts, [APP, OA], OA_SECRET)).toBeUndefined();
  });
});

describe('timestampMs', () => {
  it('reads ms as they are and converts s, µs and ns by digit count, exactly', () => {
    expect(timestampMs('1767225600000')).toEqual({ ms: 1767225600000, unit: 'ms' });
    expect(timestampMs('1767225600')).toEqual({ ms: 1767225600000, unit: 's' });
    expect(timestampMs('1767225600123456')).toEqual({ ms: 1767225600123, unit: 'us' });
    expect(timestampMs('1767225600123456789')).toEqual({ ms: 1767225600123, unit: 'ns' });
  });
});

describe('convert', () => {
  const ok = (name: string) => {
    const result = convert(envelope(fixture(name)));
    if (result.kind !== 'activity') throw new Error(`${name}: ${JSON.stringify(result)}`);
    expect(InboundActivity.safeParse(result.activity).success).toBe(true);
    return result.activity;
  };

  it('a text becomes a message with the msg_id, the sender id (a string) and the text', () => {
    expect(ok('user-send-text.json')).toEqual({
      type: 'message',
      channelId: 'zalo',
      id: '3b1c2a7f9e0d4c5b8a6f',
      timestamp: 1767225600000,
      from: { id: USER },
      text: 'Xin chào, tôi muốn học cách giữ mật khẩu 😊',
    });
  });

  it('a button tap (the payload sent back as text) becomes a payload input', () => {
    expect(ok('button-tap.json')).toEqual({
      type: 'message', channelId: 'zalo', id: '3b1c2a7f9e0d4c5b8a70', timestamp: 1767225600100, from: { id: USER }, value: { payload: 'n:intro' },
    });
    // Anything that is not one of our payloads stays text.
    const typed = envelope(Buffer.from(fixture('button-tap.json').toString('utf8').replace('n:intro', 'n: tiếp')));
    expect(convert(typed)).toMatchObject({ kind: 'activity', activity: { text: 'n: tiếp' } });
  });

  it.each(['user-send-image.json', 'user-send-sticker.json', 'user-send-location.json'])('%s becomes an empty message ("I\'m here")', (name) => {
    const a = ok(name);
    expect(a).toMatchObject({ type: 'message', channelId: 'zalo', from: { id: USER }, text: '' });
    expect(a).not.toHaveProperty('value');
  });

  it('follow and unfollow become events with ids built from the event, the same on redelivery', () => {
    expect(ok('follow.json')).toEqual({
      type: 'event', channelId: 'zalo', id: `follow:${USER}:1767225600500`, timestamp: 1767225600500, from: { id: USER }, name: 'follow',
    });
    expect(ok('unfollow.json')).toEqual({
      type: 'event', channelId: 'zalo', id: `unfollow:${USER}:1767225600600`, timestamp: 1767225600600, from: { id: USER }, name: 'unfollow',
    });
    expect(ok('follow.json').id).toBe(ok('follow.json').id);
  });

  it('OA echoes are ignored and unknown events reported as unknown, by name only', () => {
    expect(convert(envelope(fixture('oa-send-text.json')))).toEqual({ kind: 'ignored', event: 'oa_send_text' });
    expect(convert(envelope(fixture('unknown-event.json')))).toEqual({ kind: 'unknown', event: 'user_teleported' });
    expect(convert({ event_name: 'bad name with spaces', timestamp: '1' })).toEqual({ kind: 'unknown', event: 'unprintable' });
  });

  it('a known event without its fields is invalid, described without its values', () => {
    const noMsgId = convert({ event_name: 'user_send_text', timestamp: '1767225600000', sender: { id: USER }, message: { text: 'bí mật' } });
    expect(noMsgId.kind).toBe('invalid');
    expect(JSON.stringify(noMsgId)).not.toContain('bí mật');
    expect(convert({ event_name: 'follow', timestamp: '1767225600000', oa_id: OA_ID }).kind).toBe('invalid');
    expect(convert({ event_name: 'user_send_text', timestamp: '1', sender: { id: 'has space' }, message: { msg_id: 'm' } }).kind).toBe('invalid');
    // An id that lost precision as a JSON number is refused rather than answered to the wrong person.
    expect(convert({ event_name: 'follow', timestamp: '1', follower: { id: 2512523625412515001 } }).kind).toBe('invalid');
  });

  it('an envelope needs an event name and a digit timestamp', () => {
    expect(ZaloEnvelope.safeParse({ event_name: 'user_send_text' }).success).toBe(false);
    expect(ZaloEnvelope.safeParse({ event_name: 'user_send_text', timestamp: 'yesterday' }).success).toBe(false);
    expect(ZaloEnvelope.safeParse([]).success).toBe(false);
    expect(ZaloEnvelope.parse({ event_name: 'follow', timestamp: 1767225600000 }).timestamp).toBe('1767225600000');
  });
});
