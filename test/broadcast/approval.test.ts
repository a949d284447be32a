/**
 * Who may do what with an alert, through the API: an official writes only for their own area; above
 * the approval threshold a submitted alert waits for a second official whose area covers its audience;
 * its author cannot approve it, nor can an official of another area; a district official covers the
 * communes of the district; and every step is in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, AreaRef } from '../../src/accounts/schema.js';
import { call, stores } from '../api/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FakePlatforms } from './fake-platforms.js';
import { seedReachable } from './seed.js';

const LUNG_CU: AreaRef = { province: '02', district: '026', commune: '00715' };
const DONG_VAN_TOWN: AreaRef = { province: '02', district: '026', commune: '00721' };
const DONG_VAN: AreaRef = { province: '02', district: '026' };
const PA_VI: AreaRef = { province: '02', district: '027', commune: '00777' };
const THRESHOLD = 5;

const fake = new FakePlatforms();
let server: TestServer;
type Who = { account: Account; token: string };
let author: Who, colleague: Who, district: Who, otherDistrict: Who, coach: Who, admin: Who, otherProvinceAdmin: Who;

beforeAll(async () => {
  await fake.start();
  server = await startTestServer({ env: { ...fake.env(), BROADCAST_APPROVAL_THRESHOLD: String(THRESHOLD), BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0' } });
  const { accounts } = stores(server);
  author = await accounts.create({ name: 'Chị Lan', role: 'official', area: LUNG_CU });
  colleague = await accounts.create({ name: 'Anh Sơn', role: 'official', area: LUNG_CU });
  district = await accounts.create({ name: 'Ông Hùng', role: 'official', area: DONG_VAN });
  otherDistrict = await accounts.create({ name: 'Bà Mai', role: 'official', area: PA_VI });
  coach = await accounts.create({ name: 'Anh Minh', role: 'coach', area: LUNG_CU });
  admin = await accounts.create({ name: 'Admin Hà Giang', role: 'admin', area: { province: '02' } });
  otherProvinceAdmin = await accounts.create({ name: 'Admin Hà Nội', role: 'admin', area: { province: '01' } });
  // Lũng Cú: 4 on Messenger, 4 on Zalo, all reachable: 8 > THRESHOLD; on Zalo only: 4 ≤ THRESHOLD.
  await seedReachable(server, 8, LUNG_CU);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await fake.close();
});

const draft = async (who: Who, audience: Record<string, unknown> = { area: LUNG_CU }) => {
  const res = await call(server, 'POST', '/alerts', { token: who.token, body: { text: { vi: 'Cảnh báo: giả danh điện lực đòi tiền.' }, scamType: 'bill', audience } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.alert.id as string;
};
const post = (who: Who, path: string) => call(server, 'POST', path, { token: who.token });

describe('writing an alert', () => {
  it('only for one\'s own area: 403 out_of_area with a clear message', async () => {
    const res = await call(server, 'POST', '/alerts', { token: author.token, body: { text: { vi: 'x' }, audience: { area: PA_VI } } });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('out_of_area');
    expect(res.json.error.message).toBe('You can send alerts only to your own area (Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang); Xã Pả Vi, Huyện Mèo Vạc, Tỉnh Hà Giang is outside it.');
    // A district official may write for a commune of the district; a commune official not for the district.
    expect((await call(server, 'POST', '/alerts', { token: district.token, body: { text: { vi: 'x' }, audience: { area: DONG_VAN_TOWN } } })).status).toBe(201);
    expect((await call(server, 'POST', '/alerts', { token: author.token, body: { text: { vi: 'x' }, audience: { area: DONG_VAN } } })).status).toBe(403);
  });

  it('a coach may not; an unknown area or lesson is named', async () => {
    expect((await call(server, 'POST', '/alerts', { token: coach.token, body: { text: { vi: 'x' }, audience: { area: LUNG_CU } } })).status).toBe(403);
    const area = await call(server, 'POST', '/alerts', { token: author.token, body: { text: { vi: 'x' }, audience: { area: { ...LUNG_CU, commune: '99999' } } } });
    expect(area.status).toBe(400);
    expect(area.json.error).toMatchObject({ code: 'unknown_area', details: { field: 'audience.area.commune' } });
    const lesson = await call(server, 'POST', '/alerts', { token: author.token, body: { text: { vi: 'x' }, audience: { area: LUNG_CU, finished: 'no-such-lesson' } } });
    expect(lesson.status).toBe(400);
    expect(lesson.json.error).toMatchObject({ code: 'unknown_lesson', details: { field: 'audience.finished' } });
  });

  it('only its author edits it, only as a draft', async () => {
    const id = await draft(author);
    const other = await call(server, 'PATCH', `/alerts/${id}`, { token: colleague.token, body: { text: { vi: 'sửa' } } });
    expect(other.status).toBe(403);
    expect(other.json.error.code).toBe('not_author');
    const mine = await call(server, 'PATCH', `/alerts/${id}`, { token: author.token, body: { text: { vi: 'Đã sửa' }, scamType: null, lessonId: 'check-link' } });
    expect(mine.status, JSON.stringify(mine.json)).toBe(200);
    expect(mine.json.alert).toMatchObject({ text: { vi: 'Đã sửa' }, lessonId: 'check-link' });
    expect(mine.json.alert.scamType).toBeUndefined();
    expect(mine.json.alert.audit.map((e: { action: string }) => e.action)).toEqual(['created', 'edited']);
  });
});

describe('approval', () => {
  it('above the threshold the alert waits; its author cannot approve it, nor can an official of another area', async () => {
    const id = await draft(author);
    const estimate = (await post(author, `/alerts/${id}/estimate`)).json;
    expect(estimate).toMatchObject({ total: 8, approvalThreshold: THRESHOLD, needsApproval: true });
    const submitted = await post(author, `/alerts/${id}/submit`);
    expect(submitted.json.alert).toMatchObject({ status: 'pending_approval', submittedAudience: 8, may: { approve: false, cancel: true } });

    const self = await post(author, `/alerts/${id}/approve`);
    expect(self.status).toBe(403);
    expect(self.json.error.code).toBe('self_approval');
    expect(self.json.error.message).toContain('another official whose area covers its audience must');

    const outside = await post(otherDistrict, `/alerts/${id}/approve`);
    expect(outside.status).toBe(403);
    expect(outside.json.error.code).toBe('out_of_area');
    expect(outside.json.error.message).toContain('outside your area (Xã Pả Vi, Huyện Mèo Vạc, Tỉnh Hà Giang)');
    expect((await post(otherProvinceAdmin, `/alerts/${id}/approve`)).status).toBe(403);
    expect((await post(coach, `/alerts/${id}/approve`)).status).toBe(403);

    // The approval queue of a colleague shows it, with approve allowed.
    const queue = (await call(server, 'GET', '/alerts?status=pending_approval', { token: colleague.token })).json.alerts;
    expect(queue.map((a: { id: string }) => a.id)).toContain(id);
    expect(queue.find((a: { id: string }) => a.id === id).may.approve).toBe(true);
    // …and an official of another district does not see it at all.
    expect((await call(server, 'GET', '/alerts', { token: otherDistrict.token })).json.alerts.map((a: { id: string }) => a.id)).not.toContain(id);

    const approved = await post(colleague, `/alerts/${id}/approve`);
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    expect(['sending', 'done']).toContain(approved.json.alert.status);
    expect(approved.json.alert.approvals).toMatchObject([{ by: colleague.account.id, byName: 'Anh Sơn' }]);
    const again = await post(district, `/alerts/${id}/approve`);
    expect(again.status).toBe(409);
    const audit = approved.json.alert.audit;
    expect(audit.slice(0, 3)).toMatchObject([
      { action: 'created', by: author.account.id, to: 'draft' },
      { action: 'submitted', by: author.account.id, from: 'draft', to: 'pending_approval' },
      { action: 'approved', by: colleague.account.id, byName: 'Anh Sơn', from: 'pending_approval' },
    ]);
    for (const e of audit) expect(Date.parse(e.at)).not.toBeNaN();
  });

  it('a district official and an admin of the province cover a commune\'s alert', async () => {
    for (const approver of [district, admin]) {
      const id = await draft(author);
      expect((await post(author, `/alerts/${id}/submit`)).json.alert.status).toBe('pending_approval');
      const res = await post(approver, `/alerts/${id}/approve`);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    }
  });

  it('at or below the threshold it goes without approval', async () => {
    const id = await draft(author, { area: LUNG_CU, channel: 'zalo' });
    expect((await post(author, `/alerts/${id}/estimate`)).json).toMatchObject({ total: 4, needsApproval: false });
    const submitted = await post(author, `/alerts/${id}/submit`);
    expect(['sending', 'done']).toContain(submitted.json.alert.status);
    expect(submitted.json.alert.approvals).toEqual([]);
    // Only its author submits; a colleague gets 403.
    const other = await draft(author);
    expect((await post(colleague, `/alerts/${other}/submit`)).json.error.code).toBe('not_author');
  });

  it('a start time ahead makes it scheduled; cancelling it then means it never goes', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const res = await call(server, 'POST', '/alerts', { token: author.token, body: { text: { vi: 'Hẹn giờ' }, audience: { area: LUNG_CU, channel: 'zalo' }, scheduledAt: at } });
    const id = res.json.alert.id as string;
    expect(res.json.alert.scheduledAt).toBe(at);
    expect((await post(author, `/alerts/${id}/submit`)).json.alert.status).toBe('scheduled');
    expect(await server.app.broadcast.queues.plan.getJob(`${id}-plan`)).toBeDefined();
    const cancelled = await post(colleague, `/alerts/${id}/cancel`);
    expect(cancelled.json.alert.status).toBe('cancelled');
    expect(await server.app.broadcast.queues.plan.getJob(`${id}-plan`)).toBeUndefined();
    expect(cancelled.json.alert.audit.at(-1)).toMatchObject({ action: 'cancelled', by: colleague.account.id, from: 'scheduled' });
  });
});
