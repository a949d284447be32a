/**
 * The Bot Framework channel end to end without an app id (the Bot Framework Emulator's set-up): real
 * HTTP into /api/messages, real Redis, the shipped lessons, and a fake connector at the serviceUrl.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeys } from '../../src/store/keys.js';
import { connectRedis, type ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import {
  EmulatorUser,
  imagesOf,
  lastActions,
  postActivity,
  snapshot,
  startBotServer,
  startFakeConnector,
  stateOf,
  textsOf,
  type Activity,
  type BotServer,
  type FakeConnector,
} from '../fixtures/botframework/harness.js';

const LESSON = 'password-otp';

let server: BotServer;
let connector: FakeConnector;

beforeAll(async () => {
  [server, connector] = await Promise.all([startBotServer(), startFakeConnector()]);
});
afterAll(async () => {
  await server?.close();
  await connector?.close();
});

const user = () => new EmulatorUser(server.url, connector.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/botframework/${name}`, import.meta.url), 'utf8')) as Activity;

/** A snapshot taken once the best-effort analytics writes of earlier turns have landed. */
async function quietSnapshot(): Promise<Record<string, string>> {
  let before = await snapshot(server);
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const now = await snapshot(server);
    if (JSON.stringify(now) === JSON.stringify(before)) return now;
    before = now;
  }
  return before;
}

describe('botframework: start-up', () => {
  it('is on without configuration and says in one info line that auth is off', async () => {
    expect(server.app.channels.map((c) => c.id)).toContain('botframework');
    const lines = server.log.lines.filter((l) => /Bot Framework auth/.test(l.msg));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info' });
    expect(lines[0]!.msg).toMatch(/auth is off/);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { checks: Record<string, unknown> };
    expect(ready.checks.botframework).toEqual({ auth: 'off' });
  });
});

