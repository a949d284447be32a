/**
 * What the broadcast workers do.
 *
 * **plan** (one job per alert): streams the audience (SSCAN of the area's set, filtered) in pages and
 * cuts the residents the platforms let us write to now into batches per channel; the others are
 * counted as "not reachable now" and never sent. It plans ahead only while the send queues have
 * room (QUEUE_AHEAD). Each page is one step recorded by a Lua script
 * (cursor, batches made, residents carried over, counters) *before* its batches are added to the send
 * queues; the batches of the last step are kept and re-added when a crashed plan job is retried,
 * except those the plan records as done (a finished send job is deleted at once, with its resident
 * ids), and their job ids are deterministic, so a batch is never lost and never queued twice while it
 * waits or runs. A planner that lost its job to another (a stall) is refused at its next step, and so
 * is one that looked at the status just before the alert was cancelled (the plan is closed then).
 *
 * **send** (one job per batch, per channel, rate-limited by its queue): checks the window again (time
 * has passed since planning) and gives the alert to its residents, a chunk of SEND_CHUNK at a time:
 * through the alert lane (`deliver`: sent before it resolves) to residents in the middle of nothing,
 * through their inboxes (`handOverToInboxes`) to the others, and then waits until those inboxes are
 * handled and outboxes attempted. Either way the alert's event id is recorded once per resident, so a
 * retried or duplicated batch delivers nobody twice; the queue's rate limit paces real platform sends,
 * a process never has more residents in flight than its jobs' chunks, and "done" means what it says.
 * The batch is counted once, by a Lua script keyed on its job id. Once the alert is done or
 * cancelled its plan is closed: the resident ids it kept are dropped (service.ts).
 *
 * Cancel: both jobs look at the alert's status before each page / each chunk of residents and stop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { Worker, type Job } from 'bullmq';
import type { Config } from '../config.js';
import { errorFields, type Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import { PUSH_CHANNELS, type Alert, type AlertStatus, type PushChannel } from './alert.js';
import type { AudienceReader } from './audience.js';
import { handOverToInboxes, type AlertDeliver } from './contract.js';
import {
  BroadcastQueues, PLAN_QUEUE, SEND_JOB_OPTIONS, channelRate, pacing, sendJobId, sendQueueName,
  type PlanJobData, type SendJobData, type SendJobResult,
} from './queues.js';
import type { AlertStore, OutgoingBatch } from './store.js';

/**
 * Flow control: the planner adds the next page's batches only while each send queue it feeds has
 * fewer than this many batches waiting (besides those being sent). So a batch waits about two
 * batches' time, plan → send stays short, windows are checked close to sending, and a cancel leaves
 * little queued. A plan job therefore lives as long as its broadcast, mostly waiting.
 */
export const QUEUE_AHEAD = 2;
/** Plan jobs one worker runs at once (each is one alert's broadcast, mostly waiting for its senders). */
export const PLAN_CONCURRENCY = 8;
const AHEAD_POLL_MS = 100;

/** Residents handed the alert at once by one send job (and between two looks at its status). */
export const SEND_CHUNK = 100;
/** Longest a send job waits for its residents' outboxes before it counts the batch as handed over. */
export const DRAIN_MAX_MS = 60_000;
const DRAIN_POLL_MS = 50;

export interface JobDeps {
  redis: ScriptedRedis;
  keys: Keys;
  store: AlertStore;
  audience: AudienceReader;
  queues: BroadcastQueues;
  config: Pick<Config, 'REDIS_URL' | 'BROADCAST_RATE_MESSENGER' | 'BROADCAST_RATE_ZALO' | 'WORKER_LOCK_MS'>;
  log: Logger;
  clock: () => number;
  /** Wake this process's processor for a resident whose inbox just got the alert. */
  kick?: (residentId: string) => void;
  /**
   * The alert lane (src/conversation/alert-lane.ts): gives the alert to residents in the middle of
   * nothing straight away and puts it in the others' inboxes; resolves with those (to wait for).
   * Without it, every resident gets it through their inbox.
   */
  deliver?: AlertDeliver;
  /** Longest wait for a chunk's outboxes (default DRAIN_MAX_MS; 0: do not wait). */
  drainMaxMs?: number;
  /** scheduled → sending (by the system); the alert afterwards. */
  startSending(alertId: string): Promise<Alert | undefined>;
  /** sending → done once planning is complete and every batch finished. */
  maybeFinish(alertId: string): Promise<void>;
  /** Make sure every scheduled or sending alert has its plan job (after a crash between status and job). */
  reconcile(): Promise<void>;
}

