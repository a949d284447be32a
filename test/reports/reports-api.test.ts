/**
 * Reports end to end on a real server (real Redis, own prefix, the shipped lessons and checker):
 * a resident checks a message on the web channel, reports it and consents, and the group appears in
 * the official API; who may see what; a draft alert from a group; an official's sent alert
 * recognised in a resident's check.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import type { Alert } from '../../src/broadcast/alert.js';
import { AlertStore } from '../../src/broadcast/store.js';
import { createKeys } from '../../src/store/keys.js';
import { call } from '../api/client.js';
import { waitUntil } from '../broadcast/seed.js';
import { keysUnder } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebResident } from '../helpers/web-client.js';

const LUNG_CU = { province: '02', district: '026', commune: '00715' };
const PA_VI = { province: '02', district: '027', commune: '00777' };
const SCAM = 'Vietcombank: Tai khoan cua anh Nguyen Van Binh bi tam khoa. Dang nhap tai vcb-secure.example de mo khoa trong 24h. Goi 0912345678';
const SCAM_AGAIN = 'VIETCOMBANK: Tài khoản của chị Trần Thị Hoa bị tạm khoá. Đăng nhập tại vcb-secure.example để mở khoá trong 24h. Gọi 0987 654 321';

let server: TestServer;
const tokens: Record<string, string> = {};
/** Moved on to let the per-process cache of active alerts (30 s) expire. */
let ahead = 0;

beforeAll(async () => {
  server = await startTestServer({ clock: () => Date.now() + ahead });
  const accounts = new AccountStore(server.redis, createKeys(server.prefix));
  const make = async (name: string, role: 'coach' | 'official' | 'admin', area: Parameters<AccountStore['create']>[0]['area']) =>
    (tokens[name] = (await accounts.create({ name, role, area })).token);
  await make('lungcu', 'official', LUNG_CU);
  await make('dongvan', 'official', { province: '02', district: '026' });
  await make('meovac', 'official', { province: '02', district: '027' });
  await make('hanoi', 'official', { province: '01' });
  await make('coach', 'coach', LUNG_CU);
  await make('admin', 'admin', { province: '02' });
});
afterAll(async () => {
  await server.close();
});

/** A web resident who gave their commune by name. */
async function residentOf(commune: string | undefined): Promise<WebResident> {
  const r = new WebResident(server.url);
  await r.post({});
  if (commune) {
    await r.say('đổi xã');
    await r.say(commune);
    expect(r.said).toContain('Đã lưu');
  }
  return r;
}

async function checkAndReport(r: WebResident, text: string): Promise<void> {
  await r.say('kiểm tra tin nhắn');
  await r.say(text);
  expect(r.choices.map((c) => c.label)).toContain('📣 Báo cho cán bộ');
  await r.tap('c:report');
  expect(r.said).toContain('Báo tin này cho cán bộ?');
  await r.tap('c:report:yes');
  expect(r.said).toContain('Mình đã gửi tin này cho cán bộ');
}

async function groupsFor(token: string, query = ''): Promise<Record<string, any>> {
  const res = await call(server, 'GET', `/reports/groups${query}`, { token });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json;
}

