/**
 * SIGTERM in the middle of Messenger traffic, on the real server as a child process with the Graph
 * API faked at the HTTP boundary (a local server that can hold its answers, so sends are in flight
 * when the signal comes):
 * - a graceful stop: the draining process answers new webhooks 503 with Retry-After and /readyz 503,
 *   finishes its turns and sends, and exits 0; the refused webhooks, delivered again to a second
 *   process as the platform would, are answered there;
 * - a stop that runs out of time (SHUTDOWN_TIMEOUT_MS): the process exits 1 with sends unanswered,
 *   and a process started afterwards takes the residents over once their leases lapse.
 * Either way every accepted message gets its replies, whole and in turn order: exactly once after a
 * graceful stop; after the deadline, the message each cut-off send carried may come twice (the
 * platform may have got it before the process died, and gives no idempotency key).
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { FakePlatforms } from '../broadcast/fake-platforms.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { deliverText, expectTurnsDelivered, settled, spawnServer, waitFor, type Delivered, type Spawned } from '../helpers/spawned.js';

const TEXTS = ['menu', '1', 'tiếp', 'hướng dẫn', 'tiếp tục', 'menu'];
const RESIDENTS = 20;
const fake = new FakePlatforms();
const prefix = uniquePrefix('stop');
const started: Spawned[] = [];
let redis: ScriptedRedis;
let clock = Date.now();
let seq = 0;

interface Resident {
  psid: string;
  /** Messages taken in (200), by id. */
  accepted: string[];
}
const newResidents = (): Resident[] => Array.from({ length: RESIDENTS }, () => ({ psid: `${randomInt(1e7, 1e8)}${randomInt(1e7, 1e8)}`, accepted: [] }));

async function start(env: Record<string, string> = {}): Promise<Spawned> {
  const server = await spawnServer({ ...fake.env(), REDIS_PREFIX: prefix, ...env });
  started.push(server);
  return server;
}

/** One message per resident, all at once; the answers, with what to deliver again. */
async function round(server: Spawned, residents: Resident[], text: string): Promise<{ resident: Resident; mid: string; ts: number; answer: Delivered }[]> {
  return Promise.all(
    residents.map(async (resident) => {
      const ts = ++clock;
      const mid = `m_stop_${++seq}_${randomInt(1e9)}`;
      const answer = await deliverText(server.url, resident.psid, mid, text, ts);
      if (answer.status === 200) resident.accepted.push(mid);
      return { resident, mid, ts, answer };
    }),
  );
}

beforeAll(async () => {
  await fake.start();
  redis = await testRedis();
});

afterAll(async () => {
  fake.release();
  for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await Promise.all(started.map((s) => s.exited));
  await dropPrefix(redis, prefix);
  await redis.quit();
  await fake.close();
});

describe('SIGTERM mid-load', () => {
  it('drains: refuses new webhooks with 503, finishes what it holds, exits 0; nothing lost or doubled', { timeout: 120_000 }, async () => {
    const residents = newResidents();
    const a = await start({ SHUTDOWN_TIMEOUT_MS: '60000' });
    for (const text of TEXTS.slice(0, 3)) expect((await round(a, residents, text)).map((r) => r.answer.status)).toEqual(residents.map(() => 200));

    // Sends in flight when the signal comes: the fake holds its answers.
    fake.hold();
    expect((await round(a, residents, TEXTS[3]!)).every((r) => r.answer.status === 200)).toBe(true);
    await waitFor('sends in flight', () => fake.heldOpen > 0);
    a.child.kill('SIGTERM');
    await waitFor('draining', () => a.logs.some((l) => l.msg === 'shutting down'));

    const refused = await round(a, residents, TEXTS[4]!);
    for (const r of refused) {
      expect(r.answer.status).toBe(503);
      expect(r.answer.retryAfter).toBe('5');
    }
    const ready = await fetch(`${a.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { status: string }).status).toBe('draining');

    fake.release();
    expect(await a.exited).toBe(0);
    expect(a.logs.some((l) => l.msg === 'stopped')).toBe(true);

    // The platform delivers the refused webhooks again, to the process still running; then the rest.
    const b = await start();
    await Promise.all(refused.map(async ({ resident, mid, ts }) => {
      const again = await deliverText(b.url, resident.psid, mid, TEXTS[4]!, ts);
      expect(again.status).toBe(200);
      resident.accepted.push(mid);
    }));
    expect((await round(b, residents, TEXTS[5]!)).every((r) => r.answer.status === 200)).toBe(true);

    await waitFor('every resident settled', () => settled(redis, prefix, residents.map((r) => r.psid)));
    for (const r of residents) {
      expect(r.accepted).toHaveLength(TEXTS.length);
      await expectTurnsDelivered(redis, prefix, fake, r.psid, r.accepted);
    }
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  });

  it('out of time: exits 1 with sends unanswered; a process started later finishes them', { timeout: 120_000 }, async () => {
    const residents = newResidents();
    const c = await start({ SHUTDOWN_TIMEOUT_MS: '1000', WORKER_LOCK_MS: '1000' });
    expect((await round(c, residents, TEXTS[0]!)).every((r) => r.answer.status === 200)).toBe(true);
    await waitFor('first replies sent', () => settled(redis, prefix, residents.map((r) => r.psid)));

    fake.hold();
    expect((await round(c, residents, TEXTS[1]!)).every((r) => r.answer.status === 200)).toBe(true);
    await waitFor('sends in flight', () => fake.heldOpen > 0);
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(1);
    expect(c.logs.some((l) => l.msg === 'shutdown deadline passed; unfinished work stays in Redis for another process')).toBe(true);
    // The answers the platform never gave: their requests died with the process. Wait until the fake
    // has seen every one of those connections close, or release() could still answer (and count) one.
    await waitFor('the dead process\'s requests seen closed', () => fake.heldOpen === 0);
    fake.release();

    const d = await start();
    expect((await round(d, residents, TEXTS[2]!)).every((r) => r.answer.status === 200)).toBe(true);
    await waitFor('every resident settled', () => settled(redis, prefix, residents.map((r) => r.psid)));
    for (const r of residents) {
      expect(r.accepted).toHaveLength(3);
      await expectTurnsDelivered(redis, prefix, fake, r.psid, r.accepted, { cutOff: true });
    }
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
  });
});
