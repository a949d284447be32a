/**
 * WEB_CONCURRENCY=3: `npm start`'s code as three web processes behind one port, on one Redis, with
 * Messenger faked at the HTTP boundary. One resident's messages all at once, then many residents'
 * at once: every message answered once, nothing lost, each resident's replies whole and in the
 * order their turns were taken; the three processes all took webhooks; the primary's /metrics counts
 * what all three did; SIGTERM stops them all cleanly.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePlatforms, rateLimited } from '../broadcast/fake-platforms.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { deliverText, expectTurnsDelivered, settled, spawnServer, waitFor, type Spawned } from '../helpers/spawned.js';
import { parseMetrics, valueOf } from './prometheus.js';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';

const PROCESSES = 3;
const METRICS_TOKEN = 'cluster-metrics-token-0123';
const TEXTS = ['menu', '1', 'tiếp', 'tiếp', '2', 'hướng dẫn', 'tiếp tục', 'tiep', '1', 'menu'];
const fake = new FakePlatforms();
const prefix = uniquePrefix('procs');
let redis: ScriptedRedis;
let server: Spawned;
let clock = Date.now();
let seq = 0;
const newPsid = () => `${randomInt(1e7, 1e8)}${randomInt(1e7, 1e8)}`;
/** Increasing platform times and unique ids, as Meta gives them. */
const nextEvent = () => ({ ts: ++clock, mid: `m_procs_${++seq}_${randomInt(1e9)}` });

beforeAll(async () => {
  await fake.start();
  redis = await testRedis();
  server = await spawnServer({
    ...fake.env(), WEB_CONCURRENCY: String(PROCESSES), REDIS_PREFIX: prefix, LOG_LEVEL: 'debug', METRICS_PORT: '0', METRICS_TOKEN,
  });
}, 120_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await dropPrefix(redis, prefix);
  await redis.quit();
  await fake.close();
});

/** Send each resident's texts, all at once; every webhook must be taken in (200). */
/**
 * One webhook, delivered again (same message id) when it got no answer, as Messenger does: a
 * kept-alive connection may still point at a process that was just killed.
 */
async function deliverAsPlatform(psid: string, mid: string, text: string, ts: number): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const { status } = await deliverText(server.url, psid, mid, text, ts);
    if (status !== 0 || attempt === 5) return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function sendAllAtOnce(plan: { psid: string; texts: string[] }[]): Promise<Map<string, string[]>> {
  const mids = new Map<string, string[]>();
  const sends: Promise<number>[] = [];
  for (const { psid, texts } of plan) {
    const ids: string[] = [];
    for (const text of texts) {
      const { ts, mid } = nextEvent();
      ids.push(mid);
      sends.push(deliverAsPlatform(psid, mid, text, ts));
    }
    mids.set(psid, ids);
  }
  const statuses = await Promise.all(sends);
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  await waitFor('every resident settled', () => settled(redis, prefix, plan.map((p) => p.psid)), 120_000);
  return mids;
}

