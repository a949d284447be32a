/**
 * Residents' reports in Redis, grouped by likeness and counted over time, per province.
 *
 * A new report (already masked, src/reports/mask.ts) goes through one Lua script
 * (src/store/lua/add-report-27.lua) so that the checks and the writes cannot interleave with another
 * report: the resident's repeat of the same text is counted once, the resident's daily limit holds,
 * and two reports of a new wave arriving together cannot both start a group. The script looks up
 * the groups sharing an LSH band bucket with the report (src/reports/minhash.ts), estimates the
 * similarity to each group's signature, and joins the best one at or above the threshold, or starts
 * a new group. A MULTI could not do this: which group to join depends on what is read inside.
 *
 * Every key of a province shares one hash tag (`{reports:<province>}`, src/store/keys.ts), so the
 * script runs unchanged on a Redis Cluster. Residents who never gave their commune report into the
 * `unknown` pool, which every official and admin may read (see the README).
 *
 * Counts are kept per area path: a report from a commune counts for the commune, its district (if
 * any) and its province, so an official of any of them sees the counts of their own area only.
 *
 * Retention (REPORT_RETENTION_DAYS): the script drops log entries older than it as it adds one, and
 * `prune` (hourly, from the app's timer) drops them in provinces nobody reports in, and drops the
 * groups no report joined within it. A resident's own keys (`mine`, `rate`) go when they delete their
 * data (`forget`); their reports stay with the officials, masked and under no resident id.
 *
 * @example
 * const store = new ReportStore(redis, keys);
 * await store.add({ anonId, area, text: maskText(raw).text, risk: 'high', signals, domains: ['vcb-secure.example'], phrases: [] });
 * const page = await store.list(scopeOf(account.area), { limit: 20, offset: 0 });
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AreaRef } from '../accounts/schema.js';
import { areaPath, areaPaths } from '../broadcast/contract.js';
import { REPORTS_PER_DAY } from '../engine/check.js';
import type { Keys, ReportKeys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import { bandBuckets, encodeSignature, shingleText, signature } from './minhash.js';
import { DAY_MS, dayOf, hourOf, isoDay, last24Hours, lastDays } from './time.js';
import { REPORT_RETENTION_DAYS, ReportRetention, retentionCutoff, type PruneResult } from './retention.js';
import { safeJson } from '../json.js';

/** The pool of residents who gave no commune. */
export const UNKNOWN_AREA = 'unknown';

export const REPORT_RISKS = ['high', 'medium', 'low'] as const;
export type ReportRisk = (typeof REPORT_RISKS)[number];

/** One warning sign the checker found, with its reason as the resident read it. */
export interface ReportSignal {
  id: string;
  vi: string;
  en: string;
}

/** A report as the conversation hands it over, after the resident consented. */
export interface NewReport {
  /** The resident's anonymous id (never their platform id): for the daily limit and repeats only. */
  anonId: string;
  /** The resident's area; absent: the `unknown` pool. */
  area?: AreaRef | undefined;
  /** The message, masked. */
  text: string;
  risk: ReportRisk;
  scamType?: string | undefined;
  signals: readonly ReportSignal[];
  /** Hosts of the links in the message that are not official addresses. */
  domains: readonly string[];
  /** The checker's quoted words (masked, without digits), offered as an alert's match phrases. */
  phrases: readonly string[];
}

export type AddResult =
  | { status: 'added'; groupId: string; isNew: boolean; similarity: number }
  | { status: 'duplicate'; groupId: string }
  | { status: 'limited' };

/** Where an official looks: a province's keys and one area path in it. */
export interface ReportScope {
  province: string;
  /** `01`, `01/026`, `01//00004`, or `unknown`. */
  path: string;
}

export interface LinkedAlert {
  alertId: string;
  by: string;
  byName: string;
  at: number;
}

