/**
 * The reports store on real Redis (own prefix, injected clock): grouping by likeness, counts per day
 * and hour in the area, the daily limit, a resident's repeat counted once, area scoping, the
 * unknown pool, linked alerts, and retention (old reports and groups dropped, a resident's keys
 * deleted with their data).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { maskText } from '../../src/reports/mask.js';
import { bandBuckets, signature } from '../../src/reports/minhash.js';
import { ReportStore, scopeOf, type NewReport } from '../../src/reports/store.js';
import { REPORT_RETENTION_DAYS, startReportPruning } from '../../src/reports/retention.js';
import { dayOf } from '../../src/reports/time.js';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { waitUntil } from '../broadcast/seed.js';
import { memoryLog } from '../helpers/memory-log.js';
import { dropPrefix, keysUnder, testRedis, uniquePrefix } from '../helpers/redis.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 10:00 in Vietnam on 25 November 2026. */
const T0 = Date.UTC(2026, 10, 25, 3, 0, 0);

const HERE = { province: '02', district: '026', commune: '00715' };
const NEIGHBOUR = { province: '02', district: '026', commune: '00716' };
const OTHER_PROVINCE = { province: '01', commune: '00004' };

const WAVE = [
  'Tài khoản Vietcombank của bạn bị tạm khóa. Đăng nhập tại vcb-secure.example để mở khóa trong 24h. Hotline 0912345678',
  'Tai khoan Vietcombank cua ban bi tam khoa. Dang nhap tai vcb-secure.example de mo khoa trong 24h. Hotline 0987 654 321',
  'Tài khoản  Vietcombank của bạn bị tạm khoá.  Đăng nhập tại vcb-secure.example để mở khoá trong 24 giờ. Hotline 0911.222.333',
];
const OTHER = 'Chúc mừng bạn trúng thưởng xe máy Honda SH, nộp phí 500.000đ qua số tài khoản 1903456789012 để nhận giải';

let redis: ScriptedRedis;
let prefix: string;
let now = T0;
let store: ReportStore;

beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  if (prefix) await dropPrefix(redis, prefix);
  await redis.quit();
});
beforeEach(async () => {
  if (prefix) await dropPrefix(redis, prefix);
  prefix = uniquePrefix('reports');
  now = T0;
  store = new ReportStore(redis, createKeys(prefix), () => now, { dailyLimit: 5 });
});

function report(text: string, anonId = 'anon-a', area: NewReport['area'] | null = HERE): NewReport {
  return {
    anonId, area: area ?? undefined, text: maskText(text).text, risk: 'high', scamType: 'bank',
    signals: [{ id: 'threat.lock', vi: 'Doạ khoá tài khoản', en: 'Threatens to lock the account' }],
    domains: ['vcb-secure.example'], phrases: ['tạm khóa'],
  };
}

describe('grouping', () => {
  it('variants of one wave (other numbers, spacing, diacritics) join one group; a different scam starts another', async () => {
    const first = await store.add(report(WAVE[0]!, 'a'));
    expect(first).toMatchObject({ status: 'added', isNew: true, groupId: '02-1' });
    for (const [i, text] of WAVE.slice(1).entries()) {
      const r = await store.add(report(text, `b${i}`));
      expect(r).toMatchObject({ status: 'added', isNew: false, groupId: '02-1' });
    }
    const other = await store.add({ ...report(OTHER, 'c'), risk: 'medium', scamType: 'prize', domains: [], phrases: [] });
    expect(other).toMatchObject({ status: 'added', isNew: true, groupId: '02-2' });

    const { total, groups } = await store.list(scopeOf(HERE), { limit: 10, offset: 0 });
    expect(total).toBe(2);
    expect(groups.map((g) => [g.id, g.counts.total])).toEqual([['02-1', 3], ['02-2', 1]]);
    const wave = groups[0]!;
    expect(wave.sample).toContain('[SĐT]');
    expect(wave.sample).not.toContain('0912345678');
    expect(wave.domains).toEqual(['vcb-secure.example']);
    expect(wave.signals.map((s) => s.id)).toEqual(['threat.lock']);
    expect(wave).toMatchObject({ risk: 'high', scamType: 'bank', phrases: ['tạm khóa'], alerts: [] });
    expect(groups[1]!.sample).toContain('[STK]');
    expect(groups[1]!.sample).toContain('500.000đ');
  });

  it('two reports of a new wave at the same moment make one group (the script is atomic)', async () => {
    const results = await Promise.all(WAVE.map((text, i) => store.add(report(text, `r${i}`))));
    expect(new Set(results.map((r) => (r.status === 'added' ? r.groupId : '')))).toEqual(new Set(['02-1']));
    expect(results.filter((r) => r.status === 'added' && r.isNew)).toHaveLength(1);
  });
});