/** Send jobs one worker runs at once per channel: with a rate limit (one drains while the next starts), without. */
export const SEND_CONCURRENCY = { limited: 2, unlimited: 4 } as const;

/** How often each worker process checks that active alerts are being planned. */
export const RECONCILE_EVERY_MS = 30_000;

/** Thrown to have BullMQ try a job again later. */
class NotYet extends Error {
  override name = 'NotYet';
}

async function statusOf(deps: JobDeps, alertId: string): Promise<AlertStatus | undefined> {
  return (await deps.store.get(alertId))?.status;
}

async function addBatches(deps: JobDeps, alertId: string, batches: readonly OutgoingBatch[]): Promise<void> {
  for (const channel of PUSH_CHANNELS) {
    const mine = batches.filter((b) => b.channel === channel);
    if (mine.length === 0) continue;
    await deps.queues.send[channel].addBulk(
      mine.map((b) => ({
        name: 'send',
        data: { alertId, channel, batch: b.batch, residents: b.residents, plannedAt: b.plannedAt },
        opts: { ...SEND_JOB_OPTIONS, jobId: b.jobId },
      })),
    );
  }
}

export async function runPlan(deps: JobDeps, job: Pick<Job<PlanJobData>, 'data'>, closing: () => boolean = () => false): Promise<string> {
  const { alertId } = job.data;
  const { store, audience, keys, log } = deps;
  let alert = await store.get(alertId);
  if (!alert) return 'gone';
  // Not started (its submission failed half-way), or already over: nothing to plan.
  if (alert.status !== 'scheduled' && alert.status !== 'sending') return alert.status;
  if (alert.status === 'scheduled') {
    alert = await deps.startSending(alertId);
    if (alert?.status !== 'sending') return alert?.status ?? 'gone';
  }
  const sizes = Object.fromEntries(PUSH_CHANNELS.map((ch) => [ch, pacing(channelRate(deps.config, ch)).batchSize])) as Record<PushChannel, number>;
  let plan = await store.plan(alertId);
  // Batches recorded by a planner that stopped before (or just after) adding them: add them (again).
  if (plan.outgoing.length) await addBatches(deps, alertId, await notDone(deps, alertId, plan.outgoing));
  while (!plan.complete) {
    if (closing()) throw new NotYet('worker closing; planning goes on from its last step');
    if ((await statusOf(deps, alertId)) !== 'sending') return 'stopped';
    if (await sendersBusy(deps, alert)) {
      await sleep(AHEAD_POLL_MS);
      continue;
    }
    const now = deps.clock();
    const page = await audience.page(alert.audience, plan.cursor);
    const sorted = await audience.classify(page.ids, now);
    const end = page.next === '0';
    const buffers: Record<string, string[]> = {};
    const batches: Record<string, number> = { ...plan.batches };
    const outgoing: OutgoingBatch[] = [];
    let planned = 0;
    for (const ch of PUSH_CHANNELS) {
      const buffer = [...(plan.buffers[ch] ?? []), ...sorted.reachable[ch]];
      planned += sorted.reachable[ch].length;
      while (buffer.length >= sizes[ch] || (end && buffer.length > 0)) {
        const n = (batches[ch] ?? 0) + 1;
        batches[ch] = n;
        outgoing.push({ channel: ch, batch: n, jobId: sendJobId(alertId, ch, n), residents: buffer.splice(0, sizes[ch]), plannedAt: now });
      }
      buffers[ch] = buffer;
    }
    const recorded = await store.redis.broadcastPlanStep(
      keys.alertPlan(alertId), keys.alertStats(alertId),
      plan.step, page.next, JSON.stringify(outgoing), JSON.stringify(buffers), JSON.stringify(batches),
      outgoing.length, page.ids.length, planned, sorted.notReachable, end ? '1' : '0',
    );
    if (recorded === 2) return 'stopped'; // cancelled (or over) since the status was read: nothing more to plan
    if (recorded !== 1) {
      log.warn('broadcast planner superseded by another; stopping this one', { alert: alertId });
      return 'superseded';
    }
    if (outgoing.length) await addBatches(deps, alertId, outgoing);
    plan = { ...plan, step: plan.step + 1, cursor: page.next, buffers, batches, complete: end };
  }
  await deps.maybeFinish(alertId);
  return 'planned';
}

