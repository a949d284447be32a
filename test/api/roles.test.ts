/**
 * Every operation of the route table, on a real server and Redis: no token, a wrong token, a
 * disabled account, each role it refuses, each role it allows; malformed and oversized bodies;
 * and a field that does not fit, named in the answer. A new route without a case here fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Account, type Role } from '../../src/accounts/schema.js';
import { API_ROUTES } from '../../src/api/routes.js';
import type { ApiRoute } from '../../src/api/route.js';
import type { AlertStatus } from '../../src/broadcast/alert.js';
import { ReportStore } from '../../src/reports/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { call, makeAccount, stores } from './client.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

interface Request {
  path: string;
  body?: unknown;
}

interface Case {
  /** Who may call it, as the brief says (stated here, not read from the table, so widening a route fails). */
  roles: readonly Role[] | 'public';
  /** A request the caller may make and that succeeds. */
  ok(caller: Account): Promise<Request>;
  /** Requests with one thing wrong, and the field the answer must name. */
  bad?: (caller: Account) => Promise<{ request: Request; field: string }[]>;
}

const lessonId = 'scam-sms-quiz';
const target = async () => (await makeAccount(server, 'coach', 'Target')).account;

/** A draft alert for the caller's own area (by the caller, or by a colleague of that area), in `status`. */
async function alertFor(caller: Account, opts: { status?: AlertStatus; byColleague?: boolean } = {}) {
  const author = opts.byColleague ? (await stores(server).accounts.create({ name: 'Colleague', role: 'official', area: caller.area })).account : caller;
  const { service, store } = server.app.broadcast;
  const alert = await service.create(author, { text: { vi: 'Cảnh báo: giả danh công an gọi điện.' }, audience: { area: caller.area } });
  if (opts.status) await store.update(alert.id, (a) => ({ alert: { ...a, status: opts.status! } }));
  return alert;
}
/** A group of residents' reports in the caller's area (a new report each time, from a new resident). */
async function reportGroupFor(caller: Account): Promise<string> {
  const store = new ReportStore(server.redis, stores(server).keys);
  const added = await store.add({
    anonId: `anon-${Math.random().toString(36).slice(2)}`, area: caller.area, risk: 'high', signals: [], domains: ['vcb-secure.example'], phrases: [],
    text: 'Tài khoản của bạn bị tạm khoá, đăng nhập tại vcb-secure.example để mở khoá',
  });
  if (added.status !== 'added') throw new Error(`report not added: ${added.status}`);
  return added.groupId;
}
const badAlertId = [{ request: { path: '/alerts/NOT-AN-ID' }, field: 'id' }];
const badAlertPath = (suffix: string) => [{ request: { path: `/alerts/NOT-AN-ID/${suffix}` }, field: 'id' }];