describe('counting over time', () => {
  it('counts per day and hour: the last 24 hours, the last 7 days, in total; the chart per day; first and last seen', async () => {
    now = T0 - 10 * DAY;
    await store.add(report(WAVE[0]!, 'a'));
    now = T0 - 3 * DAY;
    await store.add(report(WAVE[1]!, 'b'));
    now = T0 - 30 * HOUR;
    await store.add(report(WAVE[2]!, 'c'));
    now = T0 - 2 * HOUR;
    await store.add(report(WAVE[0]!, 'd'));
    now = T0;
    await store.add(report(WAVE[1]!, 'e'));
    const [g] = (await store.list(scopeOf(HERE), { limit: 10, offset: 0 })).groups;
    expect(g!.counts).toEqual({ last24h: 2, last7d: 4, total: 5 });
    expect(g!.days).toHaveLength(14);
    expect(g!.days.at(-1)).toEqual({ day: '2026-11-25', count: 2 });
    expect(g!.days.find((d) => d.day === '2026-11-22')?.count).toBe(1);
    expect(g!.days.find((d) => d.day === '2026-11-15')?.count).toBe(1);
    expect(g!.firstSeen).toBe(T0 - 10 * DAY);
    expect(g!.lastSeen).toBe(T0);
  });

  it('sorts by the last 24 hours, then the last 7 days; pages', async () => {
    now = T0 - 5 * DAY;
    for (const id of ['a', 'b', 'c']) await store.add(report(`${WAVE[0]} ${id}`, id));
    now = T0;
    await store.add(report(OTHER, 'd'));
    const first = await store.list(scopeOf(HERE), { limit: 1, offset: 0 });
    expect(first.total).toBe(2);
    expect(first.groups.map((g) => g.id)).toEqual(['02-2']);
    const second = await store.list(scopeOf(HERE), { limit: 1, offset: 1 });
    expect(second.groups.map((g) => [g.id, g.counts.last7d])).toEqual([['02-1', 3]]);
  });
});

describe('one resident', () => {
  it('the same text reported twice by the same resident counts once; by another resident, twice', async () => {
    expect(await store.add(report(WAVE[0]!, 'a'))).toMatchObject({ status: 'added' });
    expect(await store.add(report(`  ${WAVE[0]!.toUpperCase()} `, 'a'))).toEqual({ status: 'duplicate', groupId: '02-1' });
    expect(await store.add(report(WAVE[0]!, 'b'))).toMatchObject({ status: 'added', groupId: '02-1' });
    const [g] = (await store.list(scopeOf(HERE), { limit: 10, offset: 0 })).groups;
    expect(g!.counts.total).toBe(2);
  });

  it('at most the daily limit per resident; the next day they may report again', async () => {
    for (let i = 0; i < 5; i++) expect(await store.add(report(`${OTHER} lần ${'x'.repeat(i + 1)}`, 'flood'))).toMatchObject({ status: 'added' });
    expect(await store.add(report(WAVE[0]!, 'flood'))).toEqual({ status: 'limited' });
    expect(await store.add(report(WAVE[0]!, 'someone-else'))).toMatchObject({ status: 'added' });
    now = T0 + DAY;
    expect(await store.add(report(WAVE[1]!, 'flood'))).toMatchObject({ status: 'added' });
  });
});

