/**
 * What a broadcast keeps about residents once it is over: no send job (each names up to 500
 * residents) outlives its batch, and the plan's resident lists (the batches recorded last, the
 * residents carried over) go when the alert is done or cancelled. And why that stays safe: finished
 * jobs used to be kept so that a planner resumed after a crash could not queue a batch again; now the
 * plan says which batches finished, and a batch that does run twice still reaches nobody twice.
 * Real Redis and BullMQ; the plan and send jobs run as the workers run them (runPlan, runSend), the
 * send jobs through real BullMQ Workers so the queues' removal options apply. No processor: an alert
 * handed over is in the resident's inbox.
 */
import { Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreas } from '../../src/accounts/areas.js';
import type { Account, AreaRef } from '../../src/accounts/schema.js';
import { PUSH_CHANNELS, type Alert, type PushChannel } from '../../src/broadcast/alert.js';
import { createBroadcast, type Broadcast } from '../../src/broadcast/index.js';
import { BroadcastWorkers, runPlan, runSend, type JobDeps } from '../../src/broadcast/jobs.js';
import { SEND_JOB_OPTIONS, sendJobId, sendQueueName, type SendJobData } from '../../src/broadcast/queues.js';
import { loadConfig } from '../../src/config.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { createLogger } from '../../src/log.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { createKeys, type Keys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { HOUR, jobDepsOf, seedResidents, sendingAlert as sendingAlertIn, waitUntil, type Seeded } from './seed.js';

const AREA: AreaRef = { province: '01', commune: '08980' };
const prefix = uniquePrefix('retention');
const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));
const config = loadConfig({ REDIS_PREFIX: prefix, BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0' });
const official: Account = {
  id: 'abcdefghij', name: 'Chị Lan', role: 'official', area: AREA, disabled: false, createdAt: 0, tokenHash: '0'.repeat(64),
};
let redis: ScriptedRedis;
let keys: Keys;
let broadcast: Broadcast;
let residents: Seeded[];
const now = Date.parse('2026-06-01T08:00:00Z');

function jobDeps(more: Partial<JobDeps> = {}): JobDeps {
  return jobDepsOf(broadcast, { redis, keys, config, clock: () => now }, more);
}

function sendingAlert(): Promise<Alert> {
  return sendingAlertIn(broadcast, AREA, now, official);
}

/** Run the waiting send job of one channel through a BullMQ Worker, as the workers do, until it finished. */
async function sendOne(channel: PushChannel, jobId: string): Promise<void> {
  const worker = new Worker<SendJobData>(sendQueueName(channel), (job) => runSend(jobDeps(), job), {
    connection: broadcast.queues.connection, prefix: keys.bullPrefix, autorun: false,
  });
  const finished = new Promise<void>((resolve, reject) => {
    worker.on('completed', (job) => job.id === jobId && resolve());
    worker.on('failed', (job, err) => job?.id === jobId && reject(err));
  });
  void worker.run();
  try {
    await finished;
  } finally {
    await worker.close();
  }
}

/** Every job of the alert in the send queues, in any state. */
async function sendJobs(alertId: string): Promise<Job<SendJobData>[]> {
  const all = await Promise.all(
    PUSH_CHANNELS.map((ch) => broadcast.queues.send[ch].getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'])),
  );
  return all.flat().filter((j) => j.data.alertId === alertId);
}

/** The alert's plan hash as stored, field by field. */
const planHash = (id: string) => redis.hgetall(keys.alertPlan(id));
/** Any of our residents' ids in a text. */
const namesResidents = (text: string) => residents.some((r) => text.includes(r.id));
const inboxes = (rs: readonly Seeded[]) => Promise.all(rs.map((r) => redis.zcard(keys.resident(r.id).inbox)));

beforeAll(async () => {
  redis = await testRedis();
  keys = createKeys(prefix);
  broadcast = createBroadcast({ config, redis, keys, areas: loadAreas(), flows, log: createLogger('silent'), clock: () => now });
  residents = await seedResidents(
    redis, keys, Array.from({ length: 12 }, (_, i) => ({ channel: i % 2 ? 'zalo' : 'messenger', area: AREA, lastWroteAgo: HOUR })), now,
  );
});

afterAll(async () => {
  await broadcast.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('a broadcast keeps no resident ids once it is over', () => {
  it('a finished send job is deleted; a planner resumed after a crash re-adds only the unfinished batches; a batch run twice reaches nobody twice', async () => {
    const alert = await sendingAlert();
    const [messengerJob, zaloJob] = [sendJobId(alert.id, 'messenger', 1), sendJobId(alert.id, 'zalo', 1)];
    const onMessenger = residents.filter((r) => r.channel === 'messenger');
    expect(await runPlan(jobDeps(), { data: { alertId: alert.id } })).toBe('planned');
    expect((await sendJobs(alert.id)).map((j) => j.id).sort()).toEqual([messengerJob, zaloJob]);
    const messengerData = (await broadcast.queues.send.messenger.getJob(messengerJob))!.data;

    // The Messenger batch runs and finishes: its job, with its resident ids, is gone at once.
    await sendOne('messenger', messengerJob);
    expect(await inboxes(onMessenger)).toEqual(onMessenger.map(() => 1));
    expect((await sendJobs(alert.id)).map((j) => j.id)).toEqual([zaloJob]);

    // The plan job is retried (its worker died after the last step, before it could end): the plan
    // still lists both batches of that step, but the Messenger one is recorded done, so it is not
    // queued again (BullMQ would take its id as a new job, now that the finished one is deleted).
    expect(await runPlan(jobDeps(), { data: { alertId: alert.id } })).toBe('planned');
    expect((await sendJobs(alert.id)).map((j) => j.id)).toEqual([zaloJob]);

    // Had it been queued again (it finished in the instant between the look and the add), running it
    // twice changes nothing: every resident has the alert once, and the batch counted once.
    const before = await broadcast.store.plan(alert.id);
    await runSend(jobDeps(), { id: messengerJob, data: messengerData });
    expect(await inboxes(onMessenger)).toEqual(onMessenger.map(() => 1));
    expect(await broadcast.store.plan(alert.id)).toMatchObject({ pending: before.pending, queued: before.queued });

    // The last batch finishes: the alert is done, nothing of it names a resident any more.
    await sendOne('zalo', zaloJob);
    expect((await broadcast.store.get(alert.id))?.status).toBe('done');
    expect(await sendJobs(alert.id)).toEqual([]);
    const plan = await planHash(alert.id);
    expect(plan).not.toHaveProperty('outgoing');
    expect(plan).not.toHaveProperty('buffers');
    expect(namesResidents(JSON.stringify(plan))).toBe(false);
    // What the progress and results read is all still there.
    expect(await broadcast.store.plan(alert.id)).toMatchObject({ complete: true, pending: 0, queued: residents.length, batchesPlanned: 2 });
    expect(await inboxes(residents)).toEqual(residents.map(() => 1));
  });

  it('a batch that gives up after its retries is counted and noted, and its job is not kept either', async () => {
    const alert = await sendingAlert();
    expect(await runPlan(jobDeps(), { data: { alertId: alert.id } })).toBe('planned');
    // One attempt each instead of ten spread over minutes; the rest of the options as the planner gives them.
    for (const job of await sendJobs(alert.id)) {
      await job.remove();
      await broadcast.queues.send[job.data.channel].add('send', job.data, { ...SEND_JOB_OPTIONS, attempts: 1, jobId: job.id! });
    }
    // The workers as a process runs them, with a platform that refuses everything.
    const workers = new BroadcastWorkers(jobDeps({ deliver: async () => Promise.reject(new Error('platform down')) }));
    workers.start();
    try {
      await waitUntil('both batches given up and the alert over', async () => (await broadcast.store.get(alert.id))?.status === 'done', 30_000);
    } finally {
      await workers.close();
    }
    expect(await broadcast.store.plan(alert.id)).toMatchObject({ batchesFailed: 2, pending: 0 });
    expect((await broadcast.store.audit(alert.id)).filter((e) => e.action === 'batch_failed')).toHaveLength(2);
    expect(await sendJobs(alert.id)).toEqual([]);
    expect(namesResidents(JSON.stringify(await planHash(alert.id)))).toBe(false);
  });

  it('cancelling clears the plan\'s resident lists, and a planner that read "sending" just before cannot write them back', async () => {
    const alert = await sendingAlert();
    expect(await runPlan(jobDeps(), { data: { alertId: alert.id } })).toBe('planned');
    const plan = await broadcast.store.plan(alert.id);
    expect(namesResidents(JSON.stringify(plan.outgoing))).toBe(true);

    expect((await broadcast.service.cancel(official, alert.id)).status).toBe('cancelled');
    const stored = await planHash(alert.id);
    expect(stored).not.toHaveProperty('outgoing');
    expect(namesResidents(JSON.stringify(stored))).toBe(false);
    await waitUntil('its queued batches removed', async () => (await sendJobs(alert.id)).length === 0, 10_000);

    // A planner that passed its status check before the cancel, and now records its next page:
    const step = await redis.hget(keys.alertPlan(alert.id), 'step');
    const refused = await broadcast.store.redis.broadcastPlanStep(
      keys.alertPlan(alert.id), keys.alertStats(alert.id), Number(step), '0',
      JSON.stringify([{ channel: 'messenger', batch: 2, jobId: sendJobId(alert.id, 'messenger', 2), residents: [residents[0]!.id], plannedAt: now }]),
      JSON.stringify({ zalo: [residents[1]!.id] }), JSON.stringify({ messenger: 2 }), 1, 2, 2, 0, '1',
    );
    expect(refused).toBe(2);
    expect(namesResidents(JSON.stringify(await planHash(alert.id)))).toBe(false);
  });

  it('an alert over whose plan was left open (its process stopped in between) is closed by the workers\' reconcile', async () => {
    const alert = await sendingAlert();
    expect(await runPlan(jobDeps(), { data: { alertId: alert.id } })).toBe('planned');
    await broadcast.store.update(alert.id, (a) => ({ alert: { ...a, status: 'done' } }));
    await redis.zadd(keys.alertsActive, now, alert.id);
    expect(namesResidents(JSON.stringify(await planHash(alert.id)))).toBe(true);

    await broadcast.service.reconcile();
    expect(namesResidents(JSON.stringify(await planHash(alert.id)))).toBe(false);
    expect(await redis.zscore(keys.alertsActive, alert.id)).toBeNull();
    // (Its batches, still queued here, are dropped as any queued batch of an over alert: they run, find it over, and are deleted.)
    for (const job of await sendJobs(alert.id)) await job.remove();
  });

  it('finished send jobs kept by an older version are deleted by the workers\' reconcile', async () => {
    const queue = broadcast.queues.send.messenger;
    const data: SendJobData = { alertId: 'oldoldoldold', channel: 'messenger', batch: 1, residents: [residents[0]!.id], plannedAt: now };
    // As the options before this change kept them: an hour, or the last 10,000.
    await queue.add('send', data, { ...SEND_JOB_OPTIONS, jobId: 'oldoldoldold-messenger-1', removeOnComplete: { age: 3600, count: 10_000 } });
    const worker = new Worker<SendJobData>(sendQueueName('messenger'), async () => 'queued 1', {
      connection: broadcast.queues.connection, prefix: keys.bullPrefix, autorun: false,
    });
    const done = new Promise<void>((resolve) => worker.on('completed', () => resolve()));
    void worker.run();
    await done;
    await worker.close();
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 1 });

    await broadcast.service.reconcile();
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 0 });
  });
});
