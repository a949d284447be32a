/**
 * The Messenger channel end to end: signed webhook deliveries into the real app on real Redis, the
 * shipped lessons, and a fake Graph API at the HTTP boundary (nock intercepts global fetch).
 */
import nock from 'nock';
import { createHmac, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformMessage } from '../../src/channels/channel.js';
import type { Reply } from '../../src/engine/types.js';
import { createKeys } from '../../src/store/keys.js';
import { snapshot as snapshotKeys } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ENV = {
  MESSENGER_APP_SECRET: 'test-app-secret-123',
  MESSENGER_PAGE_ACCESS_TOKEN: 'EAAtest-token',
  MESSENGER_VERIFY_TOKEN: 'verify-me-123',
  MESSENGER_GRAPH_URL: 'http://graph.test/v25.0',
  PUBLIC_BASE_URL: 'https://bot.example.test',
};
const PAGE_ID = '104857600000001';
const LESSON = 'password-otp';

// ---------------------------------------------------------------------------------------------
// The fake Graph API: records every Send API request; answers with `respond` (200 by default).

interface GraphRequest {
  psid: string;
  body: { recipient: { id: string }; messaging_type?: string; message?: PlatformMessage; sender_action?: string };
  query: string;
  /** The answer given, once given. */
  status?: number;
}
type Answer = [number, unknown?, Record<string, string>?];

const graph = {
  received: [] as GraphRequest[],
  /** Per-PSID behaviour; `n` counts that resident's requests from 0. */
  respond: new Map<string, (n: number, req: GraphRequest) => Answer | Promise<Answer>>(),
  timeline: [] as string[],
  for(psid: string): GraphRequest[] {
    return this.received.filter((r) => r.psid === psid);
  },
  /** Requests answered 2xx, i.e. messages the resident got. */
  delivered(psid: string): GraphRequest[] {
    return this.for(psid).filter((r) => r.status !== undefined && r.status < 300);
  },
};

function installGraph(): void {
  nock('http://graph.test')
    .persist()
    .post('/v25.0/me/messages')
    .query(true)
    .reply(async function (uri, body) {
      const req: GraphRequest = { psid: (body as GraphRequest['body']).recipient.id, body: body as GraphRequest['body'], query: uri.split('?')[1] ?? '' };
      const n = graph.for(req.psid).length;
      graph.received.push(req);
      const answer: Answer = (await graph.respond.get(req.psid)?.(n, req)) ?? [200, { recipient_id: req.psid, message_id: `m_out_${graph.received.length}` }];
      req.status = answer[0];
      return [answer[0], answer[1] ?? {}, answer[2] ?? {}] as [number, nock.Body, Record<string, string>];
    });
}

// ---------------------------------------------------------------------------------------------
// Webhook deliveries, as Meta makes them: escaped unicode, signed over the exact bytes.

/** JSON the way Meta serialises it: non-ASCII as \uXXXX (UTF-16 units), "/" as "\/". */
function metaJson(value: unknown): Buffer {
  const json = JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
  return Buffer.from(json, 'ascii');
}

