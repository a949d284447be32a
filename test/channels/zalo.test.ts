/**
 * The Zalo OA channel end to end: signed webhook deliveries into the real app on real Redis, the
 * shipped lessons, and a fake OpenAPI and OAuth endpoint at the HTTP boundary (nock on global fetch).
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformMessage } from '../../src/channels/channel.js';
import type { Reply } from '../../src/engine/types.js';
import { createKeys } from '../../src/store/keys.js';
import {
  APP_ID, ENV, FakeOAuth, FakeOpenApi, OA_ID, OA_SECRET, SEED, bytesOf, deliver, followEvent, imagesOf, lastButtons, messagesOf,
  newMsgId, newUser, nextTs, sign, stickerEvent, tapEvent, textEvent, textsOf, waitFor, zaloError, type CsRequest,
} from '../fixtures/zalo/fake-zalo.js';
import { snapshot as snapshotKeys } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const LESSON = 'password-otp';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const api = new FakeOpenApi();
const oauth = new FakeOAuth();

const rkeys = (server: TestServer, user: string) => createKeys(server.prefix).resident(`zalo:${user}`);

/** Everything taken in for this resident was handled and everything to send was sent (or dropped). */
async function settled(server: TestServer, user: string, ...others: TestServer[]): Promise<void> {
  const k = rkeys(server, user);
  await waitFor(`resident ${user} settled`, async () => {
    const [inbox, outbox] = await Promise.all([server.redis.zcard(k.inbox), server.redis.llen(k.outbox)]);
    return inbox === 0 && outbox === 0;
  });
  for (const s of [server, ...others]) await s.app.processor.idle();
}

async function stateOf(server: TestServer, user: string): Promise<Record<string, unknown> | null> {
  const doc = await server.redis.hget(rkeys(server, user).state, 'doc');
  return doc ? (JSON.parse(doc) as Record<string, unknown>) : null;
}

/** The messages the turn for this event id produced, as our client renders them. */
async function renderedFor(server: TestServer, user: string, id: string): Promise<PlatformMessage[]> {
  const raw = await server.redis.hget(rkeys(server, user).replies, id);
  expect(raw, `no replies stored for ${id}`).toBeTruthy();
  const client = server.app.channels.find((c) => c.id === 'zalo')!.client!;
  return (JSON.parse(raw!) as Reply[]).flatMap((r) => client.render(r));
}
const sent = (reqs: CsRequest[]) => reqs.map((r) => r.body.message);

/** Every key under the prefix with its serialised value (to prove nothing changed). */
async function snapshot(server: TestServer): Promise<Record<string, string>> {
  return snapshotKeys(server.redis, server.prefix);
}

let server: TestServer;

