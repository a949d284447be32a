/**
 * A real Redis connection for tests, with a key prefix of its own so tests never clash.
 *
 * TEST_REDIS_CLUSTER_NODES (e.g. `127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003`, as `.ci/redis-cluster`
 * starts) makes every test's Redis that Redis Cluster; otherwise it is the single Redis of
 * TEST_REDIS_URL (default redis://127.0.0.1:6379).
 */
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { connectRedis, masters, scanKeys, type RedisTarget, type ScriptedRedis } from '../../src/store/redis.js';
import { createKeys } from '../../src/store/keys.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_REDIS_CLUSTER_NODES = process.env.TEST_REDIS_CLUSTER_NODES || undefined;
/** The tests run against a Redis Cluster. */
export const ON_CLUSTER = TEST_REDIS_CLUSTER_NODES !== undefined;

/** What a server or CLI under test is given to reach the tests' Redis (a child's env, or loadConfig). */
export const TEST_REDIS_ENV: Record<string, string> = {
  REDIS_URL: TEST_REDIS_URL,
  ...(TEST_REDIS_CLUSTER_NODES ? { REDIS_CLUSTER_NODES: TEST_REDIS_CLUSTER_NODES } : {}),
};

/** The same, parsed as the program parses it. */
export const TEST_REDIS_TARGET: RedisTarget = (() => {
  const { REDIS_URL, REDIS_CLUSTER_NODES } = loadConfig(TEST_REDIS_ENV);
  return { REDIS_URL, REDIS_CLUSTER_NODES };
})();

export function uniquePrefix(label = 't'): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

export async function testRedis(): Promise<ScriptedRedis> {
  return connectRedis(TEST_REDIS_TARGET);
}

/** Every key under `prefix`: SCAN on each node that holds keys (a Cluster's masters). */
export async function keysUnder(redis: Redis | Cluster, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const keys of scanKeys(redis, `${prefix}*`)) out.push(...keys);
  return [...new Set(out)];
}

export async function dropPrefix(redis: Redis | Cluster, prefix: string): Promise<void> {
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length === 0) continue;
      // One key per DEL, sent to the node that holds them: on a Cluster one DEL may not name two slots.
      const p = node.pipeline();
      for (const key of keys) p.del(key);
      await p.exec();
    } while (cursor !== '0');
  }
}

/** Every key under `prefix` with its serialised value (to prove nothing changed). */
export async function snapshot(redis: Redis | Cluster, prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  // Not the analytics stream: a turn's events are written a few milliseconds after it (batched), so an
  // earlier test's turn may land them between two snapshots. Nothing refused ever writes one.
  const events = createKeys(prefix).events;
  for (const key of (await keysUnder(redis, prefix)).sort()) if (key !== events) out[key] = (await redis.dumpBuffer(key))?.toString('hex') ?? '';
  return out;
}