export interface GroupSummary {
  id: string;
  sample: string;
  risk: ReportRisk;
  scamType?: string | undefined;
  signals: ReportSignal[];
  domains: string[];
  phrases: string[];
  /** In the scope's area: reports in the last 24 hours, the last 7 local days (today included), and ever. */
  counts: { last24h: number; last7d: number; total: number };
  /** Reports per local day in the scope's area, oldest first (the last CHART_DAYS days). */
  days: Array<{ day: string; count: number }>;
  /** First and last report in the scope's area (ms). */
  firstSeen: number;
  lastSeen: number;
  /** Draft alerts made from this group, oldest first. */
  alerts: LinkedAlert[];
}

export interface GroupDetail extends GroupSummary {
  /** Reports of the group in the scope's area, newest first (masked): how the wave varies. */
  recent: Array<{ at: number; text: string }>;
  /** Reports in the whole province (or pool), every area. */
  provinceCount: number;
}

export interface ReportStoreOptions {
  /** Reports one resident may make per local day (default REPORTS_PER_DAY, which the conversation also tells residents). */
  dailyLimit?: number;
  /** Least estimated similarity for a report to join a group (default 0.5). */
  threshold?: number;
}

export const CHART_DAYS = 14;
/** Groups are listed when reported in the area within this long. */
export const LIST_WINDOW_DAYS = 30;
/** At most this many groups are looked at for one list (the most recently reported). */
const LIST_MAX_GROUPS = 500;
const DAY_TTL_S = 40 * 24 * 3600;
const MINE_TTL_S = 30 * 24 * 3600;
const RATE_TTL_S = 2 * 24 * 3600;
/** A bucket whose last report is past the retention only leads to groups that are dropped too. */
const BAND_TTL_S = REPORT_RETENTION_DAYS * 24 * 3600;
const LOG_MAX = 20_000;
const MAX_CANDIDATES = 64;
const RECENT_SCAN = 2_000;
const RECENT_MAX = 10;

/** A list Redis's cjson wrote as `{}` (an empty Lua table) is an empty list. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v && typeof v === 'object' && !Array.isArray(v) ? [] : v ?? []), z.array(item));

const StoredGroup = z.object({
  id: z.string(),
  first: z.number(),
  last: z.number(),
  count: z.number(),
  sample: z.string(),
  risk: z.enum(REPORT_RISKS),
  scamType: z.string().optional(),
  signals: list(z.object({ id: z.string(), vi: z.string(), en: z.string() })),
  domains: list(z.string()),
  phrases: list(z.string()),
});
type StoredGroup = z.infer<typeof StoredGroup>;

const StoredLink = z.object({ alertId: z.string(), by: z.string(), byName: z.string(), at: z.number() });

/** The scope a resident's report goes to, with every area path it counts for. */
export function reportPlace(area: AreaRef | undefined): { province: string; paths: string[] } {
  return area ? { province: area.province, paths: areaPaths(area) } : { province: UNKNOWN_AREA, paths: [UNKNOWN_AREA] };
}

/** What an official of `area` sees (`undefined`: the unknown pool). */
export function scopeOf(area: AreaRef | undefined): ReportScope {
  return area ? { province: area.province, path: areaPath(area) } : { province: UNKNOWN_AREA, path: UNKNOWN_AREA };
}

/** The province a group id belongs to (`01-17` → `01`, `unknown-3` → `unknown`). */
export function provinceOfGroup(id: string): string {
  return id.slice(0, id.lastIndexOf('-'));
}

/** Does a report made at area path `reported` count for an official looking at `scopePath`? */
export function pathCovers(scopePath: string, reported: string): boolean {
  return reported === scopePath || reported.startsWith(`${scopePath}/`);
}


