/**
 * WEB_CONCURRENCY=k: this process (the primary) runs k web processes sharing PORT (node:cluster hands
 * each new connection to the next one) and serves nothing itself but METRICS_PORT, where it sums
 * what every process counted. Every process is stateless apart from Redis, so any of them can take
 * any webhook; the processor's leases keep one resident in one process at a time.
 *
 * - Start: one process first, so a wrong setting (Redis unreachable, a broken lesson) is reported
 *   once; if it cannot start, the primary exits 1. Then the others.
 * - A process that dies later is started again after a back-off (0.5 s, doubling up to 30 s; reset
 *   once a process stays up a minute), so a crash loop does not spin.
 * - SIGTERM / SIGINT: passed on to every process, which drains and stops (http/shutdown.ts); the
 *   primary exits once they all have, 0 when they all stopped cleanly.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { primaryMetrics, serveMetrics } from './metrics/serve.js';

const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;
/** A process up this long is healthy: the back-off starts over at its next crash. */
const STABLE_AFTER_MS = 60_000;
/** Beyond the processes' own deadline, how long the primary waits before killing them. */
const KILL_GRACE_MS = 5_000;

export async function runPrimary(config: Config, log: Logger): Promise<void> {
  const wanted = config.WEB_CONCURRENCY;
  const startedAt = new Map<number, number>();
  let everReady = false;
  let stopping = false;
  let crashes = 0;
  let worstExit = 0;
  const restarts = new Set<NodeJS.Timeout>();
  let metricsServer: Server | undefined;

  const fork = (): Worker => cluster.fork();

  cluster.on('listening', (worker, address) => {
    startedAt.set(worker.id, Date.now());
    if (everReady) {
      log.info('web process started again', { worker: worker.id, pid: worker.process.pid });
      return;
    }
    if (startedAt.size === 1) {
      // The first one works: the others will too.
      for (let i = 1; i < wanted; i++) fork();
    }
    if (startedAt.size === wanted) {
      everReady = true;
      log.info('hocso cluster is listening', { port: address.port, processes: wanted });
      process.stdout.write(`\n  Học Số is ready (${wanted} processes). Open http://localhost:${address.port} to chat with the bot.\n\n`);
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const upSince = startedAt.get(worker.id);
    startedAt.delete(worker.id);
    if (stopping) {
      if (code !== 0) worstExit = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) finish(worstExit);
      return;
    }
    if (!everReady) {
      log.error('a web process could not start; stopping (its reason is above)', { code: code ?? undefined, signal: signal ?? undefined });
      stopping = true;
      worstExit = 1;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) finish(1);
      return;
    }
    if (upSince !== undefined && Date.now() - upSince > STABLE_AFTER_MS) crashes = 0;
    const delay = Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** crashes);
    crashes++;
    log.warn('a web process died; starting another', { worker: worker.id, code: code ?? undefined, signal: signal ?? undefined, delayMs: delay });
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork();
    }, delay);
    restarts.add(timer);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const t of restarts) clearTimeout(t);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    log.info('stopping the web processes', { signal, processes: workers.length });
    if (workers.length === 0) return finish(0);
    for (const w of workers) w.process.kill('SIGTERM');
    setTimeout(() => {
      const left = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      log.warn('web processes did not stop in time; killing them', { processes: left.length });
      for (const w of left) w.process.kill('SIGKILL');
    }, config.SHUTDOWN_TIMEOUT_MS + KILL_GRACE_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const finish = (code: number) => {
    const done = () => process.exit(code);
    if (!metricsServer) return done();
    metricsServer.close(done);
    metricsServer.closeAllConnections();
  };

  const source = primaryMetrics();
  metricsServer = await serveMetrics(config, log, source).catch((err: Error) => {
    process.stderr.write(err.message + '\n');
    process.exit(1);
  });
  log.info('starting web processes', { processes: wanted });
  fork();
}
