/**
 * A worker process killed in the middle of a broadcast (SIGKILL: no clean-up of any kind), then
 * another started: nobody gets the alert twice, nobody is missed.
 *
 * The server only serves the API (BROADCAST_WORKERS=off, and its processor does not sweep): all the
 * work happens in worker child processes, started as `npm run worker` does (here with `node --import
 * tsx` so the signal reaches the worker itself, not a tsx wrapper). The platforms are a local fake
 * server both processes reach over HTTP. We kill the worker while it has sends in flight: the fake
 * holds its answers, and once the worker recorded every answer it did get, it is killed; its
 * in-flight requests die unanswered, as they would if the connection dropped before the platform took
 * them. (A message the platform accepted in the instant before a crash, whose answer was never
 * recorded, would be sent again: the outbox is at-least-once per platform call, as the platforms
 * take no idempotency key. That window is the processor's and is not what this test is about.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/schema.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { createKeys } from '../../src/store/keys.js';
import { call, stores } from '../api/client.js';
import { TEST_REDIS_ENV } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FakePlatforms } from './fake-platforms.js';
import { seedReachable, waitUntil, type Seeded } from './seed.js';

const HERE = { province: '15', commune: '02833' };
const N = 2000;
const LOCK_MS = 1500;
const fake = new FakePlatforms();
let server: TestServer;
let official: { account: Account; token: string };
let residents: Seeded[];
const children: ChildProcess[] = [];
const marker = `CRASH-${Date.now().toString(36)}`;

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      ...fake.env(),
      ...TEST_REDIS_ENV,
      REDIS_PREFIX: server.prefix,
      WORKER_LOCK_MS: String(LOCK_MS),
      BROADCAST_RATE_MESSENGER: '0',
      BROADCAST_RATE_ZALO: '0',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.on('exit', (code, signal) => {
    if (code && code !== 0 && signal !== 'SIGKILL') process.stderr.write(`worker exited ${code}: ${err}\n`);
  });
  children.push(child);
  return child;
}

const texts = () => fake.delivered.filter((d) => d.message.text?.includes(marker));

/** What Redis says when the broadcast did not finish: its progress and plan, and a resident who never got it. */
async function diagnose(id: string): Promise<string> {
  const k = createKeys(server.prefix);
  const progress = (await call(server, 'GET', `/alerts/${id}/progress`, { token: official.token })).json;
  const { outgoing: _o, buffers: _b, ...plan } = await server.redis.hgetall(k.alertPlan(id));
  const got = new Set(texts().map((d) => `${d.channel}:${d.user}`));
  const missing = residents.filter((r) => !got.has(r.id));
  const first = missing[0];
  const rk = first ? k.resident(first.id) : undefined;
  const state = rk && {
    inbox: await server.redis.zrange(rk.inbox, 0, -1), outbox: await server.redis.llen(rk.outbox), lease: await server.redis.get(rk.lease),
    seen: await server.redis.zrange(rk.seen, 0, -1), due: await server.redis.zscore(k.due, first!.id),
  };
  return JSON.stringify({ progress, plan, missing: missing.length, first: first?.id, state });
}

beforeAll(async () => {
  await fake.start();
  server = await startTestServer({
    env: { ...fake.env(), BROADCAST_WORKERS: 'off', BROADCAST_APPROVAL_THRESHOLD: '100000', WORKER_LOCK_MS: String(LOCK_MS) },
    sweepMs: 3_600_000,
  });
  official = await stores(server).accounts.create({ name: 'Chị Mai', role: 'official', area: HERE });
  residents = await seedReachable(server, N, HERE);
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await server?.close();
  await fake.close();
});

describe('a worker killed mid-broadcast', () => {
  it('another worker finishes it: nobody twice, nobody missed', async () => {
    const first = startWorker();
    const created = await call(server, 'POST', '/alerts', {
      token: official.token,
      body: { text: { vi: `${marker} Cảnh báo: tin nhắn giả mạo ngân hàng.` }, scamType: 'bank', audience: { area: HERE } },
    });
    const id = created.json.alert.id as string;
    expect((await call(server, 'POST', `/alerts/${id}/submit`, { token: official.token })).json.alert.status).toBe('sending');

    // Mid-broadcast: some residents have it, most do not yet.
    await waitUntil('the first worker is delivering', () => texts().length >= N / 5, 60_000, 10);
    fake.hold();
    await waitUntil('the first worker has sends in flight', () => fake.heldCount > 0, 10_000, 5);
    // Every answer the platform gave before the hold is recorded by the worker (its outbox acknowledged).
    await waitUntil('answers taken in', async () => Number(await server.redis.hget(createKeys(server.prefix).alertStats(id), 'sent')) === texts().length, 10_000, 20);
    const before = texts().length;
    expect(before).toBeLessThan(N);
    const progress = (await call(server, 'GET', `/alerts/${id}/progress`, { token: official.token })).json;
    expect(progress.status).toBe('sending');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await waitUntil('the dead worker\'s connections are seen closed', () => fake.heldOpen === 0, 10_000, 10);
    fake.release(); // the dead worker's requests are dropped unanswered

    startWorker();
    await waitUntil('the second worker finished the broadcast', async () => {
      const p = (await call(server, 'GET', `/alerts/${id}/progress`, { token: official.token })).json;
      return p.status === 'done' && p.sent === N;
    }, 120_000, 200).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await diagnose(id)}`);
    });

    const got = new Map<string, number>();
    for (const d of texts()) got.set(`${d.channel}:${d.user}`, (got.get(`${d.channel}:${d.user}`) ?? 0) + 1);
    const twice = residents.filter((r) => (got.get(r.id) ?? 0) > 1);
    const missed = residents.filter((r) => !got.has(r.id));
    expect(twice.map((r) => r.id)).toEqual([]);
    expect(missed.map((r) => r.id)).toEqual([]);
    expect(texts().length).toBe(N);
    const results = (await call(server, 'GET', `/alerts/${id}/results`, { token: official.token })).json;
    expect(results).toMatchObject({ sent: N, failed: 0, queued: N });
  }, 180_000);
});
