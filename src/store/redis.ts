/**
 * The ioredis connection and our Lua scripts. Created once by main.ts (or a test) and injected:
 * nothing else creates a Redis client.
 *
 * One Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES), behind one type. On a Cluster every
 * command, script, MULTI and pipeline must keep its keys in one hash slot (keys.ts gives them the
 * tags); work on many residents at once goes through `perItem`, and SCAN through `masters`.
 */
import { readFileSync } from 'node:fs';
import { Cluster, Redis, type ChainableCommander, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Config } from '../config.js';
import { RedisUnavailableError } from './errors.js';

const SCRIPTS = {
  addReport: { file: 'add-report-27.lua', keys: 27 },
  claimResident: { file: 'claim-resident-6.lua', keys: 6 },
  commitTurn: { file: 'commit-turn-8.lua', keys: 8 },
  deliverAlert: { file: 'deliver-alert-7.lua', keys: 7 },
  // As many keys as the group has areas: the key count goes first in each call.
  dropReportGroup: { file: 'drop-report-group.lua', keys: undefined },
  finishResident: { file: 'finish-resident-4.lua', keys: 4 },
  outboxAck: { file: 'outbox-ack-1.lua', keys: 1 },
  outboxSent: { file: 'outbox-sent-2.lua', keys: 2 },
  releaseLease: { file: 'release-lease-1.lua', keys: 1 },
  renewLease: { file: 'renew-lease-1.lua', keys: 1 },
  takeIn: { file: 'take-in-7.lua', keys: 7 },
} as const;

/** The Lua scripts, as typed commands. Each script's file opens with its KEYS / ARGV / returns. */
export interface RedisScripts {
  commitTurn(
    stateKey: string, seenKey: string, repliesKey: string, inboxKey: string, inboxDataKey: string, outboxKey: string, mailboxKey: string,
    contactKey: string,
    rev: number, doc: string, messageId: string, replies: string, now: number, windowMs: number, ttlSeconds: number,
    outbox: string, contactKeepMs: number | '',
  ): Promise<[number, number | string]>;
  /** 1 taken and held, 0 had it, 2 busy (nothing written), 3 had it and it is still waiting (see the script). */
  deliverAlert(
    stateKey: string, seenKey: string, inboxKey: string, inboxDataKey: string, outboxKey: string, leaseKey: string, contactKey: string,
    eventId: string, rev: number, doc: string, now: number, windowMs: number, ttlSeconds: number, token: string, leaseMs: number,
    ...entries: string[]
  ): Promise<0 | 1 | 2 | 3>;
  outboxAck(outboxKey: string, entry: string): Promise<number>;
  outboxSent(outboxKey: string, contactKey: string, ...entries: string[]): Promise<number>;
  claimResident(
    leaseKey: string, inboxKey: string, inboxDataKey: string, outboxKey: string, contactKey: string, stateKey: string, token: string, leaseMs: number,
  ): Promise<[0] | [1, string, string, number, string, string, number, string, string]>;
  /** A webhook event in, and the resident held when asked and free (see take-in-7.lua); `[2, …]` continues as a claim's `[1, …]`. */
  takeIn(
    inboxKey: string, inboxDataKey: string, seenKey: string, contactKey: string, leaseKey: string, outboxKey: string, stateKey: string,
    eventId: string, timestamp: number, activity: string, countsAsInbound: '0' | '1', token: string, leaseMs: number, contactKeepSeconds: number,
  ): Promise<[0] | [1] | [2, string, string, number, string, string, number, string, string]>;
  finishResident(leaseKey: string, inboxKey: string, outboxKey: string, contactKey: string, token: string, ...sent: string[]): Promise<[number, string]>;
  releaseLease(leaseKey: string, token: string): Promise<number>;
  renewLease(leaseKey: string, token: string, ttlMs: number): Promise<number>;
  /** A resident's report into its province's groups (src/reports/store.ts builds the 27 keys and 19 arguments). */
  addReport(...keysThenArgs: Array<string | number>): Promise<[string, string, number, number]>;
  /** Drop one report group past the retention (src/reports/store.ts `prune`): the key count, the keys, then the arguments. */
  dropReportGroup(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Promise<0 | 1>;
}

/** The connection the rest of the code is given: a single Redis or a Cluster client, with our scripts. */
export type ScriptedRedis = (Redis | Cluster) & RedisScripts;

/** A pipeline that also has our scripts (ioredis adds defined commands to pipelines). */
export type ScriptedPipeline = ChainableCommander & {
  [K in keyof RedisScripts]: (...args: Parameters<RedisScripts[K]>) => ScriptedPipeline;
};

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
  // Many residents' commands issued in the same tick go out in one write: a broadcast spent a fifth
  // of its CPU on one socket write per command without it.
  enableAutoPipelining: true,
};

/** The same, for a Cluster client (each node's connection gets the Redis part). */
export const FAIL_FAST_CLUSTER: ClusterOptions = {
  enableOfflineQueue: false,
  lazyConnect: true,
  slotsRefreshTimeout: 2000,
  clusterRetryStrategy: (times) => Math.min(times * 200, 2000),
  // Commands on many residents issued together (one per resident, as a Cluster requires) go out in
  // one write per node instead of one each.
  enableAutoPipelining: true,
  redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 3000 },
};