const CASES: Record<string, Case> = {
  getMe: { roles: ROLES, ok: async () => ({ path: '/me' }) },
  listAccounts: { roles: ['admin'], ok: async () => ({ path: '/accounts' }) },
  createAccount: {
    roles: ['admin'],
    ok: async () => ({ path: '/accounts', body: { name: 'Chị Hoa', role: 'coach', area: { province: '01', commune: '00008' } } }),
    bad: async () => [
      { request: { path: '/accounts', body: { name: '', role: 'coach', area: { province: '01' } } }, field: 'name' },
      { request: { path: '/accounts', body: { name: 'A', role: 'boss', area: { province: '01' } } }, field: 'role' },
      { request: { path: '/accounts', body: { name: 'A', role: 'coach', area: { province: '1x' } } }, field: 'area.province' },
      { request: { path: '/accounts', body: { name: 'A', role: 'coach', area: { province: '01' }, extra: 1 } }, field: 'extra' },
    ],
  },
  disableAccount: {
    roles: ['admin'],
    ok: async () => ({ path: `/accounts/${(await target()).id}/disable` }),
    bad: async () => [{ request: { path: '/accounts/NOT-AN-ID/disable' }, field: 'id' }],
  },
  enableAccount: {
    roles: ['admin'],
    ok: async () => ({ path: `/accounts/${(await target()).id}/enable` }),
    bad: async () => [{ request: { path: '/accounts/x/enable' }, field: 'id' }],
  },
  newAccountToken: {
    roles: ['admin'],
    ok: async () => ({ path: `/accounts/${(await target()).id}/token` }),
    bad: async () => [{ request: { path: '/accounts/ABCDEFGHIJ/token' }, field: 'id' }],
  },
  createLink: {
    roles: ['coach', 'official', 'admin'],
    ok: async () => ({ path: '/links', body: { lessonId, note: 'Bà Tư, xóm 3', expiresInDays: 7 } }),
    bad: async () => [
      { request: { path: '/links', body: {} }, field: 'lessonId' },
      { request: { path: '/links', body: { lessonId: 42 } }, field: 'lessonId' },
      { request: { path: '/links', body: { lessonId, note: 'x'.repeat(201) } }, field: 'note' },
      { request: { path: '/links', body: { lessonId, expiresInDays: 91 } }, field: 'expiresInDays' },
      { request: { path: '/links', body: { lessonId, expiresInDays: 1.5 } }, field: 'expiresInDays' },
      { request: { path: '/links', body: [lessonId] }, field: 'body' },
    ],
  },
  listLinks: { roles: ['coach', 'official', 'admin'], ok: async () => ({ path: '/links' }) },
  listLessons: { roles: ROLES, ok: async () => ({ path: '/lessons' }) },
  revokeLink: {
    roles: ['coach', 'official', 'admin'],
    ok: async (caller) => {
      const link = await stores(server).links.create({ lessonId, coachId: caller.id, senderName: caller.name });
      return { path: `/links/${link.code}/revoke` };
    },
    bad: async () => [{ request: { path: '/links/HS0000/revoke' }, field: 'code' }],
  },
  coachResidents: {
    roles: ['coach', 'admin'],
    ok: async () => ({ path: '/coach/residents?lang=en' }),
    bad: async () => [{ request: { path: '/coach/residents?lang=fr' }, field: 'lang' }],
  },
  createAlert: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: '/alerts', body: { text: { vi: 'Cảnh báo lừa đảo' }, scamType: 'police', audience: { area: caller.area } } }),
    bad: async (caller) => [
      { request: { path: '/alerts', body: { text: { vi: '' }, audience: { area: caller.area } } }, field: 'text.vi' },
      { request: { path: '/alerts', body: { text: { vi: 'x'.repeat(1001) }, audience: { area: caller.area } } }, field: 'text.vi' },
      { request: { path: '/alerts', body: { text: { vi: 'x' }, audience: { area: { province: '1x' } } } }, field: 'audience.area.province' },
      { request: { path: '/alerts', body: { text: { vi: 'x' }, audience: { area: caller.area, channel: 'sms' } } }, field: 'audience.channel' },
      { request: { path: '/alerts', body: { text: { vi: 'x' }, scamType: 'nope', audience: { area: caller.area } } }, field: 'scamType' },
      { request: { path: '/alerts', body: { text: { vi: 'x' }, scamType: 'bank', lessonId, audience: { area: caller.area } } }, field: 'lessonId' },
      { request: { path: '/alerts', body: { text: { vi: 'x' }, audience: { area: caller.area }, extra: 1 } }, field: 'extra' },
    ],
  },
  updateAlert: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: `/alerts/${(await alertFor(caller)).id}`, body: { text: { vi: 'Cảnh báo (sửa)' }, scamType: null } }),
    bad: async (caller) => {
      const id = (await alertFor(caller)).id;
      return [
        { request: { path: '/alerts/NOT-AN-ID', body: {} }, field: 'id' },
        { request: { path: `/alerts/${id}`, body: { text: { vi: '' } } }, field: 'text.vi' },
        { request: { path: `/alerts/${id}`, body: { scheduledAt: 'tomorrow' } }, field: 'scheduledAt' },
      ];
    },
  },
  listAlerts: {
    roles: ['official', 'admin'],
    ok: async () => ({ path: '/alerts?status=draft' }),
    bad: async () => [{ request: { path: '/alerts?status=sent' }, field: 'status' }],
  },
  estimateAudience: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: '/alerts/estimate', body: { audience: { area: caller.area, locale: 'vi' } } }),
    bad: async () => [{ request: { path: '/alerts/estimate', body: { audience: {} } }, field: 'audience.area' }],
  },
  getAlert: { roles: ['official', 'admin'], ok: async (caller) => ({ path: `/alerts/${(await alertFor(caller)).id}` }), bad: async () => badAlertId },
  estimateAlert: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: `/alerts/${(await alertFor(caller)).id}/estimate` }),
    bad: async () => badAlertPath('estimate'),
  },
  submitAlert: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: `/alerts/${(await alertFor(caller)).id}/submit` }),
    bad: async () => badAlertPath('submit'),
  },
  approveAlert: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: `/alerts/${(await alertFor(caller, { status: 'pending_approval', byColleague: true })).id}/approve` }),
    bad: async () => badAlertPath('approve'),
  },
  cancelAlert: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: `/alerts/${(await alertFor(caller)).id}/cancel` }),
    bad: async () => badAlertPath('cancel'),
  },
  alertProgress: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: `/alerts/${(await alertFor(caller)).id}/progress` }),
    bad: async () => badAlertPath('progress'),
  },
  alertEvents: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: `/alerts/${(await alertFor(caller)).id}/events` }),
    bad: async () => badAlertPath('events'),
  },
  alertResults: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: `/alerts/${(await alertFor(caller)).id}/results` }),
    bad: async () => badAlertPath('results'),
  },
  recognitionStats: {
    roles: ['official', 'admin'],
    ok: async () => ({ path: '/stats/recognition' }),
    bad: async () => [{ request: { path: '/stats/recognition?area=x1' }, field: 'area' }],
  },
  listReportGroups: {
    roles: ['official', 'admin'],
    ok: async () => ({ path: '/reports/groups?limit=5' }),
    bad: async () => [
      { request: { path: '/reports/groups?limit=0' }, field: 'limit' },
      { request: { path: '/reports/groups?area=x1' }, field: 'area' },
    ],
  },
  getReportGroup: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: `/reports/groups/${await reportGroupFor(caller)}` }),
    bad: async () => [{ request: { path: '/reports/groups/NOT-AN-ID' }, field: 'id' }],
  },
  draftAlertFromReports: {
    roles: ['official', 'admin'],
    ok: async (caller) => ({ path: `/reports/groups/${await reportGroupFor(caller)}/draft-alert` }),
    bad: async () => [{ request: { path: '/reports/groups/NOT-AN-ID/draft-alert' }, field: 'id' }],
  },
  openApi: { roles: 'public', ok: async () => ({ path: '/openapi.json' }) },
};

