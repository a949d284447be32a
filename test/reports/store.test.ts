/**
 * The reports store on real Redis (own prefix, injected clock): grouping by likeness, counts per day
 * and hour in the area, the daily limit, a resident's repeat counted once, area scoping, the
 * unknown pool, and linked alerts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { maskText } from '../../src/reports/mask.js';
import { ReportStore, scopeOf, type NewReport } from '../../src/reports/store.js';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

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
