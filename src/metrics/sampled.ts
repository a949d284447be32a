/**
 * Gauges read from Redis when Prometheus scrapes, so they say what the whole deployment holds (every
 * process answers the same): residents waiting to be handled, review follow-ups, BullMQ queue
 * depths, the progress of each alert being sent, and how long the Zalo token pair has left.
 *
 * Label values stay few: channels, queue names and states are fixed lists, and alerts are only those
 * in the active set (scheduled or sending), at most MAX_ALERTS of them.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import { StoredPair } from '../channels/zalo/token.js';
import { errorFields, type Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import { perItem, type ScriptedRedis } from '../store/redis.js';

/** Alerts reported at once; more are sending only in an unusual deployment, and the first ones are shown. */
export const MAX_ALERTS = 50;
const QUEUE_STATES = ['waiting', 'active', 'delayed'] as const;
export const ALERT_COUNTERS = ['sent', 'failed', 'unreachable', 'notReachableNow'] as const;
/** A scrape must answer even when Redis does not. */
const SAMPLE_TIMEOUT_MS = 2000;

export interface SampledDeps {
  registry: Registry;
  redis: ScriptedRedis;
  keys: Keys;
  /** The broadcast's BullMQ queues (plan, send per channel). */
  queues: () => readonly Queue[];
  log: Logger;
  clock: () => number;
}

export function registerSampledGauges({ registry, redis, keys, queues, log, clock }: SampledDeps): void {
  // One scrape reads several gauges; a failure leaves them empty rather than failing the scrape.
  const sample = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), SAMPLE_TIMEOUT_MS);
      });
      return await Promise.race([read(), timeout]);
    } catch (err) {
      log.debug('metrics sample failed', { gauge: what, ...errorFields(err) });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
  // Every process reads the same Redis: across a cluster's workers, take one value, not their sum.
  const common = { registers: [registry], aggregator: 'first' as const };

  new Gauge({
    ...common,
    name: 'hocso_due_residents',
    help: 'Residents with webhook work waiting (inbox or outbox): due now, or later (waiting out a backoff or a Retry-After).',
    labelNames: ['when'] as const,
    async collect() {
      this.reset();
      const counts = await sample('due', async () => {
        const now = clock();
        const [[, all], [, dueNow]] = (await redis.pipeline().zcard(keys.due).zcount(keys.due, '-inf', now).exec()) as [[null, number], [null, number]];
        return { all, dueNow };
      });
      if (!counts) return;
      this.set({ when: 'now' }, counts.dueNow);
      this.set({ when: 'later' }, counts.all - counts.dueNow);
    },
  });

  new Gauge({
    ...common,
    name: 'hocso_followups_pending',
    help: 'Residents with a quiz review follow-up scheduled.',
    async collect() {
      this.reset();
      const n = await sample('followups', () => redis.zcard(keys.followups));
      if (n !== undefined) this.set(n);
    },
  });

  new Gauge({
    ...common,
    name: 'hocso_queue_jobs',
    help: 'Broadcast jobs in each BullMQ queue, by state (waiting, active, delayed).',
    labelNames: ['queue', 'state'] as const,
    async collect() {
      this.reset();
      for (const queue of queues()) {
        const counts = await sample(`queue ${queue.name}`, () => queue.getJobCounts(...QUEUE_STATES));
        for (const state of QUEUE_STATES) if (counts) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });

  new Gauge({
    ...common,
    name: 'hocso_broadcast_recipients',
    help: 'Residents of each alert being sent (or scheduled), by outcome so far: sent, failed, unreachable, notReachableNow.',
    labelNames: ['alert', 'outcome'] as const,
    async collect() {
      this.reset();
      const stats = await sample('broadcast', async () => {
        const ids = await redis.zrange(keys.alertsActive, 0, MAX_ALERTS - 1);
        // One HMGET per alert: each alert's counters are in a Redis Cluster slot of their own.
        const results = await perItem(redis, ids, (p, id) => p.hmget(keys.alertStats(id), ...ALERT_COUNTERS));
        return ids.map((id, i) => ({ id, values: (results[i] ?? []) as (string | null)[] }));
      });
      for (const { id, values } of stats ?? []) {
        ALERT_COUNTERS.forEach((outcome, i) => this.set({ alert: id, outcome }, Number(values[i] ?? 0)));
      }
    },
  });

  new Gauge({
    ...common,
    name: 'hocso_zalo_token_expires_in_seconds',
    help: 'Seconds until the stored Zalo access token and refresh token lapse (negative: lapsed). Absent without a stored pair.',
    labelNames: ['token'] as const,
    async collect() {
      this.reset();
      const raw = await sample('zalo token', () => redis.get(keys.zaloToken));
      if (!raw) return;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        return;
      }
      const pair = StoredPair.safeParse(json);
      if (!pair.success) return;
      // Only the expiry times are read: the tokens themselves never leave this function.
      const now = clock();
      this.set({ token: 'access' }, Math.round((pair.data.accessExpiresAt - now) / 1000));
      this.set({ token: 'refresh' }, Math.round((pair.data.refreshExpiresAt - now) / 1000));
    },
  });
}
