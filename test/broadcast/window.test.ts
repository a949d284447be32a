/**
 * The messaging-window policy as the broadcast applies it, case by case: who is sent the alert and
 * who is counted "not reachable now" (and why), at estimate time, at planning time, and again at
 * send time (a window may close between planning a batch and sending it). Real Redis; the clock is
 * the test's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreas } from '../../src/accounts/areas.js';
import type { AreaRef } from '../../src/accounts/schema.js';
import { PUSH_CHANNELS, type Alert, type PushChannel } from '../../src/broadcast/alert.js';
import type { NotReachableWhy } from '../../src/broadcast/audience.js';
import { createBroadcast, type Broadcast } from '../../src/broadcast/index.js';
import { runPlan, runSend, type JobDeps } from '../../src/broadcast/jobs.js';
import { loadConfig } from '../../src/config.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { createLogger } from '../../src/log.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { createKeys, type Keys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { DAY, HOUR, jobDepsOf, seedResidents, sendingAlert as sendingAlertIn, type Seeded } from './seed.js';

const MIN = 60_000;
type Expect = 'free' | 'paid' | 'update' | 'mailbox' | NotReachableWhy;

/** channel, when they last wrote (ago), unreachable?, what the broadcast must make of it. */
const CASES: [PushChannel, number | undefined, boolean, Expect][] = [
  ['messenger', 1 * MIN, false, 'update'],
  ['messenger', 23 * HOUR + 59 * MIN, false, 'update'],
  ['messenger', 24 * HOUR, false, 'window-closed'],
  ['messenger', 3 * DAY, false, 'window-closed'],
  ['messenger', undefined, false, 'never-wrote'],
  ['messenger', 1 * HOUR, true, 'unreachable'],
  ['zalo', 1 * MIN, false, 'free'],
  ['zalo', 47 * HOUR + 59 * MIN, false, 'free'],
  ['zalo', 48 * HOUR, false, 'paid'],
  ['zalo', 6 * DAY + 23 * HOUR, false, 'paid'],
  ['zalo', 7 * DAY, false, 'window-closed'],
  ['zalo', 30 * DAY, false, 'window-closed'],
  ['zalo', undefined, false, 'never-wrote'],
  ['zalo', 1 * HOUR, true, 'unreachable'],
  ['web', 1 * MIN, false, 'mailbox'],
  ['web', 29 * DAY + 23 * HOUR, false, 'mailbox'],
  ['web', 30 * DAY, false, 'window-closed'],
  ['web', undefined, false, 'never-wrote'],
];
const reachable = (e: Expect) => e === 'free' || e === 'paid' || e === 'update' || e === 'mailbox';

const AREA: AreaRef = { province: '01', commune: '08980' };
const prefix = uniquePrefix('window');
const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));
let redis: ScriptedRedis;
let keys: Keys;
let broadcast: Broadcast;
let residents: Seeded[];
let now = Date.parse('2026-06-01T08:00:00Z');