describe('check → report → consent → the official sees the group', () => {
  it('a resident of Lũng Cú reports twice; the consent says who sees it; the group, masked, is in the officials\' API', async () => {
    const r = await residentOf('Lũng Cú');
    await r.say('kiểm tra tin nhắn');
    await r.say(SCAM);
    await r.tap('c:report');
    expect(r.said).toContain('cán bộ của Xã Lũng Cú');
    expect(r.said).toContain('[tên]');
    expect(r.said).toContain('[SĐT]');
    expect(r.said).not.toContain('0912345678');
    expect(r.choices.map((c) => c.label)).toEqual(['Đồng ý, gửi', 'Không gửi']);
    await r.say('có');
    expect(r.said).toContain('Mình đã gửi tin này cho cán bộ');
    await checkAndReport(await residentOf('Lũng Cú'), SCAM_AGAIN);

    await waitUntil('two reports in the group', async () => (await groupsFor(tokens.lungcu!)).groups[0]?.counts.total === 2, 10_000);
    const list = await groupsFor(tokens.lungcu!);
    expect(list.total).toBe(1);
    expect(list.areaName).toContain('Lũng Cú');
    const [g] = list.groups;
    expect(g).toMatchObject({ id: '02-1', risk: 'high', scamType: 'bank', domains: ['vcb-secure.example'], counts: { last24h: 2, last7d: 2, total: 2 } });
    expect(g.sample).toContain('vcb-secure.example');
    expect(g.sample).toContain('[tên]');
    expect(g.sample).not.toMatch(/0912|Binh/);
    expect(g.signals.map((s: { id: string }) => s.id)).toContain('link.lookalike.brand');
    expect(g.days).toHaveLength(14);
    expect(g.days.at(-1).count).toBe(2);

    // The whole district sees it too; a neighbouring district and another province do not.
    expect((await groupsFor(tokens.dongvan!)).groups.map((x: { id: string }) => x.id)).toEqual(['02-1']);
    expect((await groupsFor(tokens.meovac!)).total).toBe(0);
    expect((await groupsFor(tokens.hanoi!)).total).toBe(0);

    const detail = await call(server, 'GET', '/reports/groups/02-1', { token: tokens.lungcu });
    expect(detail.status).toBe(200);
    expect(detail.json.group.recent).toHaveLength(2);
    expect(detail.json.group.provinceCount).toBe(2);

    // The analytics stream knows a report was made, never what it said.
    // (Written a few milliseconds after the turn, together with other turns' events.)
    const made = await vi.waitFor(async () => {
      const events = (await server.redis.xrange(createKeys(server.prefix).events, '-', '+')).map(([, f]) => f[f.indexOf('e') + 1]!);
      const found = events.filter((e) => e.includes('"report_made"'));
      expect(found).toHaveLength(2);
      return found;
    });
    for (const e of made) expect(e).not.toMatch(/\[SĐT\]|vcb-secure|tạm kho/);
  });

  it('saying no sends nothing and forgets the message', async () => {
    const r = await residentOf('Pả Vi');
    await r.say('kiểm tra tin nhắn');
    await r.say(SCAM);
    await r.tap('c:report');
    await r.say('không');
    expect(r.said).toContain('Mình không gửi gì cả');
    await r.tap('c:report:yes');
    expect(r.said).toContain('Không còn tin nào để báo');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await groupsFor(tokens.meovac!)).total).toBe(0);
  });

  it('a resident who gave no commune reports into the unknown pool, which every official may see', async () => {
    const r = await residentOf(undefined);
    await r.say('kiểm tra tin nhắn');
    await r.say('Chúc mừng bạn trúng thưởng xe SH! Nộp phí 500.000đ vào STK 1903456789012 tên Lê Văn Tám để nhận giải trong hôm nay');
    await r.tap('c:report');
    expect(r.said).toContain('bạn chưa cho biết xã/phường');
    await r.tap('c:report:yes');
    await waitUntil('the report in the pool', async () => (await groupsFor(tokens.hanoi!, '?area=unknown')).total === 1, 10_000);
    const pool = await groupsFor(tokens.lungcu!, '?area=unknown');
    expect(pool.area).toBeNull();
    expect(pool.groups[0].sample).toContain('[STK]');
    expect(pool.groups[0].sample).toContain('500.000đ');
    expect(pool.groups[0].sample).not.toContain('Tám');
    const detail = await call(server, 'GET', `/reports/groups/${pool.groups[0].id}`, { token: tokens.hanoi });
    expect(detail.status).toBe(200);
  });

  it('a resident who deletes their data: the report keys under their anonymous id go; what they reported stays with the officials', async () => {
    const r = await residentOf('Pả Vi');
    const keys = createKeys(server.prefix);
    const doc = await server.redis.hget(keys.resident(`web:${r.userId}`).state, 'doc');
    const anonId = (JSON.parse(doc!) as { anonId: string }).anonId;
    const theirs = async () => (await keysUnder(server.redis, server.prefix)).filter((k) => k.includes(`:mine:${anonId}`) || k.includes(`:rate:${anonId}:`));
    await checkAndReport(r, 'Chúc mừng quý khách trúng thưởng iPhone 15! Nộp phí vận chuyển 300.000đ tại giaithuong-vip.example để nhận quà ngay hôm nay');
    await waitUntil('the report stored with their repeat and daily-count keys', async () => (await theirs()).length === 2, 10_000);

    await r.say('xoá dữ liệu');
    await r.tap('c:delete:yes');
    // Deleted after the commit, like the rest of the after-commit bookkeeping: looked for until gone.
    await waitUntil('their report keys deleted', async () => (await theirs()).length === 0, 10_000);
    const groups = (await groupsFor(tokens.meovac!)).groups;
    expect(groups.map((g: { counts: { total: number } }) => g.counts.total)).toEqual([1]);
    expect(groups[0].sample).toContain('giaithuong-vip.example');
  });
});

