/** Messenger webhook bodies: signature over the raw bytes, and the activities each event becomes. */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InboundActivity } from '../../src/channels/activity.js';
import { GET_STARTED, MessengerWebhookBody, convert, toActivities, verifySignature } from '../../src/channels/messenger/webhook.js';

const SECRET = 'test-app-secret-123';
const fixture = (name: string) => readFileSync(new URL(`../fixtures/messenger/${name}`, import.meta.url));
const hmac = (bytes: Buffer | string, secret = SECRET) => createHmac('sha256', secret).update(bytes).digest('hex');
const parse = (bytes: Buffer) => MessengerWebhookBody.parse(JSON.parse(bytes.toString('utf8')));

describe('verifySignature', () => {
  const raw = fixture('text-vietnamese.json');

  it('accepts the HMAC-SHA256 of the raw bytes, as Meta sends it (escaped unicode)', () => {
    expect(raw.toString('utf8')).toContain('\\u1ed1');
    expect(verifySignature(raw, `sha256=${hmac(raw)}`, SECRET)).toBe(true);
    expect(verifySignature(raw, `sha256=${hmac(raw).toUpperCase()}`, SECRET)).toBe(true);
  });

  it('refuses the HMAC of the re-serialised body (decoded Vietnamese), so raw bytes must be used', () => {
    const reserialised = JSON.stringify(JSON.parse(raw.toString('utf8')));
    expect(reserialised).toContain('muốn');
    expect(verifySignature(raw, `sha256=${hmac(reserialised)}`, SECRET)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['no prefix', 'HEX'],
    ['sha1 prefix', 'sha1=HEX'],
    ['short', 'sha256=abcd'],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['too long', 'sha256=HEX00'],
  ])('refuses a %s header', (_label, header) => {
    const h = header?.replace('HEX', hmac(raw));
    expect(verifySignature(raw, h, SECRET)).toBe(false);
  });

  it('refuses another secret and another body', () => {
    expect(verifySignature(raw, `sha256=${hmac(raw, 'another-secret')}`, SECRET)).toBe(false);
    const tampered = Buffer.from(raw.toString('utf8').replace('Xin', 'Xim'));
    expect(verifySignature(tampered, `sha256=${hmac(raw)}`, SECRET)).toBe(false);
  });
});

describe('toActivities', () => {
  it('a text message becomes a message activity with the mid, the PSID and the decoded text', () => {
    const [a, ...rest] = toActivities(parse(fixture('text-vietnamese.json')));
    expect(rest).toEqual([]);
    expect(a).toEqual({
      type: 'message',
      channelId: 'messenger',
      id: 'm_AbC1-text-vi',
      timestamp: 1767225600000,
      from: { id: '6543210987654321' },
      text: 'Xin chào, tôi muốn học cách giữ mật khẩu 😊',
    });
  });

  it('keeps quick replies, stickers, postbacks and referrals; drops echoes, reads, deliveries, reactions and standby', () => {
    const result = convert(parse(fixture('mixed-events.json')));
    expect(result.unreadable).toBe(0);
    expect(result.ignored).toBe(6); // echo, read, delivery, reaction + 2 standby
    const psid = { id: '6543210987654321' };
    expect(result.activities).toEqual([
      { type: 'message', channelId: 'messenger', id: 'm_quick', timestamp: 1767225600001, from: psid, text: 'Có rồi', value: { payload: 'o:has-lock:0' } },
      { type: 'message', channelId: 'messenger', id: 'm_sticker', timestamp: 1767225600005, from: psid, text: '' },
      { type: 'message', channelId: 'messenger', id: 'm_postback', timestamp: 1767225600006, from: psid, value: { payload: 'n:intro' } },
      {
        type: 'event', channelId: 'messenger', id: 'referral:6543210987654321:1767225600008', timestamp: 1767225600008,
        from: psid, name: 'start', ref: 'poster-xa-an-binh',
      },
    ]);
    for (const a of result.activities) expect(InboundActivity.safeParse(a).success).toBe(true);
  });

  it('Get Started becomes a start event carrying the m.me ref, with a stable id when there is no mid', () => {
    expect(GET_STARTED).toBe('GET_STARTED');
    const body = parse(fixture('get-started-ref.json'));
    const first = toActivities(body);
    expect(first).toEqual([
      {
        type: 'event', channelId: 'messenger', id: 'postback:6543210987654321:1767225601500', timestamp: 1767225601500,
        from: { id: '6543210987654321' }, name: 'start', ref: 'poster-xa-an-binh',
      },
    ]);
    // A redelivery gets the same id, so it is recognised as one.
    expect(toActivities(parse(fixture('get-started-ref.json')))[0]!.id).toBe(first[0]!.id);
  });

  it('iterates every entry and every messaging event, in order', () => {
    const ev = (psid: string, mid: string, t: number) => ({ sender: { id: psid }, recipient: { id: 'P' }, timestamp: t, message: { mid, text: mid } });
    const body = MessengerWebhookBody.parse({
      object: 'page',
      entry: [
        { id: 'P', time: 1, messaging: [ev('1', 'a', 1), ev('2', 'b', 2)] },
        { id: 'P', time: 2, messaging: [ev('1', 'c', 3)] },
      ],
    });
    expect(toActivities(body).map((a) => `${a.from.id}:${a.id}`)).toEqual(['1:a', '2:b', '1:c']);
  });

  it('skips an event it cannot read without refusing the rest of the batch', () => {
    const body = MessengerWebhookBody.parse({
      object: 'page',
      entry: [
        {
          id: 'P',
          messaging: [
            { sender: { id: '1' }, timestamp: 'yesterday', message: { mid: 'x', text: 'a' } },
            { sender: { user_ref: 'abc' }, timestamp: 5, optin: { ref: 'x' } },
            { sender: { id: 'has space' }, timestamp: 6, message: { mid: 'y', text: 'b' } },
            { sender: { id: '1' }, timestamp: 7, message: { mid: 'ok', text: 'fine' } },
          ],
        },
      ],
    });
    const result = convert(body);
    expect(result.activities.map((a) => a.id)).toEqual(['ok']);
    expect(result.unreadable).toBe(2);
    expect(result.ignored).toBe(1);
  });

  it('drops a ref longer than allowed instead of cutting it into another code', () => {
    const body = MessengerWebhookBody.parse({
      object: 'page',
      entry: [{ messaging: [{ sender: { id: '1' }, timestamp: 9, referral: { ref: 'x'.repeat(300), source: 'SHORTLINK', type: 'OPEN_THREAD' } }] }],
    });
    const [a] = toActivities(body);
    expect(a).toMatchObject({ type: 'event', name: 'start' });
    expect(a).not.toHaveProperty('ref');
  });

  it('refuses an envelope that is not a webhook body', () => {
    expect(MessengerWebhookBody.safeParse({ object: 'page', entry: 'nope' }).success).toBe(false);
    expect(MessengerWebhookBody.safeParse({ entry: [] }).success).toBe(false);
    expect(MessengerWebhookBody.safeParse([]).success).toBe(false);
  });
});
