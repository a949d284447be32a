/**
 * How long residents' scam reports are kept, and what goes when: old reports pruned hourly (one
 * process for all, under a lock), and what the store keeps under a resident's anonymous id deleted
 * with their data. ReportStore hands these to it.
 */
import type { Logger } from '../log.js';
import { startHousekeeping, takeTurn } from '../store/housekeeping.js';
import type { Keys, ReportKeys } from '../store/keys.js';
import { perItem, type ScriptedRedis } from '../store/redis.js';
import { DAY_MS, dayOf } from './time.js';

/** What one prune dropped: reports from the logs, groups from their provinces. */
export interface PruneResult {
  reports: number;
  groups: number;
}

/**
 * How long reports are kept (Decree 13/2023: no longer than the purpose needs). Officials act on a
 * wave within days; they list groups reported in the last 30 days (LIST_WINDOW_DAYS) and chart 14.
 * 90 days lets a wave that comes back after a quiet month or two still join its group (its counts,
 * its drafts and who made them), and lets an official look back over a season; longer would keep
 * residents' (masked) messages for no decision anyone makes with them. So:
 * - a report's masked text in the log is dropped REPORT_RETENTION_DAYS after it was made;
 * - a group (its sample text, signature, totals, area index entries, draft links) is dropped
 *   REPORT_RETENTION_DAYS after its last report, and its LSH buckets expire then too.
 * The per-day counts go sooner (40 days), a resident's own repeat and daily-limit keys sooner still.
 */
export const REPORT_RETENTION_DAYS = 90;
const REPORT_RETENTION_MS = REPORT_RETENTION_DAYS * DAY_MS;
/** Reports made before this are past the retention (never below 0: stream ids are unsigned). */
export const retentionCutoff = (now: number) => Math.max(0, now - REPORT_RETENTION_MS);
/** How often (at most) old reports are pruned, across every process together (the prune lock's length). */
const PRUNE_EVERY_MS = 60 * 60 * 1000;
/** How often each process asks whether a prune is due (the first run too: not at start, so a test's keys do not change under it). */
const PRUNE_CHECK_MS = 10 * 60 * 1000;
/** Days a resident's daily-count key may still exist: today, yesterday, and the day before (it expires 2 days after its last report). */
const RATE_DAYS = 3;

export class ReportRetention {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: Keys,
    private readonly clock: () => number,
  ) {}

  /**
   * A resident deleted their data: delete what the store keeps under their anonymous id, their
   * reported texts' fingerprints (`mine`, which made a repeat count once) and their daily counts
   * (`rate`), in every province that has reports (they may have changed commune since reporting), so
   * nothing here stays linked to them. Their reports themselves stay with the officials: each was
   * shared with their consent, masked, under no resident id, and goes with the retention like any other.
   */
  async forget(anonId: string, province: string): Promise<void> {
    const now = this.clock();
    const provinces = new Set(await this.redis.smembers(this.keys.reportProvinces));
    provinces.add(province);
    const days = Array.from({ length: RATE_DAYS }, (_, i) => dayOf(now - i * DAY_MS));
    // One DEL per province: its keys share the province's tag, so each DEL stays in one Cluster slot.
    await perItem(this.redis, [...provinces], (p, province) => {
      const k = this.keys.reports(province);
      p.del(k.mine(anonId), ...days.map((d) => k.rate(anonId, d)));
    });
  }

  /**
   * Prune old reports if no process did within PRUNE_EVERY_MS (the caller's timer may fire in every
   * process; the lock makes it one prune for all). Returns what was dropped, or undefined when it was
   * not this process's turn.
   */
  async pruneIfDue(): Promise<PruneResult | undefined> {
    return (await takeTurn(this.redis, this.keys.reportsPruneLock, PRUNE_EVERY_MS, this.clock())) ? this.prune() : undefined;
  }

  /**
   * Drop, in every province, the reports made more than REPORT_RETENTION_DAYS ago from the log, and
   * the groups no report joined within it (one script call per group, so Redis is never held long;
   * a group that a report joins meanwhile is kept whole). Safe to run in several processes at once.
   */
  async prune(): Promise<PruneResult> {
    const cutoff = retentionCutoff(this.clock());
    const result: PruneResult = { reports: 0, groups: 0 };
    for (const province of await this.redis.smembers(this.keys.reportProvinces)) {
      const k = this.keys.reports(province);
      result.reports += await this.redis.xtrim(k.log, 'MINID', '=', cutoff);
      // The province's own area index holds every group of it, by its last report anywhere: every
      // report counts for its province's path (the `unknown` pool's one path is `unknown` too).
      const root = province;
      const old = await this.redis.zrangebyscore(k.area(root), '-inf', `(${cutoff}`);
      if (old.length === 0) continue;
      const paths = await this.pathsOf(k, new Set(old));
      for (const id of old) {
        const others = [...(paths.get(id) ?? [])].filter((p) => p !== root);
        const keys = [k.groups, k.sigs, k.totals, k.links, k.area(root), ...others.map((p) => k.area(p))];
        result.groups += await this.redis.dropReportGroup(keys.length, ...keys, cutoff, id, root, ...others);
      }
    }
    return result;
  }

  /**
   * The area paths each of `ids` was counted in: its `<group>|<path>` (and `…|first`) totals fields,
   * in one pass over the province's totals (an hourly read, instead of a key per group to keep up).
   */
  private async pathsOf(k: ReportKeys, ids: ReadonlySet<string>): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(k.totals, cursor, 'COUNT', 1000);
      cursor = next;
      for (let i = 0; i < flat.length; i += 2) {
        const field = flat[i]!;
        const bar = field.indexOf('|');
        const id = field.slice(0, bar);
        if (bar < 0 || !ids.has(id)) continue;
        const rest = field.slice(bar + 1);
        const path = rest.endsWith('|first') ? rest.slice(0, -'|first'.length) : rest;
        out.set(id, (out.get(id) ?? new Set()).add(path));
      }
    } while (cursor !== '0');
    return out;
  }
}

/**
 * The app's prune timer: every PRUNE_CHECK_MS, `pruneIfDue` (so one process an hour prunes); a
 * failure is logged and tried again at the next check. `stop` waits for a prune in progress.
 */
export function startReportPruning(store: { pruneIfDue(): Promise<PruneResult | undefined> }, log: Logger, everyMs = PRUNE_CHECK_MS): { stop(): Promise<void> } {
  return startHousekeeping(() => store.pruneIfDue(), {
    log,
    everyMs,
    report: (done) => (done && done.reports + done.groups > 0 ? { msg: 'old reports pruned', fields: { reports: done.reports, groups: done.groups } } : undefined),
    failed: 'old reports not pruned; trying again later',
  });
}