describe('areas', () => {
  it('a commune\'s report counts for its commune, district and province; not for a neighbour commune or another province', async () => {
    await store.add(report(WAVE[0]!, 'a', HERE));
    await store.add(report(WAVE[1]!, 'b', NEIGHBOUR));
    await store.add(report(WAVE[2]!, 'c', OTHER_PROVINCE));
    const counts = async (area: Parameters<typeof scopeOf>[0]) =>
      (await store.list(scopeOf(area), { limit: 10, offset: 0 })).groups.map((g) => [g.id, g.counts.total]);
    expect(await counts(HERE)).toEqual([['02-1', 1]]);
    expect(await counts(NEIGHBOUR)).toEqual([['02-1', 1]]);
    expect(await counts({ province: '02', district: '026' })).toEqual([['02-1', 2]]);
    expect(await counts({ province: '02' })).toEqual([['02-1', 2]]);
    expect(await counts({ province: '01' })).toEqual([['01-1', 1]]);
    expect(await store.get(scopeOf(HERE), '01-1')).toBeUndefined();
    expect(await store.get(scopeOf({ province: '02', district: '027' }), '02-1')).toBeUndefined();
  });

  it('residents without a commune report into the unknown pool', async () => {
    expect(await store.add(report(WAVE[0]!, 'a', null))).toMatchObject({ status: 'added', groupId: 'unknown-1' });
    expect((await store.list(scopeOf(undefined), { limit: 10, offset: 0 })).groups.map((g) => g.id)).toEqual(['unknown-1']);
    expect((await store.list(scopeOf(HERE), { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('the detail lists the recent variants reported in the area, and the drafts made from the group', async () => {
    await store.add(report(WAVE[0]!, 'a', HERE));
    now += 1000;
    await store.add(report(WAVE[1]!, 'b', NEIGHBOUR));
    await store.linkAlert('02-1', { alertId: 'abcdefabcdef', by: 'acc0000001', byName: 'Chị Lan', at: now });
    const here = await store.get(scopeOf(HERE), '02-1');
    expect(here?.recent.map((r) => r.text)).toEqual([maskText(WAVE[0]!).text]);
    expect(here?.provinceCount).toBe(2);
    expect(here?.alerts).toEqual([{ alertId: 'abcdefabcdef', by: 'acc0000001', byName: 'Chị Lan', at: now }]);
    const district = await store.get(scopeOf({ province: '02', district: '026' }), '02-1');
    expect(district?.recent).toHaveLength(2);
    expect(district?.recent[0]!.text).toBe(maskText(WAVE[1]!).text);
  });
});

describe('retention', () => {
  const RETENTION = REPORT_RETENTION_DAYS * DAY;
  const k = () => createKeys(prefix).reports('02');
  const recentTexts = async (id: string, area: NewReport['area'] = HERE) => (await store.get(scopeOf(area), id))?.recent.map((r) => r.text);

  it('a report\'s text leaves the log once it is older than the retention: as the province\'s next report is added, or by the prune', async () => {
    now = T0 - RETENTION - DAY;
    await store.add(report(WAVE[0]!, 'a'));
    now = T0 - RETENTION + DAY;
    await store.add(report(WAVE[1]!, 'b'));
    now = T0;
    // Nobody reported since: the old text is still there until the prune runs…
    expect(await recentTexts('02-1')).toHaveLength(2);
    expect(await store.prune()).toEqual({ reports: 1, groups: 0 });
    expect(await recentTexts('02-1')).toEqual([maskText(WAVE[1]!).text]);

    // …or until the next report of the province, which drops what has become too old as it is added.
    now = T0 + 2 * DAY;
    await store.add(report(OTHER, 'c'));
    expect(await recentTexts('02-1')).toEqual([]);
    // The group itself was reported within the retention: it stays, with its counts.
    expect((await store.get(scopeOf(HERE), '02-1'))?.counts.total).toBe(2);
  });

  it('the log keeps its order when a process\'s clock is behind the last report (its id is never before the last one)', async () => {
    await store.add(report(WAVE[0]!, 'a'));
    now = T0 - 5_000; // another process, 5 s behind
    await store.add(report(WAVE[1]!, 'b'));
    expect(await recentTexts('02-1')).toEqual([maskText(WAVE[1]!).text, maskText(WAVE[0]!).text]);
  });

  it('a group no report joined within the retention is dropped with its sample, signature, totals, area entries and drafts; other groups stay whole', async () => {
    now = T0 - RETENTION - DAY;
    await store.add(report(WAVE[0]!, 'a', HERE));
    await store.add(report(WAVE[1]!, 'b', NEIGHBOUR));
    await store.add(report(OTHER, 'u', null)); // the unknown pool is pruned the same way
    await store.linkAlert('02-1', { alertId: 'abcdefabcdef', by: 'acc0000001', byName: 'Chị Lan', at: now });
    now = T0 - 10 * DAY;
    await store.add(report(OTHER, 'c', HERE)); // another group, reported recently
    await store.linkAlert('02-2', { alertId: 'bcdefabcdefa', by: 'acc0000001', byName: 'Chị Lan', at: now });
    now = T0;

    expect(await store.prune()).toEqual({ reports: 3, groups: 2 });

    const r = redis;
    expect(await r.hexists(k().groups, '02-1')).toBe(0);
    expect(await r.hexists(k().sigs, '02-1')).toBe(0);
    expect((await r.hkeys(k().totals)).filter((f) => f.startsWith('02-1|'))).toEqual([]);
    expect((await r.hkeys(k().links)).filter((f) => f.startsWith('02-1|'))).toEqual([]);
    for (const path of ['02', '02/026', '02/026/00715', '02/026/00716']) expect(await r.zscore(k().area(path), '02-1')).toBeNull();
    const unknown = createKeys(prefix).reports('unknown');
    expect(await r.hlen(unknown.groups)).toBe(0);
    expect(await r.zcard(unknown.area('unknown'))).toBe(0);
    // What is not dropped here expires by itself: the day counts (40 days), a resident's repeats
    // (30 days) and the LSH buckets (the retention, after their last report).
    const all = await keysUnder(r, prefix);
    for (const kind of [':day:', ':mine:', ':lsh:']) {
      const ttls = await Promise.all(all.filter((key) => key.includes(kind)).map((key) => r.ttl(key)));
      expect(ttls.length).toBeGreaterThan(0);
      expect(ttls.every((t) => t > 0)).toBe(true);
    }

    // Officials no longer find the old group; the recent one is as it was.
    expect(await store.get(scopeOf(HERE), '02-1')).toBeUndefined();
    expect(await store.get(scopeOf({ province: '02' }), '02-1')).toBeUndefined();
    const kept = await store.get(scopeOf(HERE), '02-2');
    expect(kept).toMatchObject({ counts: { total: 1 }, provinceCount: 1, alerts: [{ alertId: 'bcdefabcdefa' }] });
    expect(kept!.recent.map((x) => x.text)).toEqual([maskText(OTHER).text]);
    expect((await store.list(scopeOf({ province: '02' }), { limit: 10, offset: 0 })).groups.map((g) => g.id)).toEqual(['02-2']);

    // The wave coming back starts a group of its own; its buckets forget the dropped group as they meet it.
    expect(await store.add(report(WAVE[2]!, 'd', HERE))).toMatchObject({ status: 'added', isNew: true, groupId: '02-3' });
    const buckets = bandBuckets(signature(maskText(WAVE[2]!).text)).map((bucket, band) => k().band(band, bucket));
    for (const key of buckets) expect(await r.sismember(key, '02-1')).toBe(0);
  });

  it('a group reported again after the prune read it is kept whole (the script checks its last report again)', async () => {
    now = T0 - RETENTION - DAY;
    await store.add(report(WAVE[0]!, 'a'));
    now = T0;
    await store.add(report(WAVE[1]!, 'b')); // joins 02-1: its last report is now
    const keys = [k().groups, k().sigs, k().totals, k().links, k().area('02'), k().area('02/026'), k().area('02/026/00715')];
    // As a prune that read 02-1 as old just before this report would call it:
    expect(await redis.dropReportGroup(keys.length, ...keys, T0 - RETENTION, '02-1', '02', '02/026', '02/026/00715')).toBe(0);
    expect((await store.get(scopeOf(HERE), '02-1'))?.counts.total).toBe(2);
  });

  it('the app\'s timer looks now and then; what a prune dropped is logged, and a failed one is logged and tried at the next look', async () => {
    const log = memoryLog();
    let calls = 0;
    const pruning = startReportPruning({
      pruneIfDue: async () => {
        calls += 1;
        if (calls === 1) throw new Error('Redis away');
        return calls === 2 ? { reports: 3, groups: 1 } : undefined; // then: another process's turn
      },
    }, log, 5);
    await waitUntil('three looks', () => calls >= 3, 10_000, 5);
    await pruning.stop();
    expect(log.lines.slice(0, 2)).toEqual([
      { level: 'warn', msg: 'old reports not pruned; trying again later', fields: { error: 'Error' } },
      { level: 'info', msg: 'old reports pruned', fields: { reports: 3, groups: 1 } },
    ]);
  });

  it('one process prunes per hour: the others find the lock taken', async () => {
    const other = new ReportStore(redis, createKeys(prefix), () => now);
    expect(await store.pruneIfDue()).toEqual({ reports: 0, groups: 0 });
    expect(await other.pruneIfDue()).toBeUndefined();
  });

  it('a resident\'s deletion drops their repeats and daily counts in every province they reported in, and nothing of anyone else\'s', async () => {
    const days = [dayOf(T0 - DAY), dayOf(T0)];
    now = T0 - DAY;
    await store.add(report(WAVE[0]!, 'gone', HERE));
    now = T0;
    await store.add(report(OTHER, 'gone', OTHER_PROVINCE)); // after moving to another province
    await store.add(report(WAVE[1]!, 'stays', HERE));
    const theirs = ['02', '01'].flatMap((p) => {
      const pk = createKeys(prefix).reports(p);
      return [pk.mine('gone'), ...days.map((d) => pk.rate('gone', d))];
    });
    const existing = async (keys: string[]) => (await Promise.all(keys.map((key) => redis.exists(key)))).reduce((a, b) => a + b, 0);
    expect(await existing(theirs)).toBe(4); // mine and rate of each day they reported, in each province

    await store.forget('gone', HERE); // their state says Lũng Cú; the keys in province 01 go too
    expect(await existing(theirs)).toBe(0);
    expect(await existing([k().mine('stays'), k().rate('stays', dayOf(T0))])).toBe(2);
    // What they shared stays with the officials, counted as before.
    expect((await store.get(scopeOf(HERE), '02-1'))?.counts.total).toBe(2);
    expect((await store.list(scopeOf({ province: '01' }), { limit: 10, offset: 0 })).total).toBe(1);
  });
});
