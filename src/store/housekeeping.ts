/**
 * Tidy-ups that every process starts but one at a time should do (old reports, residents gone from
 * the audiences): each process looks now and then, and the one that takes the job's turn does it.
 */
import type { Cluster, Redis } from 'ioredis';
import { errorFields, type Logger } from '../log.js';

/**
 * Whether this caller takes its turn at a job shared by all processes: true for one caller per
 * `forMs`. The lock is left to expire rather than released, so the job runs at most once per
 * `forMs`, and a process that died mid-job only delays it to the next turn.
 */
export async function takeTurn(redis: Redis | Cluster, lockKey: string, forMs: number, now: number): Promise<boolean> {
  return (await redis.set(lockKey, String(now), 'PX', forMs, 'NX')) === 'OK';
}

export interface HousekeepingOptions<R> {
  log: Logger;
  everyMs: number;
  /** What to log about a job's result (nothing: it did nothing worth a line, or it was not this process's turn). */
  report: (result: R | undefined) => { msg: string; fields: Record<string, number> } | undefined;
  /** The warning logged when the job failed (it is tried again at the next look). */
  failed: string;
}

/**
 * Every `everyMs`, `job` (the first time then, not at start, so a test's keys do not change under
 * it), unless the last one is still running; a failure is logged and tried again at the next look.
 * `stop` waits for a job in progress.
 */
export function startHousekeeping<R>(job: () => Promise<R | undefined>, opts: HousekeepingOptions<R>): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    // A job that outlasts the interval is not started again beside itself (and `stop` waits for it).
    if (running) return;
    running = job()
      .then((result) => {
        const line = opts.report(result);
        if (line) opts.log.info(line.msg, line.fields);
      })
      .catch((err: unknown) => opts.log.warn(opts.failed, errorFields(err)))
      .finally(() => {
        running = undefined;
      });
  }, opts.everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
