/**
 * `npm run bench:broadcast [-- --n 1000000] [-- --workers 2] [-- --image]`: how fast an alert reaches
 * residents. Prints figures; asserts nothing (tests never time things).
 *
 * Seeds N residents of one commune (default 100,000; half Messenger, half Zalo; 80 % inside their
 * platform's messaging window) straight into Redis under a prefix of its own, starts the bot in this
 * process (API, processor and, by default, the broadcast workers; `--workers k` runs them in k
 * `npm run worker` processes instead), and sends one alert, approved by a second official, to a fake
 * Messenger + Zalo server with no rate limit, running in a child process of its own. Then prints:
 *  - recipients/s: residents who got the alert, over the time from approval to the last delivery;
 *  - plan → send: per batch, from the planner making it to its last resident's message accepted by the
 *    platform (p50 / p99, weighted by residents);
 *  - peak RSS of the bot process(es) during the broadcast (sampled every 200 ms).
 * `--handover-only` measures the broadcast machinery alone: planning and send jobs putting the alert
 * into residents' inboxes, with no processor delivering it. The bot's connection uses ioredis
 * auto-pipelining, as in production. Deletes its keys afterwards. Needs Redis on REDIS_URL (default redis://127.0.0.1:6379).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueEvents } from 'bullmq';
import { PUSH_CHANNELS } from '../src/broadcast/alert.js';
import { areaPaths } from '../src/broadcast/contract.js';
import { BroadcastWorkers } from '../src/broadcast/jobs.js';
import { sendQueueName, type SendJobResult } from '../src/broadcast/queues.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { newResident } from '../src/engine/state.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { createKeys } from '../src/store/keys.js';
import { connectRedis } from '../src/store/redis.js';
import { call, stores } from '../test/api/client.js';
import { dropPrefix } from '../test/helpers/redis.js';
import { startTestServer } from '../test/helpers/server.js';

/** The residents are half Messenger, half Zalo: the platforms the fake stands for (not the web chat). */
const PLATFORMS = ['messenger', 'zalo'] as const;
const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const N = Number(arg('n') ?? 100_000);
const WORKERS = Number(arg('workers') ?? 0);
const IMAGE = args.includes('--image');
/** Only the broadcast's own work: plan and send jobs into residents' inboxes, nothing delivered. */
const HANDOVER = args.includes('--handover-only');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const AREA = { province: '01', commune: '00004' };
const HOUR = 3_600_000;
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

interface FakeStats {
  residents: number;
  twice: number;
  requests: number;
  first: number;
  last: number;
  rssMb: number;
}

const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
const log = (line: string) => process.stdout.write(`${line}\n`);

/** CPU time a process used so far (user + system), in µs, from /proc (clock ticks of 10 ms). */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return 0;
  }
}