beforeAll(async () => {
  // The app's own server is on 127.0.0.1; nothing else may leave the process.
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  api.install();
  oauth.install();
  server = await startTestServer({ env: ENV });
});
afterEach(() => {
  api.respond.clear();
});
afterAll(async () => {
  await server?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('zalo webhook: refused deliveries change nothing', () => {
  it('unsigned, wrongly signed, malformed, oversized or misshapen bodies are refused, Redis untouched', async () => {
    const user = newUser();
    expect((await deliver(server.url, textEvent(user, 'Xin chào'))).status).toBe(200);
    await settled(server, user);
    const before = await snapshot(server);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const requestsBefore = api.received.length;

    const event = textEvent(newUser(), 'Tôi muốn học');
    const bytes = bytesOf(event);
    const refusals: [string, Buffer, string | null, number, string][] = [
      ['no header', bytes, null, 403, 'bad_signature'],
      ['the app secret instead of the OA secret', bytes, sign(bytes, event.timestamp, APP_ID, ENV.ZALO_APP_SECRET), 403, 'bad_signature'],
      ['another id', bytes, sign(bytes, event.timestamp, '9999999999'), 403, 'bad_signature'],
      ['another timestamp', bytes, sign(bytes, nextTs()), 403, 'bad_signature'],
      ['a re-serialised body', bytes, sign(Buffer.from(JSON.stringify(event, null, 2)), event.timestamp), 403, 'bad_signature'],
      ['garbage', bytes, 'mac=not-a-signature', 403, 'bad_signature'],
      ['malformed JSON', Buffer.from('{"event_name":"user_send_text",'), 'mac=00', 400, 'malformed_json'],
      ['no timestamp', bytesOf({ event_name: 'user_send_text' }), 'mac=00', 400, 'invalid_body'],
    ];
    for (const [label, body, signature, status, code] of refusals) {
      const res = await deliver(server.url, body, signature);
      expect([label, res.status, res.json?.error?.code]).toEqual([label, status, code]);
    }
    // A signed event of a known kind without its fields.
    const noMsgId = { ...event, message: { text: 'thiếu msg_id' } };
    const noMsgIdBytes = bytesOf(noMsgId);
    const invalid = await deliver(server.url, noMsgIdBytes, sign(noMsgIdBytes, event.timestamp));
    expect([invalid.status, invalid.json?.error?.code]).toEqual([400, 'invalid_body']);
    expect(invalid.text).not.toContain('thiếu msg_id');

    const big = bytesOf({ ...event, pad: 'x'.repeat(1.1 * 1024 * 1024) });
    const tooLarge = await deliver(server.url, big, sign(big, event.timestamp));
    expect([tooLarge.status, tooLarge.json?.error?.code]).toEqual([413, 'payload_too_large']);

    await server.app.processor.idle();
    expect(await snapshot(server)).toEqual(before);
    expect(api.received.length).toBe(requestsBefore);
  });

  it('unknown events and OA echoes are acknowledged with 200 and change nothing', async () => {
    const before = await snapshot(server);
    const user = newUser();
    const unknown = { app_id: APP_ID, event_name: 'user_teleported', sender: { id: user }, somewhere: { name: 'Nguyễn Văn A' }, timestamp: nextTs() };
    const echo = { app_id: APP_ID, event_name: 'oa_send_text', sender: { id: OA_ID }, recipient: { id: user }, message: { msg_id: newMsgId(), text: 'Chào' }, timestamp: nextTs() };
    const seen = { app_id: APP_ID, event_name: 'user_seen_message', sender: { id: OA_ID }, recipient: { id: user }, message: { msg_ids: ['x'] }, timestamp: nextTs() };
    for (const e of [unknown, echo, seen]) {
      const res = await deliver(server.url, e);
      expect(res.status).toBe(200);
    }
    expect(await snapshot(server)).toEqual(before);
  });
});

describe('zalo webhook: conversations', () => {
  it('a text message: taken in, answered through message/cs with the stored token', async () => {
    const user = newUser();
    const event = textEvent(user, 'Xin chào, tôi là Lan');
    const res = await deliver(server.url, event);
    expect([res.status, res.text]).toEqual([200, 'OK']);
    await settled(server, user);
    const expected = await renderedFor(server, user, (event.message as { msg_id: string }).msg_id);
    expect(expected.length).toBeGreaterThan(0);
    expect(sent(api.for(user))).toEqual(expected);
    expect(textsOf(api.for(user))).toContain('Xin chào');
    for (const r of api.for(user)) expect(r.token).toBe(SEED.accessToken);
    expect(await server.redis.hget(rkeys(server, user).contact, 'lastInbound')).toBe(String(Number(event.timestamp)));
  });

  it('a delivery signed with the OA id is accepted too (ZALO_SIGNATURE_ID=either)', async () => {
    const user = newUser();
    const event = stickerEvent(user);
    const bytes = bytesOf(event);
    expect((await deliver(server.url, bytes, sign(bytes, event.timestamp, OA_ID, OA_SECRET))).status).toBe(200);
    await settled(server, user);
    expect((await stateOf(server, user))?.turns).toBe(1);
    expect(api.for(user).length).toBeGreaterThan(0);
  });

  it('follow: the welcome and the lesson menu are sent', async () => {
    const user = newUser();
    const event = followEvent(user);
    expect((await deliver(server.url, event)).status).toBe(200);
    await settled(server, user);
    expect(textsOf(api.for(user))).toContain('Xin chào');
    const id = `follow:${user}:${event.timestamp}`;
    const replies = JSON.parse((await server.redis.hget(rkeys(server, user).replies, id))!) as Reply[];
    expect(replies.flatMap((r) => r.choices ?? []).map((c) => c.payload)).toContain(`l:${LESSON}`);
    // Up to five lessons are buttons; more are a numbered list the resident answers by typing.
    const buttons = lastButtons(api.for(user)).map((b) => b.payload);
    if (buttons.length) expect(buttons).toContain(`l:${LESSON}`);
    else expect(textsOf(api.for(user))).toMatch(/\n2\. /);
    expect(sent(api.for(user))).toEqual(await renderedFor(server, user, id));
    // Following again later (a redelivery of the same event) does not welcome twice.
    expect((await deliver(server.url, event)).status).toBe(200);
    await settled(server, user);
    expect((await stateOf(server, user))?.turns).toBe(1);
  });

  it('unfollow: the resident is marked unreachable and nothing is sent; writing again makes them reachable', async () => {
    const user = newUser();
    await deliver(server.url, followEvent(user));
    await settled(server, user);
    const sends = api.for(user).length;
    expect((await deliver(server.url, followEvent(user, 'unfollow'))).status).toBe(200);
    await settled(server, user);
    expect(await server.redis.hgetall(rkeys(server, user).contact)).toMatchObject({ status: 'unreachable', statusReason: 'unfollowed' });
    expect(api.for(user)).toHaveLength(sends);
    expect((await stateOf(server, user))?.turns).toBe(1);

    await deliver(server.url, followEvent(user));
    await settled(server, user);
    expect(await server.redis.hexists(rkeys(server, user).contact, 'status')).toBe(0);
    expect(api.for(user).length).toBeGreaterThan(sends);

    // Someone we never heard from before (e.g. from before contacts expired): kept no longer than a state is.
    const stranger = newUser();
    expect((await deliver(server.url, followEvent(stranger, 'unfollow'))).status).toBe(200);
    await waitFor('the stranger noted', async () => (await server.redis.exists(rkeys(server, stranger).contact)) === 1);
    expect(await server.redis.ttl(rkeys(server, stranger).contact)).toBeGreaterThan(300 * 24 * 3600);
  });

  it('a button tap (the payload sent back as text) moves to the next step', async () => {
    const user = newUser();
    await deliver(server.url, followEvent(user));
    await settled(server, user);
    await deliver(server.url, tapEvent(user, `l:${LESSON}`));
    await settled(server, user);
    expect(((await stateOf(server, user))?.current as { flowId?: string } | undefined)?.flowId).toBe(LESSON);
    const next = lastButtons(api.for(user)).find((b) => b.payload.startsWith('n:'));
    expect(next, 'the lesson intro has a "next" button').toBeDefined();
    const stepBefore = ((await stateOf(server, user))?.current as { stepId: string }).stepId;
    const seen = api.for(user).length;
    await deliver(server.url, tapEvent(user, next!.payload));
    await settled(server, user);
    expect(((await stateOf(server, user))?.current as { stepId: string }).stepId).not.toBe(stepBefore);
    expect(api.for(user).length).toBeGreaterThan(seen);
  });

  it(`a resident completes the shipped lesson ${LESSON} by tapping, through Zalo`, async () => {
    const user = newUser();
    await deliver(server.url, followEvent(user));
    await settled(server, user);
    let from = api.for(user).length;
    await deliver(server.url, tapEvent(user, `l:${LESSON}`));
    await settled(server, user);

    let done = false;
    for (let turn = 0; turn < 60 && !done; turn++) {
      const step = lastButtons(api.for(user).slice(from)).find((b) => /^[onk]:/.test(b.payload));
      from = api.for(user).length;
      // More than five choices are a numbered list without buttons: the resident types the number.
      const event = step ? tapEvent(user, step.payload) : textEvent(user, '1');
      expect((await deliver(server.url, event)).status).toBe(200);
      await settled(server, user);
      done = Boolean(((await stateOf(server, user))?.completed as Record<string, unknown> | undefined)?.[LESSON]);
    }
    expect(done).toBe(true);
    const all = api.for(user);
    const images = imagesOf(all);
    expect(images.length).toBeGreaterThan(2);
    for (const url of images) expect(url).toMatch(/^https:\/\/bot\.example\.test\/media\/[\w-]+\.png$/);
    expect(lastButtons(all.slice(from)).map((b) => b.payload)).toContain('c:menu');
    expect((await stateOf(server, user))?.completed).toMatchObject({ [LESSON]: { times: 1 } });
    for (const m of messagesOf(all)) {
      if (m.text) expect(m.text.length).toBeLessThanOrEqual(2000);
      const buttons = m.attachment?.payload?.buttons ?? [];
      expect(buttons.length).toBeLessThanOrEqual(5);
      for (const b of buttons) expect(b.title.length).toBeLessThanOrEqual(20);
    }
  });

  it('a batch: events of two residents delivered at once are all handled, replies in order per resident', async () => {
    const [a, b] = [newUser(), newUser()];
    const events = [textEvent(a, 'Xin chào'), textEvent(b, 'menu'), tapEvent(a, `l:${LESSON}`), textEvent(b, 'hướng dẫn')];
    const results = await Promise.all(events.map((e) => deliver(server.url, e)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await Promise.all([settled(server, a), settled(server, b)]);
    const ids = events.map((e) => (e.message as { msg_id: string }).msg_id);
    expect(sent(api.for(a))).toEqual([...(await renderedFor(server, a, ids[0]!)), ...(await renderedFor(server, a, ids[2]!))]);
    expect(sent(api.for(b))).toEqual([...(await renderedFor(server, b, ids[1]!)), ...(await renderedFor(server, b, ids[3]!))]);
  });

  it('the same event delivered three times is handled once and answered once', async () => {
    const user = newUser();
    const event = textEvent(user, 'Xin chào');
    const bytes = bytesOf(event);
    const results = await Promise.all([1, 2, 3].map(() => deliver(server.url, bytes, sign(bytes, event.timestamp))));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await settled(server, user);
    expect((await deliver(server.url, event)).status).toBe(200); // and once more, later
    await settled(server, user);
    expect(sent(api.for(user))).toEqual(await renderedFor(server, user, (event.message as { msg_id: string }).msg_id));
    expect((await stateOf(server, user))?.turns).toBe(1);
  });
});

describe('zalo sending: what message/cs answers', () => {
  it('a send answered 500 is retried and everything is delivered once', async () => {
    const user = newUser();
    const event = textEvent(user, 'Xin chào');
    api.respond.set(user, (n) => (n === 0 ? [500, 'Internal Server Error'] : [200, { error: 0, message: 'Success' }]));
    await deliver(server.url, event);
    await settled(server, user);
    const expected = await renderedFor(server, user, (event.message as { msg_id: string }).msg_id);
    expect(api.for(user)[0]!.answer?.[0]).toBe(500);
    expect(sent(api.delivered(user))).toEqual(expected);
    expect(api.for(user)).toHaveLength(expected.length + 1);
  });

  it('HTTP 200 with error -32 (rate limit) is retried, not taken as sent', async () => {
    const user = newUser();
    const event = textEvent(user, 'Xin chào');
    api.respond.set(user, (n) => (n < 2 ? zaloError(-32, 200, { 'Retry-After': '0' }) : [200, { error: 0, message: 'Success' }]));
    await deliver(server.url, event);
    await settled(server, user);
    const expected = await renderedFor(server, user, (event.message as { msg_id: string }).msg_id);
    expect(sent(api.delivered(user))).toEqual(expected);
    expect(api.for(user)).toHaveLength(expected.length + 2);
    expect(sent(api.for(user).slice(0, 3))).toEqual([expected[0], expected[0], expected[0]]);
  });

  it.each([
    ['outside the 7-day window', -230],
    ['not following the OA', -213],
    ['restricted messages from the OA', -244],
  ])('a resident %s is marked unreachable, the outbox cleared, nothing more sent', async (_label, code) => {
    const user = newUser();
    const k = rkeys(server, user);
    api.respond.set(user, () => zaloError(code));
    const event = tapEvent(user, `l:${LESSON}`);
    await deliver(server.url, event);
    await settled(server, user);
    expect((await renderedFor(server, user, (event.message as { msg_id: string }).msg_id)).length).toBeGreaterThan(1);
    expect(api.for(user)).toHaveLength(1);
    expect(await server.redis.hgetall(k.contact)).toMatchObject({ status: 'unreachable', statusReason: `zalo 200 error ${code}` });
    expect(await server.redis.exists(k.outbox)).toBe(0);
    await server.app.processor.sweep();
    await server.app.processor.idle();
    expect(api.for(user)).toHaveLength(1);
  });
});

describe('zalo tokens through the app', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = () => now;
  let a: TestServer;
  let b: TestServer | undefined;
  afterAll(async () => {
    await b?.close({ keepKeys: true });
    await a?.close();
  });

  it('two processes racing to refresh an expired token: one OAuth call, every send uses the new token; a restart reads it', async () => {
    a = await startTestServer({ env: ENV, clock });
    b = await startTestServer({ env: ENV, clock, prefix: a.prefix });
    const tokenKey = createKeys(a.prefix).zaloToken;
    await waitFor('token pair seeded', async () => (await a.redis.exists(tokenKey)) === 1);
    const next = oauth.peek();
    const oauthBefore = oauth.requests.length;

    now += 25 * HOUR + 1;
    oauth.delayMs = 300;
    const storedAtSend: string[] = [];
    const [u1, u2] = [newUser(), newUser()];
    for (const u of [u1, u2]) {
      api.respond.set(u, async (n) => {
        storedAtSend.push(JSON.parse((await a.redis.get(tokenKey))!).accessToken as string);
        return [200, { error: 0, message: 'Success', data: { message_id: `m${n}` } }];
      });
    }
    const results = await Promise.all([deliver(a.url, textEvent(u1, 'Xin chào')), deliver(b.url, textEvent(u2, 'Xin chào'))]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    await settled(a, u1, b);
    await settled(a, u2, b);
    oauth.delayMs = 0;

    expect(oauth.requests.length - oauthBefore).toBe(1);
    const sends = [...api.for(u1), ...api.for(u2)];
    expect(sends.length).toBeGreaterThan(1);
    for (const s of sends) expect(s.token).toBe(next.accessToken);
    // The new pair was in Redis before any send used it.
    expect(new Set(storedAtSend)).toEqual(new Set([next.accessToken]));

    // A restart (a new process on the same Redis, with the old env pair) keeps using the stored pair.
    await b.close({ keepKeys: true });
    b = await startTestServer({ env: ENV, clock, prefix: a.prefix });
    const u3 = newUser();
    await deliver(b.url, textEvent(u3, 'menu'));
    await settled(b, u3, a);
    for (const s of api.for(u3)) expect(s.token).toBe(next.accessToken);
    expect(oauth.requests.length - oauthBefore).toBe(1);
  });

  it('an invalid-token answer in the middle of a conversation: one refresh, then delivered with the new token', async () => {
    const user = newUser();
    const tokenKey = createKeys(a.prefix).zaloToken;
    const current = JSON.parse((await a.redis.get(tokenKey))!).accessToken as string;
    const next = oauth.peek();
    const oauthBefore = oauth.requests.length;
    api.respond.set(user, (n) => (n === 0 ? zaloError(-216) : [200, { error: 0, message: 'Success' }]));
    const event = textEvent(user, 'Xin chào');
    await deliver(a.url, event);
    await settled(a, user, b!);
    expect(oauth.requests.length - oauthBefore).toBe(1);
    const expected = await renderedFor(a, user, (event.message as { msg_id: string }).msg_id);
    expect(sent(api.delivered(user))).toEqual(expected);
    expect(api.for(user).map((r) => r.token)).toEqual([current, ...expected.map(() => next.accessToken)]);
  });

  it('/readyz: ok with the token details; a warning near the refresh token\'s end; 503 once it lapsed', async () => {
    const readyz = async () => {
      const res = await fetch(`${a.url}/readyz`);
      return { status: res.status, zalo: ((await res.json()) as { checks: { zalo: Record<string, unknown> } }).checks.zalo };
    };
    const fresh = await readyz();
    expect(fresh.status).toBe(200);
    expect(fresh.zalo).toMatchObject({ token: 'ok', refreshTokenExpiresInDays: 90 });
    expect(JSON.stringify(fresh)).not.toContain('zalo-access');

    now += 80 * DAY;
    const soon = await readyz();
    expect(soon.status).toBe(200);
    expect(soon.zalo).toMatchObject({ token: 'refresh_expiring', refreshTokenExpiresInDays: 10 });
    expect(soon.zalo.warning).toBeDefined();

    now += 11 * DAY;
    const lapsed = await readyz();
    expect(lapsed.status).toBe(503);
    expect(lapsed.zalo).toMatchObject({ token: 'refresh_expired', refreshTokenExpiresInDays: 0 });
    expect(lapsed.zalo.action).toBeDefined();
  });
});
