/**
 * Redis Cluster: every multi-key operation keeps its keys in one hash slot, and the bot's
 * connection, scripts, set algebra and BullMQ work on a real three-master cluster.
 *
 * The first part runs everywhere (key names, configuration, the error when no cluster answers).
 * The second needs TEST_REDIS_CLUSTER_NODES (`.ci/redis-cluster` starts one; `.ci/run` does both
 * runs) and is skipped without it.
 */
import { Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/broadcast/alert.js';
import { AudienceReader } from '../../src/broadcast/audience.js';
import { areaPaths } from '../../src/broadcast/contract.js';
import { BroadcastQueues, PLAN_QUEUE, type PlanJobData } from '../../src/broadcast/queues.js';
import { AlertStore } from '../../src/broadcast/store.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createIntake } from '../../src/conversation/intake.js';
import { createLogger } from '../../src/log.js';
import { RedisUnavailableError } from '../../src/store/errors.js';
import { createKeys } from '../../src/store/keys.js';
import { clusterAuth, connectRedis, masters, perItem, type ScriptedRedis } from '../../src/store/redis.js';
import { seedResidents, type Seeded } from '../broadcast/seed.js';
import { dropPrefix, keysUnder, ON_CLUSTER, TEST_REDIS_TARGET, testRedis, uniquePrefix } from '../helpers/redis.js';

/** A key's Cluster slot, as Redis computes it: CRC16 (XMODEM) of its `{tag}` (or the whole key), mod 16384. */
function slotOf(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

const slots = (keys: readonly string[]) => new Set(keys.map(slotOf));

describe('key names: each multi-key operation stays in one slot', () => {
  const keys = createKeys('hocso:');

  it('every key of one resident shares a slot, and residents spread over many', () => {
    const one = keys.resident('messenger:123');
    expect(slots(Object.values(one)).size).toBe(1);
    expect(slots(Array.from({ length: 100 }, (_, i) => keys.resident(`zalo:${i}`).state)).size).toBeGreaterThan(90);
  });

  it('every audience set shares one slot (set algebra), as do the alert indexes, accounts, and each queue', () => {
    const audience = [
      ...areaPaths({ province: '15', district: '005', commune: '02833' }).map(keys.audienceArea),
      keys.audienceChannel('zalo'), keys.audienceLocale('vi'), keys.audienceFinished('otp'), keys.audienceAlertsOff,
    ];
    expect(slots(audience).size).toBe(1);
    expect(slots([keys.alertsInProvince('01'), keys.alertsInProvince('15'), keys.alertsActive]).size).toBe(1);
    expect(slots([keys.account('a'), keys.accountToken('h'), keys.accounts]).size).toBe(1);
    // BullMQ names its keys `<prefix>:<queue>:<suffix>`.
    expect(slots(['wait', 'active', 'meta', 'events', 'limiter'].map((s) => `${keys.bullPrefix}:${PLAN_QUEUE}:${s}`)).size).toBe(1);
  });

  it("an alert's keys share a slot, as the broadcast scripts need", () => {
    const id = 'abcdefabcdef';
    expect(slots([keys.alert(id), keys.alertAudit(id), keys.alertImage(id), keys.alertPlan(id), keys.alertStats(id)]).size).toBe(1);
  });
});

describe('REDIS_CLUSTER_NODES', () => {
  it('is a comma-separated host:port list; anything else is refused with what is expected', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7001,redis-b.local:7002' }).REDIS_CLUSTER_NODES).toEqual([
      { host: '10.0.0.1', port: 7001 },
      { host: 'redis-b.local', port: 7002 },
    ]);
    expect(loadConfig({ REDIS_CLUSTER_NODES: '' }).REDIS_CLUSTER_NODES).toBeUndefined();
    for (const bad of ['10.0.0.1', 'redis://10.0.0.1:7001', '10.0.0.1:7001;10.0.0.2:7001']) {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: bad })).toThrow(
        `Configuration error: REDIS_CLUSTER_NODES must be a comma-separated list of host:port, e.g. 10.0.0.1:7001,10.0.0.2:7001 (got "${bad}").`,
      );
    }
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:70000' })).toThrow(ConfigError);
  });

  it("takes the nodes' user, password and TLS from REDIS_URL", () => {
    expect(clusterAuth('redis://127.0.0.1:6379')).toEqual({});
    expect(clusterAuth('rediss://bot:p%40ss@cluster.example.vn:6380')).toEqual({ username: 'bot', password: 'p@ss', tls: {} });
  });

  it('no cluster answering: a RedisUnavailableError naming the nodes and how to start one', async () => {
    const err = await connectRedis({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: [{ host: '127.0.0.1', port: 1 }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as Error).message).toBe(
      'Cannot reach the Redis Cluster at 127.0.0.1:1 (REDIS_CLUSTER_NODES: None of startup nodes is available). Start a local one ' +
        '(three masters on 127.0.0.1:7001-7003) with: .ci/redis-cluster, point REDIS_CLUSTER_NODES at some nodes of a running cluster, ' +
        'or leave it unset to use the single Redis of REDIS_URL.',
    );
  });
});

