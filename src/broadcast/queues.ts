/**
 * The BullMQ queues of a broadcast: one `plan` queue (a job per alert streams its audience into
 * batches) and one `send` queue per channel (a job per batch hands the alert to each resident's inbox),
 * so each channel has its own rate limit.
 *
 * BullMQ gets connections of its own (`queues.connection`, for the queues and the workers), with
 * `maxRetriesPerRequest: null` and no command timeout (its workers block on Redis and must never give
 * up a command), and keys under `<REDIS_PREFIX>{bull}:`, so a test with its own prefix never meets
 * another's jobs. On a Redis Cluster the `{bull}` tag keeps each queue's keys in one slot, as BullMQ's
 * scripts need.
 *
 * @example
 * const queues = new BroadcastQueues(config, keys);
 * await queues.plan.add('plan', { alertId }, { jobId: planJobId(alertId) });
 * new Worker(PLAN_QUEUE, run, { connection: queues.connection, prefix: keys.bullPrefix });
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import type { Config } from '../config.js';
import type { Keys } from '../store/keys.js';
import { clusterAuth, type RedisTarget } from '../store/redis.js';
import { PUSH_CHANNELS, type PushChannel } from './alert.js';

export const PLAN_QUEUE = 'broadcast-plan';
export const sendQueueName = (channel: PushChannel) => `broadcast-send-${channel}`;

/** Largest batch of residents in one send job. */
export const MAX_BATCH = 500;

export interface PlanJobData {
  alertId: string;
}

export interface SendJobData {
  alertId: string;
  channel: PushChannel;
  batch: number;
  residents: string[];
  /** When the planner made this batch, ms (for the benchmark's plan → send time). */
  plannedAt: number;
}

/** What a send job returns (kept in the queue's event stream, without resident ids): for the benchmark's plan → send time. */
export interface SendJobResult {
  /** Residents handed the alert. */
  queued: number;
  /** Residents in the batch. */
  residents: number;
  plannedAt: number;
}

/** BullMQ job ids may not contain ":", so the parts are joined with "-". */
export const planJobId = (alertId: string) => `${alertId}-plan`;
export const sendJobId = (alertId: string, channel: PushChannel, batch: number) => `${alertId}-${channel}-${batch}`;

export const PLAN_JOB_OPTIONS: JobsOptions = {
  // A plan job stopped by a closing worker is retried (from its last step) like one that crashed.
  attempts: 50,
  backoff: { type: 'fixed', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * A send job's data names up to MAX_BATCH residents, so it is deleted the moment it finishes, done or
 * given up (BullMQ's `age`/`count` would only remove it when a later job of the queue finishes: after
 * the last broadcast, never). Nothing needs it afterwards: the plan records each finished batch
 * (`done:<job id>`, batch-done script) and counts it once, a given-up batch is in the alert's audit
 * (`batch_failed`, with the reason) and the error log. Keeping finished jobs used to make re-adding a
 * batch a no-op; instead a planner resumed after a crash re-adds only the batches the plan does not
 * record as done (jobs.ts), and a batch that does run twice still delivers nobody twice (the event id
 * `alert:<id>` per resident) and counts once.
 */
export const SEND_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
};

/**
 * How a channel's rate (residents per second; 0 = no limit) becomes batches and a BullMQ limiter:
 * `k` jobs a second of `rate / k` residents each, with batches of at most MAX_BATCH. The limiter is
 * BullMQ's, kept in Redis, so it holds across every worker process together.
 *
 * @example
 * pacing(50)   // → { batchSize: 50, limiter: { max: 1, duration: 1000 } }
 * pacing(700)  // → { batchSize: 350, limiter: { max: 2, duration: 1000 } }
 * pacing(0)    // → { batchSize: 500 } (no limit)
 */
export function pacing(rate: number, maxBatch = MAX_BATCH): { batchSize: number; limiter?: { max: number; duration: number } } {
  if (rate <= 0) return { batchSize: maxBatch };
  const k = Math.ceil(rate / maxBatch);
  return { batchSize: Math.max(1, Math.floor(rate / k)), limiter: { max: k, duration: 1000 } };
}

/** Residents per second on a channel; 0 = no limit (the web mailbox is our own Redis: no platform limit to keep). */
export function channelRate(config: Pick<Config, 'BROADCAST_RATE_MESSENGER' | 'BROADCAST_RATE_ZALO'>, channel: PushChannel): number {
  if (channel === 'web') return 0;
  return channel === 'messenger' ? config.BROADCAST_RATE_MESSENGER : config.BROADCAST_RATE_ZALO;
}

const CONNECTION_NAME = 'hocso-broadcast';

/**
 * BullMQ's connection. A single Redis: options, from which BullMQ makes (and closes) its own
 * connections. A Cluster: a Cluster client, which a Queue uses as it is and a Worker duplicates
 * (BullMQ closes the duplicates; the caller closes this one). A string is a single Redis's URL.
 */
export function bullConnection(target: string | RedisTarget): ConnectionOptions {
  const { REDIS_URL: url, REDIS_CLUSTER_NODES: nodes } = typeof target === 'string' ? { REDIS_URL: target, REDIS_CLUSTER_NODES: undefined } : target;
  if (!nodes) return { url, maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: CONNECTION_NAME };
  const cluster = new Cluster(nodes, {
    enableOfflineQueue: true,
    slotsRefreshTimeout: 2000,
    clusterRetryStrategy: (times) => Math.min(times * 200, 2000),
    redisOptions: { ...clusterAuth(url), maxRetriesPerRequest: null, connectionName: CONNECTION_NAME },
  });
  // Connection trouble surfaces through BullMQ (failing adds, worker errors); keep it from crashing the process.
  cluster.on('error', () => undefined);
  return cluster;
}

/** The queues, for adding and removing jobs (the API process and the workers both use them). */
export class BroadcastQueues {
  readonly plan: Queue<PlanJobData>;
  readonly send: Record<PushChannel, Queue<SendJobData>>;
  /** What this process's Workers connect with too (on a Cluster, they duplicate this client). */
  readonly connection: ConnectionOptions;

  constructor(config: RedisTarget, keys: Keys) {
    this.connection = bullConnection(config);
    const options = { connection: this.connection, prefix: keys.bullPrefix };
    this.plan = new Queue<PlanJobData>(PLAN_QUEUE, options);
    this.send = Object.fromEntries(PUSH_CHANNELS.map((ch) => [ch, new Queue<SendJobData>(sendQueueName(ch), options)])) as Record<
      PushChannel,
      Queue<SendJobData>
    >;
    // Connection trouble surfaces as failing adds (answered 503); keep ioredis from crashing the process.
    for (const q of [this.plan, ...Object.values(this.send)]) q.on('error', () => undefined);
  }

  /** Resolves once every queue is connected and has written its meta hash (BullMQ does that by itself after connecting). */
  async ready(): Promise<void> {
    await Promise.all([this.plan, ...Object.values(this.send)].map((q) => q.getVersion()));
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.plan.close(), ...Object.values(this.send).map((q) => q.close())]);
    // A Cluster client passed to BullMQ is ours to close; options made BullMQ's own connections.
    const own = this.connection;
    if (own instanceof Cluster) await own.quit().catch(() => own.disconnect());
  }
}
