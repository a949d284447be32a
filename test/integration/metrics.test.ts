/**
 * /metrics after real traffic: web turns, Messenger webhooks whose sends the fake Graph API answers
 * 200, 429, 500, "blocked" or "bad request", an alert being sent, the Zalo token pair. Values are
 * read back from the Prometheus text and compared with what happened (the fake's own counts, the
 * alert's progress, BullMQ's counts, the stored token pair).
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/schema.js';
import { createKeys } from '../../src/store/keys.js';
import { call, stores } from '../api/client.js';
import { FakePlatforms, rateLimited, type Answer } from '../broadcast/fake-platforms.js';
import { HOUR, seedResidents } from '../broadcast/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { deliverText, settled, waitFor } from '../helpers/spawned.js';
import { WebResident } from '../helpers/web-client.js';
import { parseMetrics, valueOf, type Sample } from './prometheus.js';

const TOKEN = 'metrics-token-for-tests-0123';
const HERE = { province: '01', commune: '00004' };
const fake = new FakePlatforms();
let server: TestServer;
let clock = Date.now();
let seq = 0;
const newPsid = () => `${randomInt(1e7, 1e8)}${randomInt(1e7, 1e8)}`;
const send = (psid: string, text: string) => deliverText(server.url, psid, `m_metrics_${++seq}`, text, ++clock);

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return parseMetrics(await res.text());
}

beforeAll(async () => {
  await fake.start();
  server = await startTestServer({ env: { ...fake.env(), METRICS_TOKEN: TOKEN, BROADCAST_RATE_MESSENGER: '1' } });
});

afterAll(async () => {
  fake.release();
  await server?.close();
  await fake.close();
});

describe('GET /metrics', () => {
  it('answers only with the bearer token, in the Prometheus text format', async () => {
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    const samples = parseMetrics(await ok.text());
    expect(valueOf(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('is not served on the main port without METRICS_TOKEN', async () => {
    const plain = await startTestServer();
    try {
      expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('counts web turns by outcome and times the answered ones', async () => {
    const resident = new WebResident(server.url);
    await resident.say('menu', 'web-1');
    await resident.say('1', 'web-2');
    await resident.say('tiếp', 'web-3');
    const again = await resident.post({ text: 'tiếp', messageId: 'web-3' });
    expect(again.json.duplicate).toBe(true);
    const m = await scrape();
    expect(valueOf(m, 'hocso_turns_total', { channel: 'web', outcome: 'answered' })).toBe(3);
    expect(valueOf(m, 'hocso_turns_total', { channel: 'web', outcome: 'duplicate' })).toBe(1);
    expect(valueOf(m, 'hocso_turn_duration_seconds_count', { channel: 'web' })).toBe(3);
    expect(valueOf(m, 'hocso_turn_duration_seconds_sum', { channel: 'web' })).toBeGreaterThan(0);
  });

  it('counts platform sends by result and HTTP status class, and Messenger turns from intake', async () => {
    const [ok, limited, failing, blocked, refused] = [newPsid(), newPsid(), newPsid(), newPsid(), newPsid()];
    const answered = { retry4: 0, retry5: 0, unreachable: 0, failed: 0 };
    fake.policy = ({ channel, user, n }): Answer | undefined => {
      if (channel !== 'messenger') return undefined;
      if (user === limited && n === 0) return (answered.retry4++, rateLimited('messenger', 1));
      if (user === failing && n === 0) return (answered.retry5++, { status: 500, body: { error: { code: 1 } } });
      if (user === blocked) return (answered.unreachable++, { status: 400, body: { error: { code: 551, error_subcode: 1545041 } } });
      if (user === refused) return (answered.failed++, { status: 400, body: { error: { code: 100, message: 'Invalid parameter' } } });
      return undefined;
    };
    const residents = [ok, limited, failing, blocked, refused];
    const statuses = await Promise.all(residents.map((psid) => send(psid, 'menu').then((r) => r.status)));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    await waitFor('every resident settled', () => settled(server.redis, server.prefix, residents));
    fake.policy = undefined;

    const m = await scrape();
    const sends = (result: string, status: string) => valueOf(m, 'hocso_platform_sends_total', { channel: 'messenger', result, status });
    expect(sends('sent', '2xx')).toBe(fake.okCount.messenger);
    expect(sends('retry', '4xx')).toBe(answered.retry4);
    expect(sends('retry', '5xx')).toBe(answered.retry5);
    expect(sends('unreachable', '4xx')).toBe(answered.unreachable);
    expect(sends('failed', '4xx')).toBe(answered.failed);
    expect(answered).toMatchObject({ retry4: 1, retry5: 1, unreachable: 1 });
    expect(answered.failed).toBeGreaterThan(0);
    expect(valueOf(m, 'hocso_turns_total', { channel: 'messenger', outcome: 'answered' })).toBe(5);
    expect(valueOf(m, 'hocso_turn_duration_seconds_count', { channel: 'messenger' })).toBe(5);
  });

  it('samples residents waiting out a Retry-After as due later', async () => {
    const waiting = newPsid();
    fake.policy = ({ user }) => (user === waiting ? rateLimited('messenger', 3600) : undefined);
    expect((await send(waiting, 'menu')).status).toBe(200);
    const due = createKeys(server.prefix).due;
    await waitFor('the resident waits an hour', async () => Number(await server.redis.zscore(due, `messenger:${waiting}`)) > Date.now() + 60_000);
    fake.policy = undefined;
    const m = await scrape();
    expect(valueOf(m, 'hocso_due_residents', { when: 'later' })).toBe(1);
    expect(valueOf(m, 'hocso_due_residents', { when: 'now' })).toBe(0);
    expect(valueOf(m, 'hocso_followups_pending')).toBe(await server.redis.zcard(createKeys(server.prefix).followups));
  });

  it('reports an alert being sent (its counters, the queues) and drops it once done', { timeout: 90_000 }, async () => {
    const { accounts } = stores(server);
    const official: { account: Account; token: string } = await accounts.create({ name: 'Chị Lan', role: 'official', area: HERE });
    await seedResidents(server.redis, createKeys(server.prefix), [
      ...Array.from({ length: 4 }, () => ({ channel: 'messenger' as const, area: HERE, lastWroteAgo: HOUR })),
      { channel: 'messenger' as const, area: HERE }, // never wrote: not reachable now
    ]);
    // Hold the platform's answers after the first alert is delivered: the alert stays "sending".
    fake.onDelivery = () => fake.hold();
    const created = await call(server, 'POST', '/alerts', { token: official.token, body: { text: { vi: 'Cảnh báo thử: đừng bấm link lạ.' }, audience: { area: HERE } } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const id = created.json.alert.id as string;
    const submitted = await call(server, 'POST', `/alerts/${id}/submit`, { token: official.token });
    expect(submitted.json.alert.status).toBe('sending');
    const progress = async () => (await call(server, 'GET', `/alerts/${id}/progress`, { token: official.token })).json;
    await waitFor('one resident got it and the next send waits', async () => (await progress()).sent >= 1 && fake.heldCount >= 1);

    const m = await scrape();
    const p = await progress();
    for (const outcome of ['sent', 'failed', 'unreachable', 'notReachableNow']) {
      expect(valueOf(m, 'hocso_broadcast_recipients', { alert: id, outcome }), outcome).toBe(p[outcome]);
    }
    expect(p.notReachableNow).toBe(1);
    // Queue depths: the gauge says what BullMQ says (sampled again until both looked at the same moment).
    const queue = server.app.broadcast.queues.send.messenger;
    await waitFor('the send queue gauge matches BullMQ', async () => {
      const [samples, counts] = [await scrape(), await queue.getJobCounts('waiting', 'active', 'delayed')];
      return ['waiting', 'active', 'delayed'].every((state) => valueOf(samples, 'hocso_queue_jobs', { queue: queue.name, state }) === counts[state]);
    });
    expect(valueOf(await scrape(), 'hocso_queue_jobs', { queue: queue.name, state: 'active' })).toBeGreaterThan(0);

    fake.onDelivery = undefined;
    fake.release();
    await waitFor('the alert is done', async () => (await progress()).status === 'done');
    const after = await scrape();
    expect(after.filter((s) => s.name === 'hocso_broadcast_recipients' && s.labels.alert === id)).toEqual([]);
  });

  it("reports the Zalo token pair's remaining life from the stored pair", async () => {
    const key = createKeys(server.prefix).zaloToken;
    await waitFor('the token pair is stored', async () => (await server.redis.exists(key)) === 1);
    const m = await scrape();
    const pair = JSON.parse((await server.redis.get(key))!) as { accessExpiresAt: number; refreshExpiresAt: number };
    const access = valueOf(m, 'hocso_zalo_token_expires_in_seconds', { token: 'access' })!;
    const refresh = valueOf(m, 'hocso_zalo_token_expires_in_seconds', { token: 'refresh' })!;
    // Computed a moment apart: the same to within the seconds the scrape took.
    expect(Math.abs(access - (pair.accessExpiresAt - Date.now()) / 1000)).toBeLessThan(30);
    expect(Math.abs(refresh - (pair.refreshExpiresAt - Date.now()) / 1000)).toBeLessThan(30);
    expect(refresh).toBeGreaterThan(access);
  });
});
