/**
 * Crashes around sending: replies committed but not sent are sent by the next process, once and in
 * order; replies already sent are not sent again when a crashed process's resident is picked up.
 * Real app and Redis; Messenger's Graph API faked with nock; "a crash" is a process stopping with
 * its work left in Redis, and a lease left behind.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { createKeys } from '../../src/store/keys.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { deliverMessenger, newPsid, text } from '../helpers/messenger.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SECRET = 'recovery-app-secret';
const env = (graph: string) => ({
  MESSENGER_APP_SECRET: SECRET,
  MESSENGER_PAGE_ACCESS_TOKEN: 'EAArecovery-token',
  MESSENGER_GRAPH_URL: graph,
  PUBLIC_BASE_URL: 'https://bot.example.test',
});
const prefix = uniquePrefix('recovery');
const sent: { psid: string; text: string }[] = [];
const servers: TestServer[] = [];

nock('http://graph.recovery.test')
  .persist()
  .post('/v25.0/me/messages')
  .query(true)
  .reply(200, (_uri, body) => {
    const b = body as { recipient: { id: string }; message?: { text?: string; attachment?: unknown } };
    sent.push({ psid: b.recipient.id, text: b.message?.text ?? (b.message?.attachment ? '[picture]' : '[action]') });
    return { recipient_id: b.recipient.id, message_id: `m_${sent.length}` };
  });

// A slow Meta: every answer takes a moment, so a turn is still sending when the next message comes.
nock('http://graph.slow.test')
  .persist()
  .post('/v25.0/me/messages')
  .query(true)
  .delay(150)
  .reply(200, (_uri, body) => {
    const b = body as { recipient: { id: string }; message?: { text?: string; attachment?: unknown } };
    sent.push({ psid: b.recipient.id, text: b.message?.text ?? (b.message?.attachment ? '[picture]' : '[action]') });
    return { recipient_id: b.recipient.id, message_id: `m_${sent.length}` };
  });

let redis: ScriptedRedis;
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  for (const s of servers) await s.close({ keepKeys: true }).catch(() => undefined);
  await dropPrefix(redis, prefix);
  await redis.quit();
  nock.cleanAll();
});

async function start(graph: string): Promise<TestServer> {
  const s = await startTestServer({ prefix, flowsDir: 'test/fixtures/flows', env: env(graph), sweepMs: 50 });
  servers.push(s);
  return s;
}

async function deliver(server: TestServer, psid: string, body: string): Promise<void> {
  expect(await deliverMessenger(server.url, SECRET, psid, text(body))).toBe(200);
}

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

const to = (psid: string) => sent.filter((s) => s.psid === psid);
const keys = createKeys(prefix);

describe('a process stopping with replies committed but not sent', () => {
  it("the next process sends them, once, in order, once the crashed process's lease has lapsed", async () => {
    // Process A cannot reach Meta (nothing listens there): it commits the turn, keeps the replies in the outbox, and dies.
    const a = await start('http://127.0.0.1:9/v25.0');
    const psid = newPsid();
    const k = keys.resident(`messenger:${psid}`);
    await deliver(a, psid, 'menu');
    await until(async () => (await redis.hget(k.contact, 'sendAfter')) !== null, 'A gave up sending for now');
    expect(await redis.hget(k.state, 'doc')).not.toBeNull(); // the state was saved before any reply went out
    const pending = await redis.llen(k.outbox);
    expect(pending).toBeGreaterThan(0);
    await a.close({ keepKeys: true });
    servers.splice(servers.indexOf(a), 1);
    // …and, as after a real crash, its lease is still there for a moment.
    await redis.set(k.lease, 'crashed-process', 'PX', 300);
    await redis.hdel(k.contact, 'sendAfter');

    await start('http://graph.recovery.test/v25.0');
    await until(async () => to(psid).length >= pending && (await redis.llen(k.outbox)) === 0, 'B sent the pending replies');
    expect(to(psid)).toHaveLength(pending);
    expect(to(psid).map((s) => s.text).join('\n')).toContain('Chọn một bài');
    await new Promise((r) => setTimeout(r, 300));
    expect(to(psid)).toHaveLength(pending);
  });

  it('replies already sent are not sent again when a crashed process leaves the resident due', async () => {
    const b = servers.at(-1)!;
    const psid = newPsid();
    const k = keys.resident(`messenger:${psid}`);
    await deliver(b, psid, 'menu');
    await until(async () => to(psid).length > 0 && (await redis.llen(k.outbox)) === 0, 'first replies sent');
    await b.app.processor.idle();
    const count = to(psid).length;

    // The crash: after sending, before tidying up. The resident is still marked due, with a stale lease.
    await redis.set(k.lease, 'crashed-process', 'PX', 200);
    await redis.zadd(keys.due, Date.now(), `messenger:${psid}`);
    await until(async () => (await redis.zscore(keys.due, `messenger:${psid}`)) === null, 'the resident was picked up again');
    expect(to(psid)).toHaveLength(count);
  });

  it('a message taken in while this process is still busy with the resident: the intake lets go, and it is answered after', async () => {
    // A prefix of its own: no other test server here may take the resident over while the lease is gone.
    const own = uniquePrefix('recovery-busy');
    const c = await startTestServer({ prefix: own, flowsDir: 'test/fixtures/flows', env: env('http://graph.slow.test/v25.0'), sweepMs: 50 });
    const psid = newPsid();
    const k = createKeys(own).resident(`messenger:${psid}`);
    await deliver(c, psid, 'menu');
    await until(() => to(psid).length > 0, 'the first turn is sending');
    // Its lease lapses meanwhile (a long stall): the next message's intake finds nobody holding them
    // and holds them itself, while this process's run for them has not ended.
    await redis.del(k.lease);
    await deliver(c, psid, '1');
    await until(async () => (await redis.zcard(k.inbox)) === 0 && (await redis.llen(k.outbox)) === 0 && (await redis.exists(k.lease)) === 0, 'both turns handled, nobody holding them');
    await c.app.processor.idle();
    expect(await redis.zcard(k.seen)).toBe(2);
    // Each turn's texts once: nothing sent twice.
    const texts = to(psid).map((x) => x.text).filter((t) => t !== '[action]' && t !== '[picture]');
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(texts).size).toBe(texts.length);
    await c.close();
  });
});