describe('the OpenAPI document', () => {
  it('lists the report operations for officials and admins, and the alert\'s match field', async () => {
    const doc = (await call(server, 'GET', '/openapi.json')).json;
    expect(doc.paths['/reports/groups'].get['x-roles']).toEqual(['official', 'admin']);
    expect(doc.paths['/reports/groups/{id}'].get.operationId).toBe('getReportGroup');
    expect(doc.paths['/reports/groups/{id}/draft-alert'].post.responses).toHaveProperty('201');
    const query = doc.paths['/reports/groups'].get.parameters.map((p: { name: string }) => p.name);
    expect(query).toEqual(['area', 'limit', 'offset']);
    const body = doc.paths['/alerts'].post.requestBody.content['application/json'].schema;
    expect(body.properties.match.properties.domains.maxItems).toBe(10);
  });
});

describe('who may see reports', () => {
  it('a coach cannot; an official of another province or district cannot open a group; areas outside their own are refused', async () => {
    expect((await call(server, 'GET', '/reports/groups', { token: tokens.coach })).status).toBe(403);
    expect((await call(server, 'GET', '/reports/groups')).status).toBe(401);
    expect((await call(server, 'GET', '/reports/groups/02-1', { token: tokens.hanoi })).json.error.code).toBe('out_of_area');
    expect((await call(server, 'GET', '/reports/groups/02-1', { token: tokens.meovac })).status).toBe(404);
    expect((await call(server, 'POST', '/reports/groups/02-1/draft-alert', { token: tokens.hanoi })).status).toBe(403);
    expect((await call(server, 'GET', '/reports/groups?area=01', { token: tokens.lungcu })).status).toBe(403);
    expect((await call(server, 'GET', '/reports/groups?area=nowhere', { token: tokens.lungcu })).status).toBe(400);
    expect((await call(server, 'GET', '/reports/groups?limit=0', { token: tokens.lungcu })).status).toBe(400);
    const narrowed = await groupsFor(tokens.admin!, '?area=02/026/00715');
    expect(narrowed.groups.map((g: { id: string }) => g.id)).toContain('02-1');
  });
});