/**
 * The batches whose send job has not finished. A finished job is deleted (SEND_JOB_OPTIONS), so BullMQ
 * would take the same job id as a new job: the plan's `done:<job id>` (batch-done script) says which
 * finished. A batch finishing between this look and the add runs again, harmlessly: the residents'
 * event id keeps it to once each, and the batch-done script counts it once.
 */
async function notDone(deps: JobDeps, alertId: string, batches: readonly OutgoingBatch[]): Promise<OutgoingBatch[]> {
  const done = await deps.redis.hmget(deps.keys.alertPlan(alertId), ...batches.map((b) => `done:${b.jobId}`));
  return batches.filter((_, i) => done[i] !== '1');
}

/** Does a send queue this alert feeds already have QUEUE_AHEAD batches waiting? */
async function sendersBusy(deps: JobDeps, alert: Alert): Promise<boolean> {
  const channels = alert.audience.channel ? [alert.audience.channel] : PUSH_CHANNELS;
  const waiting = await Promise.all(channels.map((ch) => deps.queues.send[ch].getWaitingCount()));
  return waiting.some((n) => n >= QUEUE_AHEAD);
}

export async function runSend(deps: JobDeps, job: Pick<Job<SendJobData>, 'data' | 'id'>, closing: () => boolean = () => false): Promise<SendJobResult> {
  const { alertId, channel, residents, plannedAt } = job.data;
  const { redis, keys, audience, store } = deps;
  const jobId = job.id ?? sendJobId(alertId, channel, job.data.batch);
  let queued = 0;
  let notReachable = 0;
  // Chunk by chunk, each waited for: at most SEND_CHUNK residents of this job are in flight at once,
  // so a process never wakes more residents than it can serve within the platforms' timeouts.
  for (let i = 0; i < residents.length; i += SEND_CHUNK) {
    if ((await statusOf(deps, alertId)) !== 'sending') break;
    const now = deps.clock();
    const sorted = await audience.classify(residents.slice(i, i + SEND_CHUNK), now);
    notReachable += sorted.notReachable;
    const reachable = sorted.reachable[channel];
    queued += reachable.length;
    const woken = deps.deliver
      ? (await deps.deliver(alertId, reachable, now)).inbox
      : await handOverToInboxes(redis, keys, alertId, reachable, now, deps.kick);
    await waitForOutboxes(deps, alertId, woken, closing);
  }
  const [, pending, complete] = await store.redis.broadcastBatchDone(keys.alertPlan(alertId), keys.alertStats(alertId), jobId, queued, notReachable, '0');
  if (complete === 1 && pending <= 0) await deps.maybeFinish(alertId);
  return { queued, residents: residents.length, plannedAt };
}

/**
 * Wait until none of `residents` is still due now (their inbox handled and outbox attempted; a resident
 * waiting out a platform's Retry-After is due later and counts as handled for now), the alert stops
 * sending, the worker closes, or DRAIN_MAX_MS passed.
 */