const sign = (bytes: Buffer, secret = ENV.MESSENGER_APP_SECRET) => `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;

async function deliver(
  server: TestServer,
  bytes: Buffer,
  signature: string | null = sign(bytes),
): Promise<{ status: number; text: string; json?: { error?: { code?: string } } }> {
  const res = await fetch(`${server.url}/webhooks/messenger`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  let json: { error?: { code?: string } } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, ...(json ? { json } : {}) };
}

type Event = Record<string, unknown>;
let clockMs = Date.now();
/** Platform timestamps, strictly increasing across the file. */
const nextTs = () => ++clockMs;
let midSeq = 0;
const newMid = () => `m_${Date.now().toString(36)}_${++midSeq}`;
const newPsid = () => `${randomInt(1e7, 1e8 - 1)}${randomInt(1e7, 1e8 - 1)}`;

const envelope = (psid: string, ts: number) => ({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: ts });
const textEvent = (psid: string, text: string, mid = newMid(), ts = nextTs()): Event => ({ ...envelope(psid, ts), message: { mid, text } });
const quickReplyEvent = (psid: string, payload: string, title: string, mid = newMid(), ts = nextTs()): Event => ({
  ...envelope(psid, ts),
  message: { mid, text: title, quick_reply: { payload } },
});
const postbackEvent = (psid: string, payload: string, title: string, mid = newMid(), ts = nextTs()): Event => ({
  ...envelope(psid, ts),
  postback: { title, payload, mid },
});
const getStartedEvent = (psid: string, ref?: string, ts = nextTs()): Event => ({
  ...envelope(psid, ts),
  postback: { title: 'Bắt đầu', payload: 'GET_STARTED', ...(ref ? { referral: { ref, source: 'SHORTLINK', type: 'OPEN_THREAD' } } : {}) },
});
const page = (...entries: Event[][]) => ({
  object: 'page',
  entry: entries.map((messaging, i) => ({ id: PAGE_ID, time: Date.now() + i, messaging })),
});

// ---------------------------------------------------------------------------------------------
// Waiting (bounded polling, never on durations) and reading Redis.

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, tries = 600): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

const rkeys = (server: TestServer, psid: string) => createKeys(server.prefix).resident(`messenger:${psid}`);

/** Everything taken in for this resident was handled and everything to send was sent (or dropped). */
async function settled(server: TestServer, psid: string): Promise<void> {
  const k = rkeys(server, psid);
  await waitFor(`resident ${psid} settled`, async () => {
    const [inbox, outbox] = await Promise.all([server.redis.zcard(k.inbox), server.redis.llen(k.outbox)]);
    return inbox === 0 && outbox === 0;
  });
  await server.app.processor.idle();
}

async function stateOf(server: TestServer, psid: string): Promise<Record<string, unknown> | null> {
  const doc = await server.redis.hget(rkeys(server, psid).state, 'doc');
  return doc ? (JSON.parse(doc) as Record<string, unknown>) : null;
}

/** The platform messages the turn for this message id produced, as our client renders them. */
async function renderedFor(server: TestServer, psid: string, mid: string): Promise<PlatformMessage[]> {
  const raw = await server.redis.hget(rkeys(server, psid).replies, mid);
  expect(raw, `no replies stored for ${mid}`).toBeTruthy();
  const client = server.app.channels.find((c) => c.id === 'messenger')!.client!;
  return (JSON.parse(raw!) as Reply[]).flatMap((r) => client.render(r));
}

/** The Send API payload a platform message becomes. */
const wire = (m: PlatformMessage) => ('sender_action' in m ? { sender_action: m.sender_action } : { message: m });
const sent = (reqs: GraphRequest[]) => reqs.map((r) => (r.body.sender_action ? { sender_action: r.body.sender_action } : { message: r.body.message }));
const messagesOf = (reqs: GraphRequest[]) => reqs.flatMap((r) => (r.body.message ? [r.body.message as Record<string, unknown>] : []));
const textsOf = (reqs: GraphRequest[]) => messagesOf(reqs).flatMap((m) => (typeof m.text === 'string' ? [m.text] : [])).join('\n');

interface Button {
  payload: string;
  title: string;
  kind: 'quick_reply' | 'postback';
}
/** The buttons of the last message that has any. */
function lastButtons(reqs: GraphRequest[]): Button[] {
  for (const m of messagesOf(reqs).reverse()) {
    const quick = m.quick_replies as { title: string; payload: string }[] | undefined;
    if (quick?.length) return quick.map((q) => ({ payload: q.payload, title: q.title, kind: 'quick_reply' }));
    const tpl = (m.attachment as { type?: string; payload?: { buttons?: { title: string; payload: string }[] } } | undefined);
    if (tpl?.type === 'template' && tpl.payload?.buttons?.length) {
      return tpl.payload.buttons.map((b) => ({ payload: b.payload, title: b.title, kind: 'postback' }));
    }
  }
  return [];
}
const tapEvent = (psid: string, b: Button, mid = newMid()) =>
  b.kind === 'quick_reply' ? quickReplyEvent(psid, b.payload, b.title, mid) : postbackEvent(psid, b.payload, b.title, mid);

/** Every key under the prefix with its serialised value (to prove nothing changed). */
async function snapshot(server: TestServer): Promise<Record<string, string>> {
  return snapshotKeys(server.redis, server.prefix);
}

// ---------------------------------------------------------------------------------------------

let server: TestServer;

beforeAll(async () => {
  // The app's own server is on 127.0.0.1; nothing else may leave the process.
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  installGraph();
  server = await startTestServer({ env: ENV });
});
afterEach(() => {
  graph.respond.clear();
});
afterAll(async () => {
  await server?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('messenger webhook: verification handshake', () => {
  const verify = (query: string) => fetch(`${server.url}/webhooks/messenger?${query}`);

  it('answers the challenge as plain text when the verify token matches', async () => {
    const res = await verify('hub.mode=subscribe&hub.verify_token=verify-me-123&hub.challenge=1158201444');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  it.each([
    ['a wrong token', 'hub.mode=subscribe&hub.verify_token=verify-me-124&hub.challenge=1'],
    ['a token prefix', 'hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1'],
    ['no token', 'hub.mode=subscribe&hub.challenge=1'],
    ['another mode', 'hub.mode=unsubscribe&hub.verify_token=verify-me-123&hub.challenge=1'],
    ['no challenge', 'hub.mode=subscribe&hub.verify_token=verify-me-123'],
  ])('refuses %s with 403', async (_label, query) => {
    const res = await verify(query);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('verify-me-123');
  });
});

describe('messenger webhook: refused deliveries change nothing', () => {
  it('unsigned, wrongly signed, malformed, oversized, unknown or misshapen bodies are refused, Redis untouched', async () => {
    // Some state first, so "nothing changed" means something.
    const psid = newPsid();
    expect((await deliver(server, metaJson(page([textEvent(psid, 'Xin chào')])))).status).toBe(200);
    await settled(server, psid);
    const before = await snapshot(server);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const requestsBefore = graph.received.length;

    const valid = metaJson(page([textEvent(newPsid(), 'Tôi muốn học')]));
    const unsigned = await deliver(server, valid, null);
    expect(unsigned.status).toBe(403);
    expect(unsigned.json?.error?.code).toBe('bad_signature');

    const wrong = await deliver(server, valid, sign(valid, 'not-the-app-secret'));
    expect(wrong.status).toBe(403);
    expect(wrong.json?.error?.code).toBe('bad_signature');

    // Signed over the decoded (re-serialised) text instead of the bytes sent: refused.
    const decoded = Buffer.from(JSON.stringify(JSON.parse(valid.toString('utf8'))));
    expect((await deliver(server, valid, sign(decoded))).status).toBe(403);

    const malformed = Buffer.from('{"object":"page","entry":[');
    const bad = await deliver(server, malformed);
    expect(bad.status).toBe(400);
    expect(bad.json?.error?.code).toBe('malformed_json');

    const big = metaJson({ object: 'page', entry: [{ id: PAGE_ID, time: 1, messaging: [], pad: 'x'.repeat(1.1 * 1024 * 1024) }] });
    const tooLarge = await deliver(server, big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json?.error?.code).toBe('payload_too_large');

    const instagram = readFileSync(new URL('../fixtures/messenger/instagram.json', import.meta.url));
    const unknown = await deliver(server, instagram);
    expect(unknown.status).toBe(400);
    expect(unknown.json?.error?.code).toBe('unknown_object');

    const misshapen = metaJson({ object: 'page', entry: 'not a list' });
    const invalid = await deliver(server, misshapen);
    expect(invalid.status).toBe(400);
    expect(invalid.json?.error?.code).toBe('invalid_body');

    await server.app.processor.idle();
    expect(await snapshot(server)).toEqual(before);
    expect(graph.received.length).toBe(requestsBefore);
  });

  it('a body with only echoes, reads and deliveries is acknowledged and changes nothing', async () => {
    const before = await snapshot(server);
    const psid = newPsid();
    const bytes = metaJson(
      page([
        { sender: { id: PAGE_ID }, recipient: { id: psid }, timestamp: nextTs(), message: { mid: newMid(), is_echo: true, app_id: 1, text: 'Chào' } },
        { ...envelope(psid, nextTs()), read: { watermark: 1 } },
        { ...envelope(psid, nextTs()), delivery: { mids: ['m_1'], watermark: 1 } },
      ]),
    );
    const res = await deliver(server, bytes);
    expect(res.status).toBe(200);
    expect(res.text).toBe('EVENT_RECEIVED');
    expect(await snapshot(server)).toEqual(before);
  });
});

describe('messenger webhook: conversations', () => {
  it('a batch of three events in two entries: every event handled, replies in order per resident', async () => {
    const a = newPsid();
    const b = newPsid();
    const [a1, b1, a2] = [newMid(), newMid(), newMid()];
    const body = page(
      [textEvent(a, 'Xin chào', a1), textEvent(b, 'menu', b1)],
      [quickReplyEvent(a, `l:${LESSON}`, 'Mật khẩu', a2)],
    );
    const res = await deliver(server, metaJson(body));
    expect(res.status).toBe(200);
    expect(res.text).toBe('EVENT_RECEIVED');
    await Promise.all([settled(server, a), settled(server, b)]);

    const expectedA = [...(await renderedFor(server, a, a1)), ...(await renderedFor(server, a, a2))].map(wire);
    expect(sent(graph.for(a))).toEqual(expectedA);
    expect(sent(graph.for(b))).toEqual((await renderedFor(server, b, b1)).map(wire));
    expect(textsOf(graph.for(a))).toContain('Xin chào');
    // The lesson's first picture comes after the welcome, from the public base URL.
    const images = messagesOf(graph.for(a)).flatMap((m) => {
      const att = m.attachment as { type?: string; payload?: { url?: string } } | undefined;
      return att?.type === 'image' ? [att.payload!.url!] : [];
    });
    expect(images[0]).toBe('https://bot.example.test/media/pw-intro.png');
    for (const r of graph.for(a)) expect(r.body.messaging_type ?? 'RESPONSE').toBe('RESPONSE');
    for (const r of graph.received) expect(r.query).toBe('access_token=EAAtest-token');
  });

  it('the same event delivered three times is handled once and answered once', async () => {
    const psid = newPsid();
    const mid = newMid();
    const bytes = metaJson(page([textEvent(psid, 'Xin chào, tôi là Lan', mid)]));
    const results = await Promise.all([deliver(server, bytes), deliver(server, bytes), deliver(server, bytes)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await settled(server, psid);
    // And once more, later (Meta retries for up to 36 h).
    expect((await deliver(server, bytes)).status).toBe(200);
    await settled(server, psid);

    const expected = (await renderedFor(server, psid, mid)).map(wire);
    expect(expected.length).toBeGreaterThan(0);
    expect(sent(graph.for(psid))).toEqual(expected);
    expect((await stateOf(server, psid))?.turns).toBe(1);
  });

  it('Get Started with an m.me ref: the welcome and the lesson menu are sent', async () => {
    const psid = newPsid();
    const res = await deliver(server, metaJson(page([getStartedEvent(psid, 'poster-xa-an-binh')])));
    expect(res.status).toBe(200);
    await settled(server, psid);
    const reqs = graph.for(psid);
    expect(textsOf(reqs)).toContain('Xin chào');
    expect(lastButtons(reqs).map((b) => b.payload)).toEqual(expect.arrayContaining([`l:${LESSON}`]));
    expect((await stateOf(server, psid))?.turns).toBe(1);
  });

  it('a quick-reply tap moves to the next step', async () => {
    const psid = newPsid();
    await deliver(server, metaJson(page([getStartedEvent(psid)])));
    await settled(server, psid);
    await deliver(server, metaJson(page([quickReplyEvent(psid, `l:${LESSON}`, 'Mật khẩu')])));
    await settled(server, psid);
    const next = lastButtons(graph.for(psid)).find((b) => b.payload.startsWith('n:'));
    expect(next, 'the lesson intro has a "next" button').toBeDefined();
    const stepBefore = ((await stateOf(server, psid))?.current as { stepId: string }).stepId;

    const seen = graph.for(psid).length;
    await deliver(server, metaJson(page([tapEvent(psid, next!)])));
    await settled(server, psid);
    const stepAfter = ((await stateOf(server, psid))?.current as { stepId: string }).stepId;
    expect(stepAfter).not.toBe(stepBefore);
    const newSends = graph.for(psid).slice(seen);
    expect(newSends.length).toBeGreaterThan(0);
    expect(lastButtons(newSends).length).toBeGreaterThan(0);
  });

  it('a resident who deletes their data is told so, and nothing of theirs is left but the traces that stop a redelivery', async () => {
    const psid = newPsid();
    const k = rkeys(server, psid);
    await deliver(server, metaJson(page([getStartedEvent(psid)])));
    await settled(server, psid);
    expect(await server.redis.hget(k.contact, 'lastInbound')).toBeTruthy();
    expect(await server.redis.ttl(k.contact)).toBeGreaterThan(0);
    await deliver(server, metaJson(page([postbackEvent(psid, 'c:delete', 'Xoá dữ liệu')])));
    await settled(server, psid);
    const seen = graph.for(psid).length;
    const yes = newMid();
    // The goodbye is refused twice (500) and sent again: the backoff it leaves is not kept for ever.
    graph.respond.set(psid, (n) => (n === seen || n === seen + 1 ? [500, { error: { message: 'An unexpected error has occurred.', code: 1 } }] : [200, { recipient_id: psid }]));
    await deliver(server, metaJson(page([quickReplyEvent(psid, 'c:delete:yes', 'Có', yes)])));
    // While it waits to be sent again, the contact holds only that wait, kept no longer than a state would be.
    await waitFor('the goodbye waits', async () => (await server.redis.hexists(k.contact, 'sendAfter')) === 1);
    const [[, waiting], [, ttl]] = (await server.redis.multi().hgetall(k.contact).ttl(k.contact).exec()) as [[null, Record<string, string>], [null, number]];
    expect(Object.keys(waiting)).toEqual(['sendAfter']);
    expect(ttl).toBeGreaterThan(0);
    await settled(server, psid);
    // The goodbye went out, and then only the revision, the handled id and its replies remain.
    expect(graph.delivered(psid).slice(seen).length).toBeGreaterThan(0);
    expect(await server.redis.hgetall(k.state)).toEqual({ rev: expect.any(String) });
    const left = Object.keys(await snapshot(server)).filter((key) => key.includes(`{messenger:${psid}}`));
    expect(left.sort()).toEqual([k.replies, k.seen, k.state].sort());
    expect(await server.redis.exists(k.contact)).toBe(0);
    expect(await server.redis.zrange(k.seen, 0, -1)).toEqual([yes]);
  });

  it(`a resident completes the shipped lesson ${LESSON} by tapping, through Messenger`, async () => {
    const psid = newPsid();
    await deliver(server, metaJson(page([getStartedEvent(psid)])));
    await settled(server, psid);
    const start = lastButtons(graph.for(psid)).find((b) => b.payload === `l:${LESSON}`);
    expect(start).toBeDefined();
    let from = graph.for(psid).length;
    await deliver(server, metaJson(page([tapEvent(psid, start!)])));
    await settled(server, psid);

    let done = false;
    for (let turn = 0; turn < 60 && !done; turn++) {
      const buttons = lastButtons(graph.for(psid).slice(from));
      const step = buttons.find((b) => /^[onk]:/.test(b.payload));
      expect(step, `no step button after: ${textsOf(graph.for(psid).slice(from))}`).toBeDefined();
      from = graph.for(psid).length;
      expect((await deliver(server, metaJson(page([tapEvent(psid, step!)])))).status).toBe(200);
      await settled(server, psid);
      const completed = (await stateOf(server, psid))?.completed as Record<string, unknown> | undefined;
      done = Boolean(completed?.[LESSON]);
    }
    expect(done).toBe(true);
    const all = graph.for(psid);
    const messages = messagesOf(all);
    expect(messages.some((m) => Array.isArray(m.quick_replies) && m.quick_replies.length > 0)).toBe(true);
    const images = messages.flatMap((m) => {
      const att = m.attachment as { type?: string; payload?: { url?: string } } | undefined;
      return att?.type === 'image' ? [att.payload!.url!] : [];
    });
    expect(images.length).toBeGreaterThan(2);
    for (const url of images) expect(url).toMatch(/^https:\/\/bot\.example\.test\/media\/[\w-]+\.png$/);
    // Every picture is preceded by "typing…".
    all.forEach((r, i) => {
      if ((r.body.message?.attachment as { type?: string } | undefined)?.type === 'image') expect(all[i - 1]?.body.sender_action).toBe('typing_on');
    });
    // The recap ends with the way back to the menu.
    expect(lastButtons(all.slice(from)).map((b) => b.payload)).toContain('c:menu');
    expect((await stateOf(server, psid))?.completed).toMatchObject({ [LESSON]: { times: 1 } });
    // Every message sent fits Messenger's limits.
    for (const m of messages) {
      if (typeof m.text === 'string') expect(m.text.length).toBeLessThanOrEqual(2000);
      for (const q of (m.quick_replies as { title: string }[] | undefined) ?? []) expect(q.title.length).toBeLessThanOrEqual(20);
    }
  });
});

describe('messenger sending: what the Send API answers', () => {
  it('a send answered 500 is retried and delivered once', async () => {
    const psid = newPsid();
    const mid = newMid();
    graph.respond.set(psid, (n) => (n === 0 ? [500, { error: { message: 'An unexpected error has occurred.', code: 1, fbtrace_id: 'T' } }] : [200, { recipient_id: psid }]));
    await deliver(server, metaJson(page([textEvent(psid, 'Xin chào', mid)])));
    await settled(server, psid);
    const expected = (await renderedFor(server, psid, mid)).map(wire);
    const reqs = graph.for(psid);
    expect(reqs[0]!.status).toBe(500);
    expect(sent([reqs[0]!])).toEqual([expected[0]]);
    expect(sent(graph.delivered(psid))).toEqual(expected);
    expect(reqs).toHaveLength(expected.length + 1);
  });

  it('429 with Retry-After: the retry waits until then, then everything is delivered once', async () => {
    const psid = newPsid();
    const mid = newMid();
    const k = rkeys(server, psid);
    let answered429At = 0;
    let sendAfterAtRetry: number | undefined;
    let retriedAt = 0;
    graph.respond.set(psid, async (n) => {
      if (n === 0) {
        answered429At = Date.now();
        return [429, { error: { message: 'Too many', code: 613 } }, { 'Retry-After': '1' }];
      }
      if (n === 1) {
        retriedAt = Date.now();
        sendAfterAtRetry = Number(await server.redis.hget(k.contact, 'sendAfter'));
      }
      return [200, { recipient_id: psid }];
    });
    await deliver(server, metaJson(page([textEvent(psid, 'Xin chào', mid)])));
    await settled(server, psid);
    const expected = (await renderedFor(server, psid, mid)).map(wire);
    expect(sent(graph.delivered(psid))).toEqual(expected);
    expect(graph.for(psid)).toHaveLength(expected.length + 1);
    // The processor stored "not before now + 1 s" (Retry-After) and did not send before it.
    expect(sendAfterAtRetry).toBeGreaterThanOrEqual(answered429At + 1000);
    expect(retriedAt).toBeGreaterThanOrEqual(sendAfterAtRetry!);
    expect(await server.redis.hexists(k.contact, 'sendAfter')).toBe(0);
  });

  it('a resident who blocked the page (551/1545041) is marked unreachable, the outbox cleared, nothing more sent', async () => {
    const psid = newPsid();
    const mid = newMid();
    const k = rkeys(server, psid);
    graph.respond.set(psid, () => [
      400,
      { error: { message: 'This person isn\'t available right now.', type: 'OAuthException', code: 551, error_subcode: 1545041, fbtrace_id: 'T' } },
    ]);
    // A tap that opens a lesson: a welcome, then a picture and text, so several messages wait.
    await deliver(server, metaJson(page([quickReplyEvent(psid, `l:${LESSON}`, 'Mật khẩu', mid)])));
    await settled(server, psid);
    expect((await renderedFor(server, psid, mid)).length).toBeGreaterThan(2);
    expect(graph.for(psid)).toHaveLength(1);
    expect(await server.redis.hgetall(k.contact)).toMatchObject({ status: 'unreachable', statusReason: 'graph 400 error 551/1545041' });
    expect(await server.redis.ttl(k.contact)).toBeGreaterThan(0);
    expect(await server.redis.exists(k.outbox)).toBe(0);
    await waitFor('resident no longer due', async () => (await server.redis.zscore(createKeys(server.prefix).due, `messenger:${psid}`)) === null);
    // A few sweeps later, still nothing more.
    await server.app.processor.sweep();
    await server.app.processor.idle();
    expect(graph.for(psid)).toHaveLength(1);
  });

  it('the webhook answers 200 before a slow Graph API answers', async () => {
    const psid = newPsid();
    const timeline: string[] = [];
    graph.respond.set(psid, async (n) => {
      timeline.push(`graph request ${n}`);
      await new Promise((r) => setTimeout(r, 2000));
      timeline.push(`graph answer ${n}`);
      return [200, { recipient_id: psid }];
    });
    const res = await deliver(server, metaJson(page([textEvent(psid, 'Xin chào')])));
    timeline.push('webhook answered');
    expect(res.status).toBe(200);
    await waitFor('first send answered', () => timeline.includes('graph answer 0'));
    expect(timeline.indexOf('webhook answered')).toBeLessThan(timeline.indexOf('graph answer 0'));
    graph.respond.delete(psid);
    await settled(server, psid);
  });
});

describe('messenger: two processes on the same Redis', () => {
  let other: TestServer;
  beforeAll(async () => {
    other = await startTestServer({ env: ENV, prefix: server.prefix });
  });
  afterAll(async () => {
    await other?.close({ keepKeys: true });
  });

  it('the same batch delivered to both at once: each event handled once, replies in platform order', async () => {
    const psid = newPsid();
    const events = [
      getStartedEvent(psid),
      quickReplyEvent(psid, `l:${LESSON}`, 'Mật khẩu'),
      textEvent(psid, 'menu'),
      textEvent(psid, 'hướng dẫn'),
    ];
    const mids = events.map((e) => (e.message as { mid: string } | undefined)?.mid);
    const bytes = metaJson(page(events));
    const [r1, r2] = await Promise.all([deliver(server, bytes), deliver(other, bytes)]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    await settled(server, psid);
    await other.app.processor.idle();

    const expected: ReturnType<typeof wire>[] = [];
    const start = (await stateOf(server, psid)) as Record<string, unknown>;
    expect(start.turns).toBe(events.length);
    // The first event (Get Started) has a derived id; the others their mids.
    const startId = `postback:${psid}:${(events[0] as { timestamp: number }).timestamp}`;
    for (const id of [startId, ...mids.slice(1)]) expected.push(...(await renderedFor(server, psid, id!)).map(wire));
    expect(sent(graph.for(psid))).toEqual(expected);
  });

  it("one resident's messages fed to both at once: none lost, none duplicated, each turn's replies together", async () => {
    const psid = newPsid();
    await deliver(server, metaJson(page([getStartedEvent(psid)])));
    await settled(server, psid);
    const from = graph.for(psid).length;

    const texts = ['menu', 'hướng dẫn', 'menu', 'tiếp tục', 'hướng dẫn', 'menu'];
    const events = texts.map((t) => textEvent(psid, t));
    const mids = events.map((e) => (e.message as { mid: string }).mid);
    const results = await Promise.all(events.map((e, i) => deliver(i % 2 ? other : server, metaJson(page([e])))));
    expect(results.map((r) => r.status)).toEqual(texts.map(() => 200));
    await settled(server, psid);
    await other.app.processor.idle();

    expect((await stateOf(server, psid))?.turns).toBe(1 + texts.length);
    // What was sent is exactly the turns' messages, each turn once and contiguous, in some order.
    const groups = await Promise.all(mids.map(async (mid) => JSON.stringify((await renderedFor(server, psid, mid)).map(wire))));
    let rest = sent(graph.for(psid).slice(from));
    const total = groups.reduce((n, g) => n + (JSON.parse(g) as unknown[]).length, 0);
    expect(rest).toHaveLength(total);
    const unused = [...groups];
    while (rest.length) {
      const i = unused.findIndex((g) => {
        const n = (JSON.parse(g) as unknown[]).length;
        return JSON.stringify(rest.slice(0, n)) === g;
      });
      expect(i, 'the sends are made of whole turns').toBeGreaterThanOrEqual(0);
      rest = rest.slice((JSON.parse(unused[i]!) as unknown[]).length);
      unused.splice(i, 1);
    }
    expect(unused).toEqual([]);
  });
});