export class ReportStore {
  private readonly dailyLimit: number;
  private readonly threshold: number;
  private readonly retention: ReportRetention;

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: Keys,
    private readonly clock: () => number = Date.now,
    options: ReportStoreOptions = {},
  ) {
    this.dailyLimit = options.dailyLimit ?? REPORTS_PER_DAY;
    this.threshold = options.threshold ?? 0.5;
    this.retention = new ReportRetention(redis, keys, clock);
  }

  /** Take one report in; see AddResult. */
  async add(report: NewReport): Promise<AddResult> {
    const now = this.clock();
    const place = reportPlace(report.area);
    const k = this.keys.reports(place.province);
    const sig = signature(report.text);
    const day = dayOf(now);
    const fingerprint = createHash('sha256').update(shingleText(report.text)).digest('hex').slice(0, 32);
    const areaKeys = [0, 1, 2].map((i) => k.area(place.paths[i] ?? place.paths[0]!));
    const bandKeys = bandBuckets(sig).map((bucket, band) => k.band(band, bucket));
    const json = JSON.stringify({
      text: report.text,
      risk: report.risk,
      ...(report.scamType ? { scamType: report.scamType } : {}),
      signals: report.signals.map(({ id, vi, en }) => ({ id, vi, en })),
      domains: [...new Set(report.domains)],
      phrases: [...new Set(report.phrases)],
    });
    // Named before the report is written, so a crash in between cannot leave a province the prune
    // and residents' deletions never look at (a province named with nothing in it costs nothing).
    await this.redis.sadd(this.keys.reportProvinces, place.province);
    const [status, groupId, isNew, similarity] = await this.redis.addReport(
      k.groups, k.sigs, k.seq, k.totals, k.log, k.day(day), k.mine(report.anonId), k.rate(report.anonId, day), ...areaKeys, ...bandKeys,
      now, fingerprint, this.dailyLimit, this.threshold, encodeSignature(sig),
      place.paths.length, place.paths[0]!, place.paths[1] ?? '', place.paths[2] ?? '', hourOf(now), place.province, json,
      DAY_TTL_S, MINE_TTL_S, RATE_TTL_S, BAND_TTL_S, LOG_MAX, MAX_CANDIDATES, retentionCutoff(now),
    );
    if (status === 'limited') return { status };
    if (status === 'duplicate') return { status, groupId };
    return { status: 'added', groupId, isNew: Number(isNew) === 1, similarity: Number(similarity) / 1000 };
  }

  /**
   * The groups reported in the scope's area in the last 30 days, most reported in the last 24 hours
   * first (then the last 7 days, then the most recent), `limit` from `offset`; and how many there are.
   */
  async list(scope: ReportScope, page: { limit: number; offset: number }): Promise<{ total: number; groups: GroupSummary[] }> {
    const now = this.clock();
    const k = this.keys.reports(scope.province);
    const ids = await this.redis.zrevrangebyscore(k.area(scope.path), '+inf', now - LIST_WINDOW_DAYS * DAY_MS, 'LIMIT', 0, LIST_MAX_GROUPS);
    const all = await this.summaries(k, scope, ids, now);
    all.sort((a, b) => b.counts.last24h - a.counts.last24h || b.counts.last7d - a.counts.last7d || b.lastSeen - a.lastSeen);
    return { total: all.length, groups: all.slice(page.offset, page.offset + page.limit) };
  }

  /** One group, if it was ever reported in the scope's area. */
  async get(scope: ReportScope, id: string): Promise<GroupDetail | undefined> {
    if (provinceOfGroup(id) !== scope.province) return undefined;
    const now = this.clock();
    const k = this.keys.reports(scope.province);
    if ((await this.redis.zscore(k.area(scope.path), id)) === null) return undefined;
    // In this area: the rest is read at once.
    const [[summary], entries, stored] = await Promise.all([
      this.summaries(k, scope, [id], now),
      this.redis.xrevrange(k.log, '+', '-', 'COUNT', RECENT_SCAN),
      this.redis.hget(k.groups, id),
    ]);
    if (!summary) return undefined;
    const recent: GroupDetail['recent'] = [];
    for (const [, fields] of entries) {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      if (f.g !== id || !f.p || !pathCovers(scope.path, f.p)) continue;
      recent.push({ at: Number(f.at), text: f.t ?? '' });
      if (recent.length >= RECENT_MAX) break;
    }
    const group = StoredGroup.safeParse(safeJson(stored));
    return { ...summary, recent, provinceCount: group.success ? group.data.count : summary.counts.total };
  }

  /** See ReportRetention (retention.ts): a deleted resident's keys, and old reports. */
  forget(anonId: string, area: AreaRef | undefined): Promise<void> {
    return this.retention.forget(anonId, reportPlace(area).province);
  }

  pruneIfDue(): Promise<PruneResult | undefined> {
    return this.retention.pruneIfDue();
  }

  prune(): Promise<PruneResult> {
    return this.retention.prune();
  }

  /** Remember that a draft alert was made from a group. */
  async linkAlert(id: string, link: LinkedAlert): Promise<void> {
    const k = this.keys.reports(provinceOfGroup(id));
    await this.redis.hset(k.links, `${id}|${link.alertId}`, JSON.stringify(link));
  }

  private async summaries(k: ReportKeys, scope: ReportScope, ids: readonly string[], now: number): Promise<GroupSummary[]> {
    if (ids.length === 0) return [];
    const path = scope.path;
    const field = (id: string) => `${id}|${path}`;
    const days = lastDays(now, CHART_DAYS);
    const hours = last24Hours(now);
    const hourDays = [...new Set(hours.map(([d]) => d))];
    const p = this.redis.pipeline();
    for (const d of days) p.hmget(k.day(d), ...ids.map(field));
    for (const d of hourDays) {
      const fields = hours.filter(([hd]) => hd === d).flatMap(([, h]) => ids.map((id) => `${field(id)}|${h}`));
      p.hmget(k.day(d), ...fields);
    }
    p.hmget(k.totals, ...ids.flatMap((id) => [field(id), `${field(id)}|first`]));
    p.hmget(k.groups, ...ids);
    p.zmscore(k.area(path), ...ids);
    p.hgetall(k.links);
    const results = ((await p.exec()) ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const dayCounts = results.slice(0, days.length) as Array<Array<string | null>>;
    const hourCounts = results.slice(days.length, days.length + hourDays.length) as Array<Array<string | null>>;
    const [totals, groups, lastSeen, links] = results.slice(days.length + hourDays.length) as [
      Array<string | null>, Array<string | null>, Array<string | null>, Record<string, string>,
    ];
    const linksOf = new Map<string, LinkedAlert[]>();
    for (const [key, raw] of Object.entries(links)) {
      const parsed = StoredLink.safeParse(safeJson(raw));
      if (!parsed.success) continue;
      const gid = key.slice(0, key.indexOf('|'));
      linksOf.set(gid, [...(linksOf.get(gid) ?? []), parsed.data]);
    }
    const n = (v: string | null | undefined) => Number(v ?? 0) || 0;
    const out: GroupSummary[] = [];
    ids.forEach((id, i) => {
      const group = StoredGroup.safeParse(safeJson(groups[i]));
      if (!group.success) return;
      const g: StoredGroup = group.data;
      const perDay = days.map((day, d) => ({ day: isoDay(day), count: n(dayCounts[d]![i]) }));
      let last24h = 0;
      hourDays.forEach((d, di) => {
        const hoursOfDay = hours.filter(([hd]) => hd === d).length;
        for (let h = 0; h < hoursOfDay; h++) last24h += n(hourCounts[di]![h * ids.length + i]);
      });
      out.push({
        id,
        sample: g.sample,
        risk: g.risk,
        ...(g.scamType ? { scamType: g.scamType } : {}),
        signals: g.signals,
        domains: g.domains,
        phrases: g.phrases,
        counts: { last24h, last7d: perDay.slice(-7).reduce((s, x) => s + x.count, 0), total: n(totals[2 * i]) },
        days: perDay,
        firstSeen: n(totals[2 * i + 1]) || g.first,
        lastSeen: n(lastSeen[i]) || g.last,
        alerts: (linksOf.get(id) ?? []).sort((a, b) => a.at - b.at),
      });
    });
    return out;
  }
}