describe('botframework: an Emulator conversation', () => {
  it('conversationUpdate adding the bot: the welcome and the lesson menu go to the connector as replies', async () => {
    const u = user();
    const update = u.conversationUpdate();
    const res = await u.post(update);
    expect(res.status).toBe(200);

    const sent = connector.for(u.conversationId);
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) {
      expect(r.path).toBe(`/v3/conversations/${encodeURIComponent(u.conversationId)}/activities/${encodeURIComponent(String(update.id))}`);
      expect(r.replyToId).toBe(update.id);
      expect(r.authorization).toBeUndefined();
      expect(r.body).toMatchObject({ type: 'message', replyToId: update.id, from: { id: u.botId }, recipient: { id: u.userId }, conversation: { id: u.conversationId } });
    }
    // The Emulator's placeholder name "User" is not used as the resident's name.
    expect(textsOf(sent)).toContain('Xin chào bạn');
    const actions = lastActions(sent);
    expect(actions.map((a) => a.value)).toEqual(expect.arrayContaining([`l:${LESSON}`]));
    for (const a of actions) {
      expect(a.type).toBe('postBack');
      expect(a.title.length).toBeGreaterThan(0);
    }
    expect(sent.at(-1)!.body.suggestedActions?.to).toEqual([u.userId]);
    expect((await stateOf(server, u.residentId()))?.turns).toBe(1);
  });

  it('a conversationUpdate that only adds the user, typing and other activities are acknowledged and change nothing', async () => {
    const u = user();
    const before = await quietSnapshot();
    const userOnly = { ...u.conversationUpdate(), membersAdded: [{ id: u.userId, name: 'User' }] };
    for (const activity of [userOnly, u.base('typing'), { ...u.base('event'), name: 'webchat/join' }, u.base('messageReaction')]) {
      expect((await u.post(activity)).status).toBe(200);
    }
    expect(connector.for(u.conversationId)).toEqual([]);
    expect(await snapshot(server)).toEqual(before);
  });

  it('tapping a suggested action moves to the next step', async () => {
    const u = user();
    await u.post(u.conversationUpdate());
    const lesson = lastActions(connector.for(u.conversationId)).find((a) => a.value === `l:${LESSON}`)!;
    expect((await u.post(u.postBack(lesson.value))).status).toBe(200);
    const stepBefore = ((await stateOf(server, u.residentId()))?.current as { stepId: string }).stepId;
    const next = lastActions(connector.for(u.conversationId)).find((a) => a.value.startsWith('n:'));
    expect(next, 'the lesson intro has a "next" button').toBeDefined();

    const seen = connector.for(u.conversationId).length;
    const tap = u.postBack(next!.value);
    expect((await u.post(tap)).status).toBe(200);
    const stepAfter = ((await stateOf(server, u.residentId()))?.current as { stepId: string }).stepId;
    expect(stepAfter).not.toBe(stepBefore);
    const newSends = connector.for(u.conversationId).slice(seen);
    expect(newSends.length).toBeGreaterThan(0);
    for (const r of newSends) expect(r.replyToId).toBe(tap.id);
  });

  it('a tap also arrives as value.payload (messageBack, Adaptive Cards) or as imBack text', async () => {
    const u = user();
    await u.post(u.message('xin chào'));
    // value.payload, no text
    await u.post({ ...u.base('message'), value: { payload: `l:${LESSON}` } });
    expect((await stateOf(server, u.residentId()))?.current).toMatchObject({ flowId: LESSON });
    // imBack: the payload as visible text (channels without postBack)
    await u.post(u.message('c:menu'));
    expect((await stateOf(server, u.residentId()))?.screen).toBe('menu');
    expect((await stateOf(server, u.residentId()))?.turns).toBe(3);
  });

  it(`a resident completes the shipped lesson ${LESSON} through /api/messages`, async () => {
    const u = user();
    await u.post(u.conversationUpdate());
    await u.post(u.postBack(`l:${LESSON}`));
    let from = 0;
    let done = false;
    for (let turn = 0; turn < 60 && !done; turn++) {
      const sent = connector.for(u.conversationId).slice(from);
      const step = lastActions(sent).find((a) => /^[onk]:/.test(a.value));
      expect(step, `no step button after: ${textsOf(sent)}`).toBeDefined();
      from = connector.for(u.conversationId).length;
      expect((await u.post(u.postBack(step!.value))).status).toBe(200);
      const completed = (await stateOf(server, u.residentId()))?.completed as Record<string, unknown> | undefined;
      done = Boolean(completed?.[LESSON]);
    }
    expect(done).toBe(true);
    const all = connector.for(u.conversationId);
    expect(lastActions(all.slice(from)).map((a) => a.value)).toContain('c:menu');
    expect((await stateOf(server, u.residentId()))?.completed).toMatchObject({ [LESSON]: { times: 1 } });

    // Pictures are attachments with a URL the Emulator can fetch from this server.
    const images = imagesOf(all);
    expect(images.length).toBeGreaterThan(2);
    for (const image of images) {
      expect(image.contentType).toBe('image/png');
      expect(image.contentUrl).toMatch(new RegExp(`^${server.url}/media/[\\w-]+\\.png$`));
      const res = await fetch(image.contentUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
    }
    // Picture activities carry no text; every text is plain and within the limit.
    for (const r of all) {
      if (r.body.attachments?.length) expect(r.body.text).toBeUndefined();
      if (r.body.text !== undefined) {
        expect(r.body.textFormat).toBe('plain');
        expect(r.body.text.length).toBeLessThanOrEqual(2000);
      }
    }
  });

  it('the same activity id delivered three times (at once, then again) is handled once and answered once', async () => {
    const u = user();
    const hello = u.message('Xin chào, tôi là Lan');
    const results = await Promise.all([u.post(hello), u.post(hello), u.post(hello)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await u.post(hello)).status).toBe(200);

    const sent = connector.for(u.conversationId);
    const stored = await server.redis.hget(createKeys(server.prefix).resident(u.residentId()).replies, String(hello.id));
    expect(stored).toBeTruthy();
    const replies = JSON.parse(stored!) as { text: string; image?: string }[];
    // Exactly one turn's activities: one text per reply (plus one per picture), nothing repeated.
    expect(sent.length).toBe(replies.reduce((n, r) => n + 1 + (r.image ? 1 : 0), 0));
    expect(sent.map((r) => r.body.text ?? '').filter(Boolean)).toEqual(replies.map((r) => r.text.trim()));
    expect((await stateOf(server, u.residentId()))?.turns).toBe(1);
  });

  it('fixtures as channels send them: Emulator message, Web Chat postBack, Teams value', async () => {
    const fakeServiceUrl = connector.url;
    for (const name of ['emulator-message.json', 'webchat-postback.json', 'teams-message-with-value.json']) {
      const activity: Activity = { ...fixture(name), serviceUrl: fakeServiceUrl };
      const res = await postActivity(server.url, activity);
      expect(res.status, name).toBe(200);
      const conversationId = (activity.conversation as { id: string }).id;
      expect(connector.for(conversationId).length, name).toBeGreaterThan(0);
    }
  });
});

