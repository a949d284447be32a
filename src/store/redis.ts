/**
 * The ioredis connection and our Lua scripts. Created once by main.ts (or a test) and injected:
 * nothing else creates a Redis client.
 */
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { RedisUnavailableError } from './errors.js';

const SCRIPTS = {
  commitTurn: { file: 'commit-turn-6.lua', keys: 6 },
  enqueueEvent: { file: 'enqueue-event-4.lua', keys: 4 },
  outboxAck: { file: 'outbox-ack-1.lua', keys: 1 },
  releaseLease: { file: 'release-lease-1.lua', keys: 1 },
  renewLease: { file: 'renew-lease-1.lua', keys: 1 },
} as const;

/** The Lua scripts, as typed commands. Each script's file opens with its KEYS / ARGV / returns. */
export interface ScriptedRedis extends Redis {
  commitTurn(
    stateKey: string, seenKey: string, repliesKey: string, inboxKey: string, inboxDataKey: string, outboxKey: string,
    rev: number, doc: string, messageId: string, replies: string, now: number, windowMs: number, ttlSeconds: number,
    outbox: string,
  ): Promise<[number, number | string]>;
  enqueueEvent(
    inboxKey: string, inboxDataKey: string, seenKey: string, contactKey: string,
    eventId: string, timestamp: number, activity: string, countsAsInbound: '0' | '1',
  ): Promise<number>;
  outboxAck(outboxKey: string, entry: string): Promise<number>;
  releaseLease(leaseKey: string, token: string): Promise<number>;
  renewLease(leaseKey: string, token: string, ttlMs: number): Promise<number>;
}

/** Redis options that fail a command at once while disconnected, so a turn can answer "busy" instead of hanging. */
export const FAIL_FAST: RedisOptions = {
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  connectTimeout: 2000,
  // A connection that opens and drops again (a proxy in front of a dead Redis) resets ioredis'
  // retry count, so without a timeout a command could wait for ever.
  commandTimeout: 3000,
  lazyConnect: true,
  retryStrategy: (times) => Math.min(times * 200, 2000),
};

export function defineScripts(redis: Redis): ScriptedRedis {
  for (const [name, { file, keys }] of Object.entries(SCRIPTS)) {
    const lua = readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
    redis.defineCommand(name, { numberOfKeys: keys, lua });
  }
  return redis as ScriptedRedis;
}

/** A redacted form of the URL for messages: no password. */
export function describeRedisUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** Connect and check with PING; throws RedisUnavailableError with how to start Redis. */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<ScriptedRedis> {
  const redis = new Redis(url, { ...FAIL_FAST, ...options });
  redis.on('error', () => {
    // Reported through failing commands and /readyz; ioredis keeps reconnecting.
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new RedisUnavailableError(describeRedisUrl(url), err);
  }
  return defineScripts(redis);
}
