/** Jobs one process does for all now and then: the turn (a lock left to expire) and the timer around them. Real Redis. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHousekeeping, takeTurn } from '../../src/store/housekeeping.js';
import { waitUntil } from '../broadcast/seed.js';
import { memoryLog } from '../helpers/memory-log.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

let redis: ScriptedRedis;
const prefix = uniquePrefix('housekeeping');
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe('housekeeping', () => {
  it('one caller takes the turn until the lock expires', async () => {
    const lock = `${prefix}lock`;
    expect(await takeTurn(redis, lock, 60_000, 1)).toBe(true);
    expect(await takeTurn(redis, lock, 60_000, 2)).toBe(false);
    expect(await redis.pttl(lock)).toBeGreaterThan(50_000);
    await redis.pexpire(lock, 1);
    await waitUntil('lock expired', async () => (await redis.exists(lock)) === 0, 5_000, 5);
    expect(await takeTurn(redis, lock, 60_000, 3)).toBe(true);
  });

  it('a job longer than the interval never runs beside itself, and stop waits for it', async () => {
    let inFlight = 0;
    let most = 0;
    let finished = 0;
    let release: () => void = () => undefined;
    const job = async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise<void>((r) => (release = r));
      inFlight -= 1;
      finished += 1;
      return 1;
    };
    const log = memoryLog();
    const timer = startHousekeeping(job, { log, everyMs: 2, report: (n) => (n ? { msg: 'done', fields: { n } } : undefined), failed: 'failed' });
    await waitUntil('started', () => inFlight === 1, 5_000, 2);
    await new Promise((r) => setTimeout(r, 30)); // many more ticks while it runs
    const stopped = timer.stop();
    release();
    await stopped;
    expect(most).toBe(1);
    expect(finished).toBe(1);
    expect(log.lines).toEqual([{ level: 'info', msg: 'done', fields: { n: 1 } }]);
  });
});