describe('botframework: the connector refuses a reply', () => {
  it('500 on every try: the turn is saved, the rest of its replies dropped, one warning; a redelivery is not re-run', async () => {
    const u = user();
    connector.respond.set(u.conversationId, () => 500);
    const hello = u.message('Xin chào');
    const res = await u.post(hello);
    expect(res.status).toBe(200);

    // The connector client retried the first reply itself, then gave up; nothing after it was tried.
    const tries = connector.for(u.conversationId);
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tries.map((t) => JSON.stringify(t.body))).size).toBe(1);
    expect(tries.every((t) => t.status === 500)).toBe(true);
    expect((await stateOf(server, u.residentId()))?.turns).toBe(1);
    const warning = server.log.lines.filter((l) => l.msg === 'botframework replies not delivered; the turn is saved');
    expect(warning).toHaveLength(1);
    expect(warning[0]!.fields).toMatchObject({ status: 500, delivered: 0, channel: 'emulator' });
    expect(JSON.stringify(warning)).not.toContain(u.userId);

    // The same activity again: recognised as done, not answered, not re-run.
    connector.respond.delete(u.conversationId);
    expect((await u.post(hello)).status).toBe(200);
    expect(connector.for(u.conversationId)).toHaveLength(tries.length);
    expect((await stateOf(server, u.residentId()))?.turns).toBe(1);

    // The next message works and shows where the resident is.
    expect((await u.post(u.message('menu'))).status).toBe(200);
    expect(lastActions(connector.for(u.conversationId).slice(tries.length)).map((a) => a.value)).toContain(`l:${LESSON}`);
    expect((await stateOf(server, u.residentId()))?.turns).toBe(2);
  });

  it('a 500 on the first try only: the SDK retries and every reply arrives once', async () => {
    const u = user();
    connector.respond.set(u.conversationId, (n) => (n === 0 ? 500 : 200));
    const hello = u.message('menu');
    expect((await u.post(hello)).status).toBe(200);
    const reqs = connector.for(u.conversationId);
    expect(reqs[0]!.status).toBe(500);
    expect(reqs[1]!.body).toEqual(reqs[0]!.body);
    const delivered = reqs.filter((r) => r.status === 200);
    expect(new Set(delivered.map((r) => JSON.stringify(r.body))).size).toBe(delivered.length);
    expect(lastActions(delivered).map((a) => a.value)).toContain(`l:${LESSON}`);
  });
});