const method = (route: ApiRoute) => (route.method === 'get' ? 'GET' : route.method === 'patch' ? 'PATCH' : 'POST');
const send = (route: ApiRoute, request: Request, token?: string) =>
  call(server, method(route), request.path, {
    ...(token === undefined ? {} : { token }),
    ...(request.body === undefined ? {} : { body: request.body }),
  });

describe('the route table', () => {
  it('has a test case for every operation, and no case for an operation that is gone', () => {
    expect(Object.keys(CASES).sort()).toEqual(API_ROUTES.map((r) => r.operationId).sort());
  });

  it('lets exactly the intended roles call each operation', () => {
    for (const route of API_ROUTES) {
      const expected = CASES[route.operationId]!.roles;
      expect(route.roles ?? 'public', route.operationId).toEqual(expected);
    }
  });
});

describe.each(API_ROUTES.filter((r) => r.roles).map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', (_name, route) => {
  const c = CASES[route.operationId]!;
  const roles = c.roles === 'public' ? [] : c.roles;
  const refused = ROLES.filter((r) => !roles.includes(r));
  const allowed: Role = roles[0] ?? 'admin';

  it('without a token: 401 unauthenticated', async () => {
    const caller = (await makeAccount(server, allowed)).account;
    const res = await send(route, await c.ok(caller));
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthenticated');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('with a wrong token: 401 invalid_token', async () => {
    const caller = (await makeAccount(server, allowed)).account;
    const res = await send(route, await c.ok(caller), 'hs_not-a-real-token');
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('invalid_token');
  });

  it('with the token of a disabled account: 401', async () => {
    const { account, token } = await makeAccount(server, allowed);
    const request = await c.ok(account);
    await stores(server).accounts.setDisabled(account.id, true);
    const res = await send(route, request, token);
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('invalid_token');
  });

  it(`refuses ${refused.join(', ') || 'no role'} with 403`, async () => {
    expect([...refused, ...roles].sort()).toEqual([...ROLES].sort());
    for (const role of refused) {
      const { account, token } = await makeAccount(server, role);
      const res = await send(route, await c.ok(account), token);
      expect(res.status, role).toBe(403);
      expect(res.json.error).toMatchObject({ code: 'forbidden' });
      expect(res.json.error.message).toContain(role);
    }
  });

  it.each(roles.map((r) => [r]))('allows %s, answering what the document says', async (role) => {
    const { account, token } = await makeAccount(server, role);
    const res = await send(route, await c.ok(account), token);
    expect(res.status, JSON.stringify(res.json)).toBe(route.status);
    expect(route.response.safeParse(res.json).error).toBeUndefined();
    expect(JSON.stringify(res.json)).not.toContain('tokenHash');
  });

  if (route.params || route.query || route.body) {
    it('names the field that does not fit, with 400', async () => {
      const { account, token } = await makeAccount(server, allowed);
      const cases = await c.bad!(account);
      expect(cases.length).toBeGreaterThan(0);
      for (const { request, field } of cases) {
        const res = await send(route, request, token);
        expect(res.status, JSON.stringify(request)).toBe(400);
        expect(res.json.error.code).toBe('invalid_request');
        expect(res.json.error.message).toContain(field);
      }
    });
  }

  if (route.method !== 'get') {
    // 32 kB unless the route says otherwise (an alert may carry a 1 MB picture as base64).
    const limitKb = Math.round((route.bodyLimit ?? 32 * 1024) / 1024);
    it('malformed JSON: 400 malformed_json', async () => {
      const { account, token } = await makeAccount(server, allowed);
      const { path } = await c.ok(account);
      const res = await call(server, method(route), path, { token, raw: '{"lessonId": "scam-sms-quiz",' });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('malformed_json');
    });

    it(`a body over ${limitKb} kB: 413`, async () => {
      const { account, token } = await makeAccount(server, allowed);
      const { path } = await c.ok(account);
      const res = await call(server, method(route), path, { token, body: { lessonId, note: 'x'.repeat((limitKb + 1) * 1024) } });
      expect(res.status).toBe(413);
      expect(res.json.error.code).toBe('payload_too_large');
    });

    it(`a body just under ${limitKb} kB is read (and judged on its fields)`, async () => {
      const { account, token } = await makeAccount(server, allowed);
      const { path } = await c.ok(account);
      const res = await call(server, method(route), path, { token, body: { lessonId, note: 'x'.repeat((limitKb - 1) * 1024) } });
      expect(res.status).not.toBe(413);
      expect(res.json.error?.code).not.toBe('payload_too_large');
    });
  }
});

describe('public operations', () => {
  it('GET /openapi.json needs no token', async () => {
    const res = await call(server, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
  });

  it('an unknown operation under /api/v1: a JSON 404 pointing at the document', async () => {
    const { token } = await makeAccount(server, 'admin');
    const res = await call(server, 'GET', '/accounts/abc/frobnicate', { token });
    expect(res.status).toBe(404);
    expect(res.json.error.message).toContain('/api/v1/openapi.json');
  });
});
