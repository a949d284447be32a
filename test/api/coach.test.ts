/** What the coach page reads: the lessons in menu order, a coach's own residents (never another coach's), and how each link's residents are doing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/schema.js';
import { LinkList } from '../../src/api/schemas.js';
import { newResident, type ResidentState } from '../../src/engine/state.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { createLogger } from '../../src/log.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { ResidentStore } from '../../src/store/resident-store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { call, makeAccount, stores } from './client.js';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const HOUR = 60 * 60 * 1000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** A resident as the referral bookkeeping leaves them: state with the coach, and in the coach's list. */
async function seedResident(
  id: string,
  coaches: Account[],
  arrivedAt: number,
  fill: (s: ResidentState) => Partial<ResidentState>,
): Promise<void> {
  const { keys } = stores(server);
  const base = newResident(arrivedAt, 'vi', `anon-${id}`);
  const state: ResidentState = { ...base, coaches: coaches.map((c) => c.id), ...fill(base) };
  const residents = new ResidentStore(server.redis, keys, createLogger('silent'));
  expect(await residents.commit(id, 0, state, undefined, [], arrivedAt)).toMatchObject({ type: 'committed' });
  for (const c of coaches) await server.redis.zadd(keys.coachResidents(c.id), 'NX', arrivedAt, id);
}

const progress = (flowId: string, stepIndex = 0) => ({
  flowId, flowVersion: 1, stepId: 'intro', stepIndex, right: 0, total: 0, misses: 0, tries: 0, vars: {}, startedAt: T0,
});
const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));
const stepsOf = (id: string) => flows.byId.get(id)!.steps.length;

describe('GET /api/v1/lessons', () => {
  it('lists every lesson in menu order, with titles, summaries and tags', async () => {
    const { token } = await makeAccount(server, 'official');
    const res = await call(server, 'GET', '/lessons', { token });
    expect(res.json.lessons.map((l: { id: string }) => l.id)).toEqual(flows.list.map((c) => c.flow.id));
    expect(res.json.lessons[0]).toEqual({
      id: flows.list[0]!.flow.id,
      title: flows.list[0]!.flow.title,
      summary: flows.list[0]!.flow.summary,
      tags: flows.list[0]!.flow.tags,
    });
  });
});