describe('botframework: refused requests change nothing', () => {
  it('malformed, oversized, misshapen, unreadable or non-local-serviceUrl requests: 4xx, one log line each, Redis untouched', async () => {
    const u = user();
    await u.post(u.message('Xin chào'));
    const before = await quietSnapshot();
    const sentBefore = connector.received.length;
    const linesBefore = server.log.lines.length;

    const malformed = await postActivity(server.url, '{"type":"message","text":"Xin chào');
    expect(malformed.status).toBe(400);
    expect(malformed.json?.error?.code).toBe('malformed_json');

    const big = await postActivity(server.url, { ...u.message('x'), pad: 'x'.repeat(1.1 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.json?.error?.code).toBe('payload_too_large');

    const notObject = await postActivity(server.url, '[1,2]');
    expect(notObject.status).toBe(400);
    expect(notObject.json?.error?.code).toBe('invalid_body');

    const { serviceUrl: _drop, ...noServiceUrl } = u.message('Xin chào');
    const misshapen = await u.post(noServiceUrl);
    expect(misshapen.status).toBe(400);
    expect(misshapen.json?.error?.code).toBe('invalid_body');

    const { id: _id, ...noId } = u.message('Xin chào');
    const unreadable = await u.post(noId);
    expect(unreadable.status).toBe(400);

    const elsewhere = await u.post({ ...u.message('Xin chào'), serviceUrl: 'http://169.254.169.254/latest' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.json?.error?.code).toBe('service_url_not_allowed');

    expect(await snapshot(server)).toEqual(before);
    expect(connector.received.length).toBe(sentBefore);
    const lines = server.log.lines.slice(linesBefore);
    expect(lines.map((l) => l.fields?.reason)).toEqual([
      'malformed_json', 'payload_too_large', 'invalid_body', 'invalid_body', 'invalid_body', 'service_url_not_allowed',
    ]);
    expect(lines.every((l) => l.level === 'warn' && l.msg === 'botframework request refused')).toBe(true);
    const logged = JSON.stringify(lines);
    for (const personal of ['Xin chào', u.userId, u.conversationId.split('|')[0]!]) expect(logged).not.toContain(personal);
  });
});

describe('botframework: Redis goes away mid-turn', () => {
  let proxy: TcpProxy;
  let viaProxy: ScriptedRedis;
  let direct: ScriptedRedis;
  let outage: BotServer;
  const prefix = uniquePrefix('bf-outage');

  beforeAll(async () => {
    proxy = await startTcpProxy();
    // The proxy fronts the single Redis, in the Redis Cluster test run too: read that one directly.
    [viaProxy, direct] = await Promise.all([connectRedis(proxy.url), connectRedis(TEST_REDIS_URL)]);
    outage = await startBotServer({}, { redis: viaProxy, prefix });
  });
  afterAll(async () => {
    await outage?.close();
    viaProxy?.disconnect();
    await proxy?.close();
    await dropPrefix(direct, prefix);
    await direct?.quit();
  });

  it('503 with nothing saved or sent (a retry can help); afterwards the activity counts once and the resident carries on', async () => {
    const u = new EmulatorUser(outage.url, connector.url);
    await u.post(u.conversationUpdate());
    const k = createKeys(prefix).resident(u.residentId());
    const before = await direct.hgetall(k.state);
    const sentBefore = connector.for(u.conversationId).length;

    proxy.cutOn(/evalsha|EVALSHA/);
    const hello = u.message('menu');
    const failed = await u.post(hello);
    expect(failed.status).toBe(503);
    expect(failed.json?.error?.code).toBe('unavailable');
    expect(await direct.hgetall(k.state)).toEqual(before);
    expect(connector.for(u.conversationId)).toHaveLength(sentBefore);

    proxy.up();
    for (let i = 0; i < 100 && (await fetch(`${outage.url}/readyz`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    // The redelivery is handled, or recognised as handled when ioredis re-sent the cut commit on reconnecting
    // (then it is not answered again; see routes.ts): either way the activity counts exactly once.
    expect((await u.post(hello)).status).toBe(200);
    expect(Number((await direct.hgetall(k.state)).rev)).toBe(Number(before.rev) + 1);
    const stored = JSON.parse((await direct.hget(k.replies, String(hello.id)))!) as unknown[];
    const answered = connector.for(u.conversationId).slice(sentBefore);
    expect(answered.length).toBeLessThanOrEqual(stored.length);
    expect(answered.every((r) => r.replyToId === hello.id)).toBe(true);

    // The next message is answered and shows the menu.
    const next = u.message('menu');
    expect((await u.post(next)).status).toBe(200);
    const reply = connector.for(u.conversationId).filter((r) => r.replyToId === next.id);
    expect(lastActions(reply).map((a) => a.value)).toContain(`l:${LESSON}`);
    expect(Number((await direct.hgetall(k.state)).rev)).toBe(Number(before.rev) + 2);
  });
});