/** Where Redis is: REDIS_URL, or with REDIS_CLUSTER_NODES the nodes of a Cluster. */
export type RedisTarget = Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>;

/**
 * What a Cluster's nodes take from REDIS_URL: its user, password and TLS (`rediss://`); its host
 * and port are not used then.
 */
export function clusterAuth(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export function defineScripts(redis: Redis | Cluster): ScriptedRedis {
  for (const [name, { file, keys }] of Object.entries(SCRIPTS)) {
    const lua = readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
    redis.defineCommand(name, keys === undefined ? { lua } : { numberOfKeys: keys, lua });
  }
  return redis as ScriptedRedis;
}

/** A redacted form of the URL for messages: no password. */
export function describeRedisUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** Where we connect, for logs and messages: the redacted URL, or the Cluster's nodes. */
export function describeRedis(target: RedisTarget): string {
  const nodes = target.REDIS_CLUSTER_NODES;
  return nodes ? `cluster ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}` : describeRedisUrl(target.REDIS_URL);
}

/**
 * Connect and check with PING; throws RedisUnavailableError saying how to start Redis (or the
 * Cluster). A string is a single Redis's URL (tests put a proxy in front of one).
 *
 * @example
 * const redis = await connectRedis(config);                  // REDIS_URL, or REDIS_CLUSTER_NODES when set
 * const viaProxy = await connectRedis('redis://127.0.0.1:6380');
 */
export async function connectRedis(
  target: string | RedisTarget, options: Pick<RedisOptions, 'enableAutoPipelining' | 'connectionName'> = {},
): Promise<ScriptedRedis> {
  const { REDIS_URL: url, REDIS_CLUSTER_NODES: nodes } = typeof target === 'string' ? { REDIS_URL: target, REDIS_CLUSTER_NODES: undefined } : target;
  const redis = nodes
    ? new Cluster(nodes, {
        ...FAIL_FAST_CLUSTER,
        redisOptions: { ...FAIL_FAST_CLUSTER.redisOptions, ...clusterAuth(url), ...options },
      })
    : new Redis(url, { ...FAIL_FAST, ...options });
  redis.on('error', () => {
    // Reported through failing commands and /readyz; ioredis keeps reconnecting.
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw nodes
      ? new RedisUnavailableError(nodes.map((n) => `${n.host}:${n.port}`).join(', '), err, 'cluster')
      : new RedisUnavailableError(describeRedisUrl(url), err);
  }
  return defineScripts(redis);
}

/** The connections to run a per-node command on (SCAN, DBSIZE): the Redis itself, or each Cluster master. */
export function masters(redis: Redis | Cluster): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** Every key matching `pattern` on every node (a Cluster's masters), a SCAN page at a time. */
export async function* scanKeys(redis: Redis | Cluster, pattern: string, count = 500): AsyncGenerator<string[]> {
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }
}

/**
 * Every member of every set (`'set'`) or sorted set (`'zset'`) whose key matches `pattern`, a page at
 * a time (SSCAN/ZSCAN, so a big set never blocks Redis). Members changed meanwhile may be seen or not.
 */
export async function eachMemberPage(
  redis: Redis | Cluster, pattern: string, kind: 'set' | 'zset', each: (key: string, members: string[]) => Promise<void>,
): Promise<void> {
  for await (const keys of scanKeys(redis, pattern)) {
    for (const key of keys) {
      let cursor = '0';
      do {
        const [next, flat] = kind === 'set' ? await redis.sscan(key, cursor, 'COUNT', 500) : await redis.zscan(key, cursor, 'COUNT', 500);
        cursor = next;
        const members = kind === 'set' ? flat : flat.filter((_, i) => i % 2 === 0); // ZSCAN: member, score, member, score…
        if (members.length) await each(key, members);
      } while (cursor !== '0');
    }
  }
}

/**
 * Commands on many residents (or other keys in many Cluster slots), each item's own commands in
 * one slot. On a single Redis: one pipeline for all. On a Cluster, where a pipeline may not span
 * nodes: one pipeline per item, all sent at once. Returns each command's result in the order added;
 * throws the first command's error.
 *
 * @example
 * const contacts = await perItem(redis, ids, (p, id) => p.hmget(keys.resident(id).contact, 'lastInbound', 'status'));
 */
export async function perItem<T>(
  redis: ScriptedRedis, items: readonly T[], add: (p: ScriptedPipeline, item: T, index: number) => void,
): Promise<unknown[]> {
  const pipelines: ScriptedPipeline[] = [];
  if (redis instanceof Cluster) {
    items.forEach((item, i) => {
      const p = redis.pipeline() as ScriptedPipeline;
      add(p, item, i);
      pipelines.push(p);
    });
  } else {
    const p = redis.pipeline() as ScriptedPipeline;
    items.forEach((item, i) => add(p, item, i));
    pipelines.push(p);
  }
  const results = (await Promise.all(pipelines.map((p) => (p.length ? p.exec() : [])))).flatMap((r) => r ?? []);
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
