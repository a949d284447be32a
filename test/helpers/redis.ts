/** A real Redis connection for tests, with a key prefix of its own so tests never clash. */
import { randomUUID } from 'node:crypto';
import { connectRedis, type ScriptedRedis } from '../../src/store/redis.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label = 't'): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

export async function testRedis(): Promise<ScriptedRedis> {
  return connectRedis(TEST_REDIS_URL);
}

/** Delete every key under `prefix` (and only those). */
export async function dropPrefix(redis: ScriptedRedis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