describe('a draft alert from a group', () => {
  it('is prefilled with the sample, the scam type and the match domains and words, and the group is linked to it', async () => {
    const res = await call(server, 'POST', '/reports/groups/02-1/draft-alert', { token: tokens.lungcu });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const { alert, group } = res.json;
    expect(alert).toMatchObject({ status: 'draft', scamType: 'bank', audience: { area: LUNG_CU }, match: { domains: ['vcb-secure.example'] } });
    expect(alert.text.vi).toContain('vcb-secure.example');
    expect(alert.text.vi.length).toBeLessThanOrEqual(1000);
    expect(alert.text.en).toContain('Scam alert');
    expect(alert.match.phrases.length).toBeGreaterThan(0);
    expect(group.alerts).toEqual([expect.objectContaining({ alertId: alert.id, byName: 'lungcu' })]);
    const again = await groupsFor(tokens.lungcu!);
    expect(again.groups[0].alerts.map((a: { alertId: string }) => a.alertId)).toEqual([alert.id]);
    const stored = await call(server, 'GET', `/alerts/${alert.id}`, { token: tokens.lungcu });
    expect(stored.json.alert.match.domains).toEqual(['vcb-secure.example']);
  });

  it('the match field is validated and can be edited or removed on a draft', async () => {
    const bad = await call(server, 'POST', '/alerts', {
      token: tokens.lungcu,
      body: { text: { vi: 'Cảnh báo' }, audience: { area: LUNG_CU }, match: { domains: ['not a domain'], phrases: [] } },
    });
    expect(bad.status).toBe(400);
    const tooMany = await call(server, 'POST', '/alerts', {
      token: tokens.lungcu,
      body: { text: { vi: 'Cảnh báo' }, audience: { area: LUNG_CU }, match: { phrases: Array.from({ length: 11 }, (_, i) => `cụm ${i}`) } },
    });
    expect(tooMany.status).toBe(400);
    const created = await call(server, 'POST', '/alerts', {
      token: tokens.lungcu,
      body: { text: { vi: 'Cảnh báo' }, audience: { area: LUNG_CU }, match: { domains: ['HTTPS://www.Hoantien-Dien.example/nhan'], phrases: [' tiền thừa '] } },
    });
    expect(created.status).toBe(201);
    expect(created.json.alert.match).toEqual({ domains: ['hoantien-dien.example'], phrases: ['tiền thừa'] });
    const edited = await call(server, 'PATCH', `/alerts/${created.json.alert.id}`, { token: tokens.lungcu, body: { match: null } });
    expect(edited.json.alert.match).toBeUndefined();
  });
});

describe('an officials\' alert recognised in a check', () => {
  it('a sent alert with match domains for the resident\'s area: the verdict says it matches, with its date and title; a cancelled one does not', async () => {
    const keys = createKeys(server.prefix);
    const store = new AlertStore(server.redis, keys);
    const sentOn = Date.now() - 2 * 24 * 3600_000;
    const base = (id: string, status: Alert['status'], domain: string): Alert => ({
      id, rev: 1, createdBy: 'abcdefghij', createdByName: 'Chị Lan', fromName: 'UBND Xã Lũng Cú',
      text: { vi: 'Giả Vietcombank đòi mở khoá tài khoản\nĐừng bấm link.', en: 'Fake Vietcombank unlock requests' },
      match: { domains: [domain], phrases: [] },
      audience: { area: { province: '02', district: '026' } }, status, scheduledAt: sentOn, approvals: [],
      createdAt: sentOn, updatedAt: sentOn,
    });
    await store.create(base('aaaaaaaaaaa1', 'done', 'vcb-unlock.example'), { by: 'system', byName: 'test', action: 'created' });
    await store.create(base('aaaaaaaaaaa2', 'cancelled', 'evn-refund.example'), { by: 'system', byName: 'test', action: 'created' });
    // Earlier checks in this province read its alerts less than 30 s ago: the cache would still answer without these.
    ahead += 31_000;

    const r = await residentOf('Lũng Cú');
    await r.say('kiểm tra tin nhắn');
    await r.say('Tài khoản của bạn bị tạm khoá, mở khoá tại vcb-unlock.example/login');
    const date = new Date(sentOn + 7 * 3600_000);
    const ddmmyyyy = `${String(date.getUTCDate()).padStart(2, '0')}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/${date.getUTCFullYear()}`;
    expect(r.said).toContain(`Tin này giống cảnh báo cán bộ đã gửi ngày ${ddmmyyyy}: «Giả Vietcombank đòi mở khoá tài khoản»`);
    expect(r.said).toMatch(/^🔴/);

    await r.say('kiểm tra tin nhắn');
    await r.say('Hoàn tiền điện, nhận tại evn-refund.example/nhan');
    expect(r.said).not.toContain('giống cảnh báo');

    // Another district of the province was not the alert's audience.
    const elsewhere = await residentOf('Pả Vi');
    await elsewhere.say('kiểm tra tin nhắn');
    await elsewhere.say('Tài khoản của bạn bị tạm khoá, mở khoá tại vcb-unlock.example/login');
    expect(elsewhere.said).not.toContain('giống cảnh báo');
  });
});
