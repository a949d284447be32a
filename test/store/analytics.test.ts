/**
 * Analytics events (ResidentStore.recordEvents): many turns' events go to the stream together, a few
 * milliseconds after the first, in order; a caller learns when theirs are written or that Redis
 * refused them; shutdown writes what is still waiting. Real Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/types.js';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { EVENTS_KEPT_MS, ResidentStore } from '../../src/store/resident-store.js';
import { memoryLog } from '../helpers/memory-log.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

let redis: ScriptedRedis;
const prefix = uniquePrefix('analytics');
const keys = createKeys(prefix);
const store = () => new ResidentStore(redis, keys, memoryLog());
const started = (flowId: string): EngineEvent => ({ type: 'lesson_started', flowId, flowVersion: 1, resumed: false });

async function entries(): Promise<{ r: string; e: string; at: string }[]> {
  return (await redis.xrange(keys.events, '-', '+')).map(([, f]) => ({ r: f[f.indexOf('r') + 1]!, e: f[f.indexOf('e') + 1]!, at: f[f.indexOf('at') + 1]! }));
}

beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('analytics events', () => {
  it('events older than they are kept for go as new ones are written', async () => {
    await redis.del(keys.events);
    const old = Date.now() - EVENTS_KEPT_MS - 60_000;
    // More than a block of the stream (100 entries), which is what "~" trims at once.
    for (let i = 0; i < 150; i++) await redis.xadd(keys.events, `${old + i}-0`, 'r', 'anon-old', 'e', '{}');
    await store().recordEvents('anon-new', [started('qr-payment')], Date.now());
    const left = await entries();
    expect(left.length).toBeLessThanOrEqual(51);
    expect(left.at(-1)!.r).toBe('anon-new');
  });

  it('several turns\' events are written together, in order, and each caller learns when', async () => {
    await redis.del(keys.events);
    const s = store();
    const first = s.recordEvents('anon-a', [started('qr-payment'), started('check-link')], 1000);
    const second = s.recordEvents('anon-b', [started('after-scam')], 1001);
    // Not written yet: they wait a moment for others.
    expect(await redis.xlen(keys.events)).toBe(0);
    await first;
    // Written together: the second turn's too.
    expect(await entries()).toEqual([
      { r: 'anon-a', e: JSON.stringify(started('qr-payment')), at: '1000' },
      { r: 'anon-a', e: JSON.stringify(started('check-link')), at: '1000' },
      { r: 'anon-b', e: JSON.stringify(started('after-scam')), at: '1001' },
    ]);
    await second;
    expect(await s.recordEvents('anon-c', [], 1002)).toBeUndefined();
    expect(await redis.xlen(keys.events)).toBe(3);
  });

  it('shutdown writes what is still waiting, without waiting for the moment to pass', async () => {
    await redis.del(keys.events);
    const s = store();
    void s.recordEvents('anon-a', [started('qr-payment')], 1000);
    await s.flushEvents();
    expect((await entries()).map((x) => x.r)).toEqual(['anon-a']);
    await s.flushEvents(); // nothing waiting: nothing written
    expect(await redis.xlen(keys.events)).toBe(1);

    // A batch already on its way (its moment passed just before shutdown) is waited for too.
    let written = false;
    void s.recordEvents('anon-b', [started('check-link')], 1001).then(() => (written = true));
    void s.flushEvents();
    await s.flushEvents();
    expect(written).toBe(true);
    expect((await entries()).map((x) => x.r)).toEqual(['anon-a', 'anon-b']);
  });

  it('Redis gone: every caller in the batch is told (after-commit logs it; the turn is not undone)', async () => {
    const gone = await testRedis();
    gone.disconnect();
    const s = new ResidentStore(gone, keys, memoryLog());
    const a = s.recordEvents('anon-a', [started('qr-payment')], 1000);
    const b = s.recordEvents('anon-b', [started('qr-payment')], 1000);
    // One Redis: "Connection is closed"; a Cluster: "Cluster isn't ready".
    await expect(a).rejects.toThrow(/closed|isn't ready/i);
    await expect(b).rejects.toThrow(/closed|isn't ready/i);
  });
});
