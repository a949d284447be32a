/**
 * The BullMQ queues of a broadcast: one `plan` queue (a job per alert streams its audience into
 * batches) and one `send` queue per channel (a job per batch hands the alert to each resident's inbox),
 * so each channel has its own rate limit.
 *
 * BullMQ gets connections of its own, made from REDIS_URL with `maxRetriesPerRequest: null` (its
 * workers block on Redis and must never give up a command), and keys under `<REDIS_PREFIX>bull:`,
 * so a test with its own prefix never meets another's jobs.
 *
 * @example
 * const queues = new BroadcastQueues(config, keys);
 * await queues.plan.add('plan', { alertId }, { jobId: planJobId(alertId) });
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Config } from '../config.js';
import type { Keys } from '../store/keys.js';
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

export const SEND_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
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

export function channelRate(config: Pick<Config, 'BROADCAST_RATE_MESSENGER' | 'BROADCAST_RATE_ZALO'>, channel: PushChannel): number {
  return channel === 'messenger' ? config.BROADCAST_RATE_MESSENGER : config.BROADCAST_RATE_ZALO;
}

/** Connection options for BullMQ's own connections (it makes and closes them). */
export function bullConnection(redisUrl: string): ConnectionOptions {
  return { url: redisUrl, maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: 'hocso-broadcast' };
}

/** The queues, for adding and removing jobs (the API process and the workers both use them). */
export class BroadcastQueues {
  readonly plan: Queue<PlanJobData>;
  readonly send: Record<PushChannel, Queue<SendJobData>>;

  constructor(config: Pick<Config, 'REDIS_URL'>, keys: Keys) {
    const options = { connection: bullConnection(config.REDIS_URL), prefix: keys.bullPrefix };
    this.plan = new Queue<PlanJobData>(PLAN_QUEUE, options);
    this.send = Object.fromEntries(PUSH_CHANNELS.map((ch) => [ch, new Queue<SendJobData>(sendQueueName(ch), options)])) as Record<
      PushChannel,
      Queue<SendJobData>
    >;
    // Connection trouble surfaces as failing adds (answered 503); keep ioredis from crashing the process.
    for (const q of [this.plan, ...Object.values(this.send)]) q.on('error', () => undefined);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.plan.close(), ...Object.values(this.send).map((q) => q.close())]);
  }
}
