/**
 * How alert deliveries ended (`keys.alertStats`: sent, failed, unreachable, skipped, shown), added up
 * for a moment and written as one HINCRBY per alert and counter instead of one per resident: a
 * broadcast ends thousands of deliveries a second, in the processor and in the alert lane alike.
 * Written every few milliseconds, not per batch, so that a send the platform holds up keeps nothing
 * else uncounted: the official's progress bar moves, and a process that dies has counted what went
 * out before. Best-effort, as every counter outside a resident's slot.
 */
import type { AlertCounter } from '../broadcast/contract.js';
import { errorFields, type Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';

export class AlertCounters {
  private pending = new Map<string, Map<AlertCounter, number>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: Keys,
    private readonly log: Logger,
    private readonly everyMs = 20,
  ) {}

  add(alertId: string, counter: AlertCounter, n = 1): void {
    const counts = this.pending.get(alertId) ?? new Map<AlertCounter, number>();
    this.pending.set(alertId, counts.set(counter, (counts.get(counter) ?? 0) + n));
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.everyMs);
      this.timer.unref();
    }
  }

  /** Write what is pending; resolves once every write so far is done. Never rejects. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size > 0) {
      const pending = this.pending;
      this.pending = new Map();
      const increments = [...pending].flatMap(([alertId, counts]) => [...counts].map(([counter, n]) => this.redis.hincrby(this.keys.alertStats(alertId), counter, n)));
      const write = Promise.all(increments).then(
        () => undefined,
        (err: unknown) => this.log.warn('alert counters not recorded', errorFields(err)),
      );
      this.writes.add(write);
      void write.finally(() => this.writes.delete(write));
    }
    await Promise.all(this.writes);
  }
}
