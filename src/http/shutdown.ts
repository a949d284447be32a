/**
 * Stopping a process without losing anything, on SIGTERM (an orchestrator, the cluster's primary) or
 * SIGINT (Ctrl+C):
 *
 * 1. drain: new requests get 503 + Retry-After (platforms deliver again), /readyz says draining;
 *    a cluster worker also closes its listener at once, so new connections go to its siblings;
 * 2. wait for the requests being handled (a webhook being taken in, a web turn);
 * 3. stop the app: broadcast workers (BullMQ), then the processor, which finishes the turns in
 *    progress and sends the outboxes of the residents it holds;
 * 4. close the listener, close Redis, exit 0.
 *
 * SHUTDOWN_TIMEOUT_MS bounds it all: past it the process exits 1 and what it held is taken over by
 * another process once its leases lapse (WORKER_LOCK_MS), since every piece of work lives in Redis.
 */
import type { Server } from 'node:http';
import { errorFields, type Logger } from '../log.js';
import type { Drain } from './drain.js';

export interface ShutdownDeps {
  log: Logger;
  timeoutMs: number;
  /** The main listener (absent in `npm run worker`). */
  server?: Server | undefined;
  drain?: Drain | undefined;
  /**
   * Stop listening as soon as draining starts (a cluster worker: its siblings take new connections).
   * Otherwise the listener stays open, answering 503, until the work is done: a load balancer that
   * has not yet seen /readyz fail gets a clear "try elsewhere" instead of a refused connection.
   */
  closeListenerFirst?: boolean;
  /** Listeners closed last (metrics: Prometheus may still look while the process drains). */
  extraServers?: Server[];
  /** Stops the workers, the processor and channel timers. */
  close(): Promise<void>;
  redis: { quit(): Promise<unknown> };
  exit?: (code: number) => void;
}

/** How often idle keep-alive connections are closed while requests finish. */
const IDLE_SWEEP_MS = 100;

/** Run `shutDown` on the first SIGTERM or SIGINT; later signals are ignored (the deadline still holds). */
export function stopOnSignals(deps: ShutdownDeps, extra: NodeJS.EventEmitter[] = []): void {
  let started = false;
  const stop = (reason: string) => {
    if (started) return;
    started = true;
    void shutDown(deps, reason);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A cluster worker whose primary is gone stops too: nobody hands it connections any more.
  for (const emitter of extra) emitter.once('disconnect', () => stop('primary gone'));
}

export async function shutDown(deps: ShutdownDeps, reason: string): Promise<void> {
  const { log, server, drain } = deps;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  const startedAt = Date.now();
  log.info('shutting down', { reason, timeoutMs: deps.timeoutMs, requestsInFlight: drain?.active ?? 0 });
  const deadline = setTimeout(() => {
    log.warn('shutdown deadline passed; unfinished work stays in Redis for another process', { timeoutMs: deps.timeoutMs });
    exit(1);
  }, deps.timeoutMs);
  deadline.unref();

  drain?.start();
  let sweeper: NodeJS.Timeout | undefined;
  let closed: Promise<void> = Promise.resolve();
  const closeListener = () => {
    if (!server) return;
    closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive connections would hold `close` open; busy ones get `Connection: close` on their answer.
    sweeper = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  };
  if (deps.closeListenerFirst) closeListener();
  try {
    await drain?.idle();
    await deps.close();
    if (!deps.closeListenerFirst) closeListener();
    // What is still open carries no request being handled: idle keep-alives, event streams (which reconnect elsewhere).
    server?.closeAllConnections();
    await closed;
    for (const s of deps.extraServers ?? []) {
      const done = new Promise<void>((resolve) => s.close(() => resolve()));
      s.closeAllConnections(); // Prometheus keeps its connection alive between scrapes
      await done;
    }
    await deps.redis.quit();
  } catch (err) {
    log.error('shutdown did not finish cleanly; what is left stays in Redis for another process', errorFields(err));
    clearTimeout(deadline);
    clearInterval(sweeper);
    exit(1);
    return;
  }
  clearTimeout(deadline);
  clearInterval(sweeper);
  log.info('stopped', { reason, ms: Date.now() - startedAt });
  exit(0);
}