/** CPU time Redis used so far (the whole server), in µs. */
async function redisCpu(redis: Awaited<ReturnType<typeof connectRedis>>): Promise<number> {
  const info = await redis.info('cpu');
  const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (value('used_cpu_user') + value('used_cpu_sys')) * 1e6;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const prefix = `bench:broadcast:${randomUUID().slice(0, 8)}:`;
  const keys = createKeys(prefix);
  const redis = await connectRedis(REDIS_URL);

  // The platforms, in a process of their own.
  const fake = fork(`${PROJECT_ROOT}/bench/fake-platform-child.ts`, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const fakeEnv = await new Promise<Record<string, string>>((resolve) => fake.once('message', (m: { env: Record<string, string> }) => resolve(m.env)));
  const fakeStats = () =>
    new Promise<FakeStats>((resolve) => {
      fake.once('message', (m: { stats: FakeStats }) => resolve(m.stats));
      fake.send({ stats: true });
    });

  // Residents, seeded by a child process (so its buffers do not count towards the bot's memory).
  const t0 = performance.now();
  const seeder = fork(`${PROJECT_ROOT}/bench/broadcast.ts`, ['--seed', prefix, '--n', String(N)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const reachable = await new Promise<number>((resolve, reject) => {
    seeder.once('message', (m: { reachable: number }) => resolve(m.reachable));
    seeder.once('exit', (code) => (code ? reject(new Error(`seeding failed (${code})`)) : undefined));
  });
  log(`seeded ${N.toLocaleString('en')} residents (${reachable.toLocaleString('en')} inside their messaging window) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The bot.
  const env = { ...fakeEnv, BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0', BROADCAST_WORKERS: WORKERS || HANDOVER ? 'off' : 'in-process' };
  const server = await startTestServer({ prefix, redis, env, sweepMs: HANDOVER ? 3_600_000 : 500 });
  if (HANDOVER) {
    const b = server.app.broadcast;
    new BroadcastWorkers({
      redis, keys, store: b.store, audience: b.audience, queues: b.queues, config: loadConfig({ ...env, REDIS_PREFIX: prefix }),
      log: createLogger('error'), clock: Date.now, drainMaxMs: 0,
      startSending: (id) => b.service.startSending(id), maybeFinish: (id) => b.service.maybeFinish(id), reconcile: () => b.service.reconcile(),
    }).start();
  }
  const workers: ChildProcess[] = [];
  for (let w = 0; w < WORKERS; w++) {
    workers.push(
      // As `npm run worker` starts it.
      spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'src/worker.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...env, BROADCAST_WORKERS: 'in-process', REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'error' },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
  }
  const { accounts } = stores(server);
  const author = await accounts.create({ name: 'Bench author', role: 'official', area: AREA });
  const approver = await accounts.create({ name: 'Bench approver', role: 'official', area: AREA });
  const marker = `BENCH-${randomUUID().slice(0, 8)}`;
  fake.send({ marker });
  const created = await call(server, 'POST', '/alerts', {
    token: author.token,
    body: { text: { vi: `${marker} Cảnh báo: giả danh công an gọi điện yêu cầu chuyển tiền.` }, scamType: 'police', audience: { area: AREA }, ...(IMAGE ? { image: PNG_1PX } : {}) },
  });
  const id = created.json.alert.id as string;
  await call(server, 'POST', `/alerts/${id}/submit`, { token: author.token });

  let peakRss = 0;
  const sample = () => {
    const rss = process.memoryUsage().rss + workers.reduce((sum, w) => sum + (w.pid ? rssOf(w.pid) : 0), 0);
    peakRss = Math.max(peakRss, rss);
  };
  const sampler = setInterval(sample, 200);
  await sleep(WORKERS ? 2000 : 0); // let the worker processes start
  const rssBefore = process.memoryUsage().rss;
  // Plan → send, per batch, weighted by residents: from the send queues' `completed` events (a send job
  // is deleted as it finishes, SEND_JOB_OPTIONS; its result says when it was planned and how big it was,
  // and the event's id when it finished, by the Redis clock of this same machine).
  const latencies: { ms: number; n: number }[] = [];
  const events = PUSH_CHANNELS.map((ch) => {
    const q = new QueueEvents(sendQueueName(ch), { connection: server.app.broadcast.queues.connection, prefix: keys.bullPrefix });
    q.on('completed', ({ jobId, returnvalue }, eventId) => {
      const r = returnvalue as unknown as SendJobResult;
      if (jobId.startsWith(`${id}-`) && r?.plannedAt) latencies.push({ ms: Number(eventId.split('-')[0]) - r.plannedAt, n: r.residents });
    });
    return q;
  });
  await Promise.all(events.map((q) => q.waitUntilReady()));
  const startedAt = Date.now();
  const botCpu = () => { const u = process.cpuUsage(); return u.user + u.system + workers.reduce((sum, w) => sum + (w.pid ? cpuOf(w.pid) : 0), 0); };
  const cpuBefore = { bot: botCpu(), redis: await redisCpu(redis), fake: fake.pid ? cpuOf(fake.pid) : 0 };
  const approved = await call(server, 'POST', `/alerts/${id}/approve`, { token: approver.token });
  if (approved.status !== 200) throw new Error(`approve: ${JSON.stringify(approved.json)}`);

  if (HANDOVER) {
    let plan = await server.app.broadcast.store.plan(id);
    while (plan.queued < reachable) {
      await sleep(100);
      plan = await server.app.broadcast.store.plan(id);
    }
    clearInterval(sampler);
    sample();
    const s = (Date.now() - startedAt) / 1000;
    log('');
    log(`hand-over only (plan + send jobs into ${plan.queued.toLocaleString('en')} inboxes, nothing delivered), ${N.toLocaleString('en')} residents:`);
    log(`  residents/s           ${Math.round(plan.queued / s).toLocaleString('en')} (${s.toFixed(1)} s)`);
    log(`  peak RSS (bot)        ${mb(peakRss)}, ${mb(rssBefore)} before`);
    await Promise.all(events.map((q) => q.close()));
    await server.close({ keepKeys: true });
    await dropPrefix(redis, prefix);
    await redis.quit();
    fake.send({ stop: true });
    process.exit(0);
  }
  let stats = await fakeStats();
  let lastLog = performance.now();
  while (stats.residents < reachable) {
    await sleep(500);
    stats = await fakeStats();
    if (performance.now() - lastLog > 10_000) {
      const s = (Date.now() - startedAt) / 1000;
      log(`  ${stats.residents.toLocaleString('en')} / ${reachable.toLocaleString('en')} after ${s.toFixed(0)} s (${Math.round(stats.residents / s)}/s), RSS ${mb(peakRss)}`);
      lastLog = performance.now();
    }
  }
  clearInterval(sampler);
  sample();
  const cpu = {
    bot: (botCpu() - cpuBefore.bot) / stats.residents,
    redis: ((await redisCpu(redis)) - cpuBefore.redis) / stats.residents,
    fake: ((fake.pid ? cpuOf(fake.pid) : 0) - cpuBefore.fake) / stats.residents,
  };
  const seconds = (stats.last - startedAt) / 1000;
  await sleep(1000);
  const progress = (await call(server, 'GET', `/alerts/${id}/progress`, { token: author.token })).json;

  await Promise.all(events.map((q) => q.close()));
  latencies.sort((a, b) => a.ms - b.ms);
  const total = latencies.reduce((s, l) => s + l.n, 0);
  const pct = (p: number) => {
    let acc = 0;
    for (const l of latencies) if ((acc += l.n) >= p * total) return l.ms;
    return latencies.at(-1)?.ms ?? 0;
  };

  log('');
  log(`broadcast to ${N.toLocaleString('en')} residents${IMAGE ? ' (with a picture)' : ''}, ${WORKERS ? `${WORKERS} worker process(es)` : 'workers in the server process'}, no rate limit:`);
  log(`  recipients            ${stats.residents.toLocaleString('en')} (${stats.twice} twice), ${progress.notReachableNow.toLocaleString('en')} not reachable now, status ${progress.status}`);
  log(`  platform requests     ${stats.requests.toLocaleString('en')}`);
  log(`  recipients/s          ${Math.round(stats.residents / seconds).toLocaleString('en')} (${seconds.toFixed(1)} s from approval to the last delivery)`);
  log(`  CPU per recipient     bot ${Math.round(cpu.bot)} µs, Redis ${Math.round(cpu.redis)} µs, fake platform ${Math.round(cpu.fake)} µs` +
    ` (on 2 idle cores that bounds the rate at ${Math.round(2e6 / (cpu.bot + cpu.redis + cpu.fake)).toLocaleString('en')}/s${WORKERS ? '' : `, and one bot process at ${Math.round(1e6 / cpu.bot).toLocaleString('en')}/s`})`);
  log(`  plan → send           p50 ${(pct(0.5) / 1000).toFixed(2)} s, p99 ${(pct(0.99) / 1000).toFixed(2)} s (${latencies.length} batches)`);
  log(`  peak RSS (bot)        ${mb(peakRss)}${WORKERS ? ' (server + workers)' : ''}, ${mb(rssBefore)} before sending; fake platform ${stats.rssMb} MB (not counted)`);
  const info = await redis.info('memory');
  log(`  Redis used memory     ${/used_memory_human:(\S+)/.exec(info)?.[1] ?? '?'} (whole Redis)`);

  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(null) : w.once('exit', resolve)))));
  await server.close({ keepKeys: true });
  log('deleting the benchmark\'s keys…');
  await dropPrefix(redis, prefix);
  await redis.quit();
  fake.send({ stop: true });
}

/** Child mode: write N residents as the conversation leaves them (state, audience sets, contact), in pipelines. */
async function seed(prefix: string): Promise<void> {
  const keys = createKeys(prefix);
  const redis = await connectRedis(REDIS_URL);
  const now = Date.now();
  let reachable = 0;
  const CHUNK = 2000;
  for (let i = 0; i < N; i += CHUNK) {
    const p = redis.pipeline();
    for (let j = i; j < Math.min(N, i + CHUNK); j++) {
      const channel = PLATFORMS[j % 2]!;
      const id = `${channel}:${1_000_000_000 + j}`;
      const k = keys.resident(id);
      p.hset(k.state, 'rev', 1, 'doc', JSON.stringify({ ...newResident(now - 30 * 24 * HOUR, 'vi', `bench-${j}`), area: AREA }));
      const inWindow = j % 5 !== 0;
      if (inWindow) reachable++;
      p.hset(k.contact, 'lastInbound', now - (inWindow ? HOUR : 10 * 24 * HOUR));
      for (const path of areaPaths(AREA)) p.sadd(keys.audienceArea(path), id);
      p.sadd(keys.audienceChannel(channel), id);
      p.sadd(keys.audienceLocale('vi'), id);
    }
    await p.exec();
    if (i > 0 && i % 200_000 === 0) log(`  seeded ${i.toLocaleString('en')}…`);
  }
  await redis.quit();
  process.send!({ reachable });
}

const seedPrefix = arg('seed');
(seedPrefix ? seed(seedPrefix) : main()).catch((err: unknown) => {
  process.stderr.write(`bench:broadcast failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