function jobDeps(): JobDeps {
  const config = loadConfig({ REDIS_PREFIX: prefix, BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0' });
  return jobDepsOf(broadcast, { redis, keys, config, clock: () => now });
}

function sendingAlert(): Promise<Alert> {
  return sendingAlertIn(broadcast, AREA, now);
}

beforeAll(async () => {
  redis = await testRedis();
  keys = createKeys(prefix);
  broadcast = createBroadcast({
    config: loadConfig({ REDIS_PREFIX: prefix, BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0' }),
    redis, keys, areas: loadAreas(), flows, log: createLogger('silent'), clock: () => now,
  });
  residents = await seedResidents(
    redis,
    keys,
    CASES.map(([channel, ago, unreachable]) => ({ channel, area: AREA, ...(ago !== undefined ? { lastWroteAgo: ago } : {}), ...(unreachable ? { unreachable } : {}) })),
    now,
  );
});

afterAll(async () => {
  await broadcast.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('the messaging window, case by case', () => {
  it.each(CASES.map((c, i) => [`${c[0]}, last wrote ${c[1] === undefined ? 'never' : `${Math.round(c[1] / MIN)} min ago`}${c[2] ? ', unreachable' : ''}`, i, c[3]] as const))(
    '%s → %s',
    async (_name, i, expected) => {
      const r = residents[i]!;
      const sorted = await broadcast.audience.classify([r.id], now);
      expect(sorted.reachable[r.channel].includes(r.id)).toBe(reachable(expected));
      if (!reachable(expected)) expect(sorted.why[r.channel]).toEqual({ [expected]: 1 });
      expect(sorted.charged).toBe(expected === 'paid' ? 1 : 0);
    },
  );

  it('the estimate counts the same, per channel and reason', async () => {
    const e = await broadcast.audience.estimate({ area: AREA }, now);
    const count = (ch: PushChannel, f: (x: Expect) => boolean) => CASES.filter((c) => c[0] === ch && f(c[3])).length;
    expect(e).toMatchObject({ exact: true, total: CASES.length, reachableNow: CASES.filter((c) => reachable(c[3])).length, margin: 0 });
    expect(e.channels.messenger).toMatchObject({ reachableNow: count('messenger', reachable), notReachableWhy: { 'window-closed': 2, 'never-wrote': 1, unreachable: 1 } });
    expect(e.channels.zalo).toMatchObject({ reachableNow: count('zalo', reachable), charged: 2, notReachableWhy: { 'window-closed': 2, 'never-wrote': 1, unreachable: 1 } });
    expect(e.channels.web).toMatchObject({ reachableNow: 2, notReachableWhy: { 'window-closed': 1, 'never-wrote': 1 } });
  });

  it('planning sends only to the reachable and counts the rest as not reachable now', async () => {
    const alert = await sendingAlert();
    expect(await runPlan(jobDeps(), { data: { alertId: alert.id } })).toBe('planned');
    const waiting = await Promise.all(PUSH_CHANNELS.map((ch) => broadcast.queues.send[ch].getJobs(['waiting'])));
    const jobs = waiting.flat().filter((j) => j.data.alertId === alert.id);
    const planned = jobs.flatMap((j) => j.data.residents).sort();
    expect(planned).toEqual(residents.filter((_, i) => reachable(CASES[i]![3])).map((r) => r.id).sort());
    expect(jobs.map((j) => j.id).sort()).toEqual([`${alert.id}-messenger-1`, `${alert.id}-web-1`, `${alert.id}-zalo-1`]);
    expect((await broadcast.store.stats(alert.id)).notReachableNow).toBe(CASES.filter((c) => !reachable(c[3])).length);
    expect(await broadcast.store.plan(alert.id)).toMatchObject({ complete: true, matched: CASES.length, planned: planned.length, pending: 3 });

    // A window that closed between planning and sending: checked again, not sent, counted.
    now += 2 * HOUR; // messenger 23 h 59 min, zalo 6 d 23 h and web 29 d 23 h are now out
    for (const job of jobs) await runSend(jobDeps(), job);
    const inboxed = await Promise.all(residents.map((r) => redis.hexists(keys.resident(r.id).inboxData, `alert:${alert.id}`)));
    const closedMeanwhile = new Set([1, 9, 15]);
    expect(residents.filter((_, i) => inboxed[i]).map((r) => r.id).sort()).toEqual(
      residents.filter((_, i) => reachable(CASES[i]![3]) && !closedMeanwhile.has(i)).map((r) => r.id).sort(),
    );
    expect((await broadcast.store.stats(alert.id)).notReachableNow).toBe(CASES.filter((c) => !reachable(c[3])).length + closedMeanwhile.size);
    expect(await broadcast.store.plan(alert.id)).toMatchObject({ pending: 0, queued: planned.length - closedMeanwhile.size });
    expect((await broadcast.store.get(alert.id))?.status).toBe('done');

    // A batch run again (a retry) changes nothing: nobody is queued twice, nothing is counted twice.
    for (const job of jobs) await runSend(jobDeps(), job);
    expect(await broadcast.store.plan(alert.id)).toMatchObject({ pending: 0, queued: planned.length - closedMeanwhile.size });
    const events = await Promise.all(residents.map((r) => redis.zcard(keys.resident(r.id).inbox)));
    expect(Math.max(...events)).toBe(1);
  });
});

describe('a channel this server is not connected to', () => {
  it('its residents are counted not reachable ("not-connected"), at estimate and at send time, never waited for', async () => {
    const onlyMessenger = createBroadcast({
      config: loadConfig({ REDIS_PREFIX: prefix, BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0' }),
      redis, keys, areas: loadAreas(), flows, log: createLogger('silent'), clock: () => now,
      connected: () => new Set(['messenger']),
    });
    try {
      const zaloFresh = residents.filter((r, i) => r.channel === 'zalo' && reachable(CASES[i]![3]));
      expect(zaloFresh.length).toBeGreaterThan(0);
      const sorted = await onlyMessenger.audience.classify(zaloFresh.map((r) => r.id), now);
      expect(sorted.reachable.zalo).toEqual([]);
      expect(sorted.why.zalo).toEqual({ 'not-connected': zaloFresh.length });
      const e = await onlyMessenger.audience.estimate({ area: AREA }, now);
      expect(e.channels.zalo).toMatchObject({ reachableNow: 0, notReachableWhy: { 'not-connected': CASES.filter((c) => c[0] === 'zalo').length } });
      expect(e.channels.messenger.reachableNow).toBeGreaterThan(0);
    } finally {
      await onlyMessenger.close();
    }
  });
});