describe(`${PROCESSES} web processes on one Redis`, () => {
  it("one resident's 30 messages at once: each answered once, replies whole and in turn order", { timeout: 180_000 }, async () => {
    const psid = newPsid();
    const texts = [...TEXTS, ...TEXTS, ...TEXTS];
    const mids = await sendAllAtOnce([{ psid, texts }]);
    await expectTurnsDelivered(redis, prefix, fake, psid, mids.get(psid)!);
    const doc = JSON.parse((await redis.hget(createKeys(prefix).resident(`messenger:${psid}`).state, 'doc'))!) as { turns: number };
    expect(doc.turns).toBe(30);
  });

  it('50 residents × 5 messages at once: the same for each, and all three processes took webhooks', { timeout: 180_000 }, async () => {
    const plan = Array.from({ length: 50 }, (_, i) => ({ psid: newPsid(), texts: TEXTS.slice(i % 5, (i % 5) + 5) }));
    const mids = await sendAllAtOnce(plan);
    for (const { psid } of plan) await expectTurnsDelivered(redis, prefix, fake, psid, mids.get(psid)!);
    const pids = new Set(server.logs.filter((l) => l.msg === 'messenger webhook received').map((l) => l.pid));
    expect(pids.size).toBe(PROCESSES);
  });

  it("/metrics adds up what every process did, on the primary's port and on the main port", async () => {
    // One resident waiting out an hour's Retry-After: read from Redis by every process, reported once.
    const waiting = newPsid();
    fake.policy = ({ user }) => (user === waiting ? rateLimited('messenger', 3600) : undefined);
    const { ts, mid } = nextEvent();
    expect((await deliverText(server.url, waiting, mid, 'menu', ts)).status).toBe(200);
    const due = createKeys(prefix).due;
    await waitFor('the resident waits an hour', async () => Number(await redis.zscore(due, `messenger:${waiting}`)) > Date.now() + 60_000);
    fake.policy = undefined;

    expect(server.metricsUrl).toBeDefined();
    const res = await fetch(server.metricsUrl!);
    expect(res.status).toBe(200);
    const metrics = parseMetrics(await res.text());
    const turns = 30 + 50 * 5 + 1;
    expect(valueOf(metrics, 'hocso_turns_total', { channel: 'messenger', outcome: 'answered' })).toBe(turns);
    expect(valueOf(metrics, 'hocso_turn_duration_seconds_count', { channel: 'messenger' })).toBe(turns);
    expect(valueOf(metrics, 'hocso_platform_sends_total', { channel: 'messenger', result: 'sent', status: '2xx' })).toBe(fake.okCount.messenger);
    expect(valueOf(metrics, 'hocso_platform_sends_total', { channel: 'messenger', result: 'retry', status: '4xx' })).toBe(1);
    expect(valueOf(metrics, 'hocso_due_residents', { when: 'later' })).toBe(1);
    expect(valueOf(metrics, 'hocso_due_residents', { when: 'now' })).toBe(0);

    // The main port, through whichever process takes the connection, asks the primary for the same sums.
    const main = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(main.status).toBe(200);
    const viaMain = parseMetrics(await main.text());
    expect(valueOf(viaMain, 'hocso_turns_total', { channel: 'messenger', outcome: 'answered' })).toBe(turns);
    expect(valueOf(viaMain, 'hocso_due_residents', { when: 'later' })).toBe(1);
  });

  it('a process that dies is replaced, and the others keep answering meanwhile', { timeout: 120_000 }, async () => {
    const pids = [...new Set(server.logs.filter((l) => l.msg === 'hocso is listening').map((l) => l.pid))];
    expect(pids).toHaveLength(PROCESSES);
    process.kill(pids[0]!, 'SIGKILL');
    await waitFor('the primary saw it', () => server.logs.some((l) => l.msg === 'a web process died; starting another'));
    const plan = Array.from({ length: 5 }, () => ({ psid: newPsid(), texts: ['menu', '1'] }));
    const mids = await sendAllAtOnce(plan);
    for (const { psid } of plan) await expectTurnsDelivered(redis, prefix, fake, psid, mids.get(psid)!);
    await waitFor('the primary started another', () => server.logs.some((l) => l.msg === 'web process started again'), 60_000);
    // The new process's own line may come after the primary's (two processes, two pipes): waited for too.
    const listening = () => new Set(server.logs.filter((l) => l.msg === 'hocso is listening').map((l) => l.pid));
    await waitFor('a new process listens', () => listening().size === PROCESSES + 1, 60_000);
    expect(listening().size).toBe(PROCESSES + 1);
  });

  it('SIGTERM: every process stops cleanly and the primary exits 0', { timeout: 60_000 }, async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.logs.filter((l) => l.msg === 'stopped')).toHaveLength(PROCESSES);
  });
});