describe.skipIf(!ON_CLUSTER)('on a real Redis Cluster (TEST_REDIS_CLUSTER_NODES)', () => {
  const prefix = uniquePrefix('cluster');
  const keys = createKeys(prefix);
  const HERE = { province: '15', district: '005', commune: '02833' };
  let redis: ScriptedRedis;
  let residents: Seeded[];

  beforeAll(async () => {
    redis = await testRedis();
    residents = await seedResidents(
      redis, keys,
      Array.from({ length: 60 }, (_, i) => ({
        channel: i % 2 ? ('zalo' as const) : ('messenger' as const),
        area: HERE,
        locale: i % 3 ? ('vi' as const) : ('en' as const),
        ...(i % 4 === 0 ? { completed: ['otp'] } : {}),
        ...(i % 10 === 0 ? { alertsOff: true } : {}),
        lastWroteAgo: 60_000,
      })),
    );
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    expect(await keysUnder(redis, prefix)).toEqual([]);
    await redis.quit();
  });

  it('the connection is a Cluster client of three masters', () => {
    expect(redis).toBeInstanceOf(Cluster);
    expect(masters(redis)).toHaveLength(3);
  });

  it("one resident's keys land in one slot, and the residents on every master", async () => {
    const intake = createIntake({ redis, keys, log: createLogger('silent') });
    // One delivery with several residents: one command per resident, each in its own slot.
    const batch = residents.slice(0, 6).map((r, i) => ({
      type: 'message' as const, channelId: r.channel, id: `m-${i}`, timestamp: Date.now(), from: { id: r.user }, text: 'Xin chào',
    }));
    expect(await intake.accept(batch)).toEqual({ taken: 6, duplicates: 0 });
    const first = residents[0]!;
    const own = await keysUnder(redis, `${prefix}r:{${first.id}}`);
    expect(own.length).toBeGreaterThanOrEqual(4); // state, contact, inbox, inbox data
    const reported = new Set(await Promise.all(own.map((k) => redis.cluster('KEYSLOT', k))));
    expect([...reported]).toEqual([slotOf(own[0]!)]);
    const owners = new Set<string>();
    for (const node of masters(redis)) {
      const found = await keysUnder(node, `${prefix}r:`);
      if (found.length) owners.add(`${node.options.host}:${node.options.port}`);
    }
    expect(owners.size).toBe(3);
  });

  it('the audience set algebra works across the sets (one slot)', async () => {
    const area = keys.audienceArea(areaPaths(HERE).at(-1)!);
    const zalo = keys.audienceChannel('zalo');
    const finished = keys.audienceFinished('otp');
    const expected = (f: (r: Seeded, i: number) => boolean) => residents.filter(f).length;
    expect(await redis.sintercard(2, area, zalo)).toBe(expected((r) => r.channel === 'zalo'));
    expect(await redis.sdiff(area, finished)).toHaveLength(expected((_, i) => i % 4 !== 0));
    const scratch = keys.audienceArea('scratch');
    expect(await redis.sunionstore(scratch, finished, keys.audienceAlertsOff)).toBe(expected((_, i) => i % 4 === 0 || i % 10 === 0));
    const reader = new AudienceReader(redis, keys);
    const estimate = await reader.estimate({ area: HERE, channel: 'zalo', locale: 'vi' }, Date.now());
    expect(estimate.total).toBe(expected((r, i) => r.channel === 'zalo' && i % 3 !== 0 && i % 10 !== 0));
    expect(estimate.reachableNow).toBe(estimate.total);
  });

  it("an alert's scripts and indexes run, and alerts are read back across slots", async () => {
    const store = new AlertStore(redis, keys);
    const alert = (id: string): Alert => ({
      id, rev: 1, createdBy: 'abcdefghij', createdByName: 'Chị Lan', fromName: 'UBND Xã',
      text: { vi: 'Cảnh báo', en: 'Warning' }, audience: { area: { province: '15' } }, status: 'draft', approvals: [], createdAt: 1, updatedAt: 1,
    });
    const ids = ['aaaaaaaaaaa1', 'bbbbbbbbbbb2', 'ccccccccccc3', 'ddddddddddd4'];
    for (const id of ids) await store.create(alert(id), { by: 'abcdefghij', byName: 'Chị Lan', action: 'created' });
    expect(slots(ids.map(keys.alert)).size).toBeGreaterThan(1);
    expect((await store.listInProvince('15')).map((a) => a.id).sort()).toEqual(ids);
    // A move to another province: both indexes in one MULTI.
    await store.update(ids[0]!, (a) => ({ alert: { ...a, audience: { area: { province: '01' } } }, audit: { by: 'abcdefghij', byName: 'Chị Lan', action: 'edited' } }));
    expect((await store.listInProvince('01')).map((a) => a.id)).toEqual([ids[0]]);
    expect(await store.listInProvince('15')).toHaveLength(3);
    expect((await store.audit(ids[0]!)).map((e) => e.action)).toEqual(['created', 'edited']);
    const plan = keys.alertPlan(ids[1]!);
    const stats = keys.alertStats(ids[1]!);
    expect(await store.redis.broadcastPlanStep(plan, stats, 0, '0', '[]', '{}', '{}', 2, 10, 8, 2, '1')).toBe(1);
    expect(await store.redis.broadcastBatchDone(plan, stats, 'job-1', 4, 0, '0')).toEqual([1, 1, 1]);
    expect(await store.redis.broadcastBatchDone(plan, stats, 'job-1', 4, 0, '0')).toEqual([0, 1, 1]);
    expect(await store.plan(ids[1]!)).toMatchObject({ step: 1, pending: 1, matched: 10, planned: 8, queued: 4, complete: true });
    expect((await store.stats(ids[1]!)).notReachableNow).toBe(2);
  });

  it('many residents at once: one command per resident (perItem), results in order', async () => {
    const got = await perItem(redis, residents, (p, r) => p.hget(keys.resident(r.id).contact, 'lastInbound'));
    expect(got).toHaveLength(residents.length);
    expect(got.every((v) => typeof v === 'string' && Number(v) > 0)).toBe(true);
  });

  it("BullMQ's queues and a worker run on the Cluster, under the {bull} tag", async () => {
    const queues = new BroadcastQueues(TEST_REDIS_TARGET, keys);
    const seen: string[] = [];
    let worker: Worker<PlanJobData> | undefined;
    try {
      const done = new Promise<void>((resolve) => {
        worker = new Worker<PlanJobData>(PLAN_QUEUE, async (job) => void seen.push(job.data.alertId), { connection: queues.connection, prefix: keys.bullPrefix });
        worker.on('completed', () => resolve());
      });
      await queues.plan.add('plan', { alertId: 'eeeeeeeeeee5' }, { jobId: 'eeeeeeeeeee5-plan' });
      await done;
      expect(seen).toEqual(['eeeeeeeeeee5']);
      const bullKeys = await keysUnder(redis, keys.bullPrefix);
      expect(bullKeys.length).toBeGreaterThan(0);
      expect(slots(bullKeys).size).toBe(1);
    } finally {
      await worker?.close();
      await queues.close();
    }
  });
});