async function waitForOutboxes(deps: JobDeps, alertId: string, residents: string[], closing: () => boolean): Promise<void> {
  let left = residents;
  const deadline = performance.now() + (deps.drainMaxMs ?? DRAIN_MAX_MS);
  while (left.length > 0 && performance.now() < deadline && !closing()) {
    const scores = await deps.redis.zmscore(deps.keys.due, ...left);
    const now = deps.clock();
    left = left.filter((_, i) => scores[i] !== null && Number(scores[i]) <= now);
    if (left.length === 0) return;
    if ((await statusOf(deps, alertId)) !== 'sending') return;
    await sleep(DRAIN_POLL_MS);
  }
}

/** A send batch that failed all its attempts: count it as finished (and given up), so the alert can end. */
async function gaveUp(deps: JobDeps, job: Job<SendJobData>): Promise<void> {
  const { alertId, channel, batch, residents } = job.data;
  deps.log.error('broadcast batch given up after its retries', { alert: alertId, channel, batch, residents: residents.length, ...errorFields(new Error(job.failedReason)) });
  await deps.store.note(alertId, { by: 'system', byName: 'system', action: 'batch_failed', note: `${channel} batch ${batch} (${residents.length} residents) failed: ${job.failedReason}` });
  const [, pending, complete] = await deps.store.redis.broadcastBatchDone(
    deps.keys.alertPlan(alertId), deps.keys.alertStats(alertId), job.id ?? sendJobId(alertId, channel, batch), 0, 0, '1',
  );
  if (complete === 1 && pending <= 0) await deps.maybeFinish(alertId);
}

/**
 * The workers of one process: the plan queue and each channel's send queue (with its limiter).
 * Any number of processes may run them; BullMQ shares the jobs and the limits through Redis, and a
 * job whose process died is taken over after WORKER_LOCK_MS.
 */
export class BroadcastWorkers {
  private workers: Worker[] = [];
  private closing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: JobDeps) {}

  start(): void {
    if (this.workers.length) return;
    this.closing = false;
    const { config, keys, log } = this.deps;
    const common = {
      connection: this.deps.queues.connection,
      prefix: keys.bullPrefix,
      lockDuration: config.WORKER_LOCK_MS,
      stalledInterval: config.WORKER_LOCK_MS,
      maxStalledCount: 10,
    };
    const closing = () => this.closing;
    const plan = new Worker<PlanJobData>(PLAN_QUEUE, (job) => runPlan(this.deps, job, closing), { ...common, concurrency: PLAN_CONCURRENCY });
    this.workers.push(plan);
    for (const channel of PUSH_CHANNELS) {
      const { limiter } = pacing(channelRate(config, channel));
      const send = new Worker<SendJobData>(sendQueueName(channel), (job) => runSend(this.deps, job, closing), {
        ...common,
        concurrency: limiter ? SEND_CONCURRENCY.limited : SEND_CONCURRENCY.unlimited,
        ...(limiter ? { limiter } : {}),
      });
      send.on('failed', (job) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
          gaveUp(this.deps, job).catch((err: unknown) => log.error('broadcast batch failure not recorded', errorFields(err)));
        }
      });
      this.workers.push(send);
    }
    for (const w of this.workers) {
      w.on('error', (err) => log.warn('broadcast worker error', errorFields(err)));
      w.on('failed', (job, err) => {
        if (err instanceof NotYet || err.name === 'NotYet') return;
        log.warn('broadcast job failed; BullMQ will retry it', { queue: w.name, attempts: job?.attemptsMade ?? 0, ...errorFields(err) });
      });
    }
    const reconcile = () => void this.deps.reconcile().catch((err: unknown) => log.warn('broadcast reconcile failed', errorFields(err)));
    reconcile();
    this.timer = setInterval(reconcile, RECONCILE_EVERY_MS);
    this.timer.unref();
    log.info('broadcast workers started', {
      messengerRate: config.BROADCAST_RATE_MESSENGER,
      zaloRate: config.BROADCAST_RATE_ZALO,
      lockMs: config.WORKER_LOCK_MS,
    });
  }

  get running(): boolean {
    return this.workers.length > 0;
  }

  /** Stop taking jobs; a send job in progress stops waiting for outboxes, a plan job is retried elsewhere. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    const workers = this.workers;
    this.workers = [];
    await Promise.allSettled(workers.map((w) => w.close()));
  }
}