describe('GET /api/v1/coach/residents, and each link\'s residents in GET /api/v1/links', () => {
  let minh: { account: Account; token: string };
  let hoa: { account: Account; token: string };
  /** Anh Minh's links: qr-payment with a note, password-otp without. */
  let qr: string;
  let pw: string;

  beforeAll(async () => {
    minh = await makeAccount(server, 'coach', 'Anh Minh');
    hoa = await makeAccount(server, 'coach', 'Chị Hoa');
    const { links } = stores(server);
    qr = (await links.create({ lessonId: 'qr-payment', coachId: minh.account.id, senderName: 'Anh Minh', note: 'nhà bác Tư, xóm 3' })).code;
    pw = (await links.create({ lessonId: 'password-otp', coachId: minh.account.id, senderName: 'Anh Minh' })).code;
    const hoaLink = (await links.create({ lessonId: 'after-scam', coachId: hoa.account.id, senderName: 'Chị Hoa' })).code;
    const via = (...pairs: [string, Account][]) => ({ coachLinks: pairs.map(([code, c]) => ({ code, coachId: c.id })) });
    const follows = (at: number) => ({ consent: { follow: true, at } });
    await seedResident('web:tu', [minh.account], T0, () => ({
      name: 'Bà Tư', ...follows(T0), lastActive: T0 + 5 * HOUR, ...via([qr, minh.account]),
      completed: { 'check-link': { at: T0 + HOUR, right: 3, total: 3, times: 1 } },
      current: progress('qr-payment', 2),
    }));
    // A state from before `coachLinks`: only `arrivedBy` says which link.
    await seedResident('zalo:123', [minh.account], T0 + HOUR, () => ({
      ...follows(T0 + HOUR), lastActive: T0 + 2 * HOUR, arrivedBy: { code: pw, depth: 0, coachId: minh.account.id },
      paused: { 'password-otp': progress('password-otp') },
    }));
    await seedResident('messenger:456', [minh.account], T0 + 2 * HOUR, () => ({ name: 'Ông Ba', consent: { follow: false, at: T0 }, ...via([qr, minh.account]) }));
    await seedResident('web:undecided', [minh.account], T0 + 3 * HOUR, () => ({ name: 'Cô Sáu' }));
    await seedResident('web:nam', [hoa.account], T0, () => ({ name: 'Ông Năm', ...follows(T0), ...via([hoaLink, hoa.account]), completed: { 'after-scam': { at: T0, right: 1, total: 1, times: 1 } } }));
    await seedResident('web:both', [hoa.account, minh.account], T0 + 4 * HOUR, () => ({ name: 'Chị Bảy', ...follows(T0), lastActive: T0 + 4 * HOUR, ...via([hoaLink, hoa.account], [pw, minh.account]) }));
    await seedResident('web:late', [minh.account], T0 + 5 * HOUR, () => ({
      ...follows(T0), lastActive: T0 + 3 * HOUR, ...via([qr, minh.account]),
      completed: { 'qr-payment': { at: T0 + 3 * HOUR, right: 2, total: 2, times: 1 } },
    }));
    await server.redis.hset(stores(server).keys.coachRipple(minh.account.id), 'neighbours', 3, 'deepest', 2);
  });

  it('shows a coach the residents who agreed, by name or number (no gaps), the link and note that brought them, lessons started (how far) and finished', async () => {
    const res = await call(server, 'GET', '/coach/residents', { token: minh.token });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      residents: [
        {
          label: 'Bà Tư',
          via: [{ code: qr, note: 'nhà bác Tư, xóm 3' }],
          started: [{ id: 'qr-payment', title: 'Trả tiền bằng mã QR', step: 3, steps: stepsOf('qr-payment') }],
          finished: [{ id: 'check-link', title: 'Kiểm tra đường link' }],
          lastActive: new Date(T0 + 5 * HOUR).toISOString(),
        },
        { label: 'Chị Bảy', via: [{ code: pw }], started: [], finished: [], lastActive: new Date(T0 + 4 * HOUR).toISOString() },
        // Fourth of those listed (sixth reached: two who did not agree are not counted in the numbers).
        { label: 'Người học #4', via: [{ code: qr, note: 'nhà bác Tư, xóm 3' }], started: [], finished: [{ id: 'qr-payment', title: 'Trả tiền bằng mã QR' }], lastActive: new Date(T0 + 3 * HOUR).toISOString() },
        { label: 'Người học #2', via: [{ code: pw }], started: [{ id: 'password-otp', title: 'Mật khẩu và mã OTP', step: 1, steps: stepsOf('password-otp') }], finished: [], lastActive: new Date(T0 + 2 * HOUR).toISOString() },
      ],
      notFollowing: 2,
      ripple: { neighbours: 3, deepest: 2 },
    });
  });

  it('each of the coach\'s links says how its residents are doing with its lesson; refusers only counted', async () => {
    const res = await call(server, 'GET', '/links', { token: minh.token });
    expect(res.status).toBe(200);
    const byCode = new Map(res.json.links.map((l: { code: string; residents: unknown }) => [l.code, l.residents]));
    expect(byCode.get(qr)).toEqual({ finished: 1, learning: [{ step: 3, steps: stepsOf('qr-payment') }], notStarted: 0, notFollowing: 1 });
    expect(byCode.get(pw)).toEqual({ finished: 0, learning: [{ step: 1, steps: stepsOf('password-otp') }], notStarted: 1, notFollowing: 0 });
    expect(JSON.stringify(res.json)).not.toMatch(/Ông Ba|Cô Sáu|Bà Tư|web:|zalo:|messenger:|anon-/);
    expect(LinkList.safeParse(res.json).success).toBe(true);
  });

  it('an official\'s links say how often they were opened, not how residents are doing', async () => {
    const { token } = await makeAccount(server, 'official');
    await call(server, 'POST', '/links', { token, body: { lessonId: 'check-link' } });
    const res = await call(server, 'GET', '/links', { token });
    expect(res.json.links).toHaveLength(1);
    expect(res.json.links[0]).not.toHaveProperty('residents');
  });

  it('never shows a coach another coach\'s residents, nor ids or refusers\' names', async () => {
    const minhView = JSON.stringify((await call(server, 'GET', '/coach/residents', { token: minh.token })).json);
    expect(minhView).not.toContain('Ông Năm');
    expect(minhView).not.toContain('Ông Ba');
    expect(minhView).not.toContain('Cô Sáu');
    expect(minhView).not.toMatch(/web:|zalo:|messenger:|anon-/);

    const hoaView = (await call(server, 'GET', '/coach/residents', { token: hoa.token })).json;
    expect(hoaView.residents.map((r: { label: string }) => r.label)).toEqual(['Chị Bảy', 'Ông Năm']);
    // Chị Bảy came through both coaches' links: each sees only their own.
    expect(hoaView.residents[0].via.map((v: { code: string }) => v.code)).not.toContain(pw);
    expect(hoaView.notFollowing).toBe(0);
    expect(hoaView.ripple).toEqual({ neighbours: 0, deepest: 0 });
    expect(JSON.stringify(hoaView)).not.toContain('Bà Tư');
  });

  it('an admin sees their own residents (none here), not the coaches\'', async () => {
    const { token } = await makeAccount(server, 'admin');
    const res = await call(server, 'GET', '/coach/residents', { token });
    expect(res.json).toEqual({ residents: [], notFollowing: 0, ripple: { neighbours: 0, deepest: 0 } });
  });

  it('?lang=en: English labels and titles', async () => {
    const res = await call(server, 'GET', '/coach/residents?lang=en', { token: minh.token });
    const labels = res.json.residents.map((r: { label: string }) => r.label);
    expect(labels).toEqual(['Bà Tư', 'Chị Bảy', 'Resident #4', 'Resident #2']);
    expect(res.json.residents[0].finished).toEqual([{ id: 'check-link', title: flows.byId.get('check-link')!.flow.title.en }]);
  });
});
