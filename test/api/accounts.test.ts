/** Accounts through the admin API: areas checked against the list, tokens shown once, disable, enable, new token. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/accounts/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { call, makeAccount, stores } from './client.js';

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = (await makeAccount(server, 'admin', 'Admin')).token;
});
afterAll(async () => {
  await server.close();
});

const create = (body: unknown) => call(server, 'POST', '/accounts', { token: admin, body });

describe('POST /api/v1/accounts', () => {
  it('creates an account whose token works at once, answering it this once', async () => {
    const res = await create({ name: '  Anh Minh ', role: 'coach', area: { province: '01', commune: '00004' } });
    expect(res.status).toBe(201);
    expect(res.json.account).toMatchObject({
      name: 'Anh Minh',
      role: 'coach',
      area: { province: '01', commune: '00004' },
      areaName: 'Phường Ba Đình, Thành phố Hà Nội',
      disabled: false,
    });
    expect(res.json.account).not.toHaveProperty('tokenHash');
    expect(res.json.token).toMatch(/^hs_[A-Za-z0-9_-]{40,}$/);

    const me = await call(server, 'GET', '/me', { token: res.json.token });
    expect(me.status).toBe(200);
    expect(me.json.account).toEqual(res.json.account);

    // Only the hash is kept.
    const stored = await server.redis.get(stores(server).keys.account(res.json.account.id));
    expect(stored).not.toContain(res.json.token);
    expect(JSON.parse(stored!).tokenHash).toBe(hashToken(res.json.token));
  });

  it('GET /me gives an official the districts and communes inside their area, for the console to offer by name', async () => {
    const province = await create({ name: 'Anh Tỉnh', role: 'official', area: { province: '02' } });
    const me = await call(server, 'GET', '/me', { token: province.json.token });
    expect(me.json.areas).toEqual([
      { area: { province: '02', district: '026' }, name: 'Huyện Đồng Văn', kind: 'district' },
      { area: { province: '02', district: '026', commune: '00715' }, name: expect.any(String), kind: 'commune' },
      { area: { province: '02', district: '026', commune: '00721' }, name: expect.any(String), kind: 'commune' },
      { area: { province: '02', district: '027' }, name: 'Huyện Mèo Vạc', kind: 'district' },
      { area: { province: '02', district: '027', commune: '00777' }, name: expect.any(String), kind: 'commune' },
    ]);
    const district = await create({ name: 'Chị Huyện', role: 'official', area: { province: '02', district: '027' } });
    expect((await call(server, 'GET', '/me', { token: district.json.token })).json.areas.map((a: { area: { commune?: string } }) => a.area.commune)).toEqual(['00777']);
    const commune = await create({ name: 'Anh Xã', role: 'coach', area: { province: '01', commune: '00004' } });
    expect((await call(server, 'GET', '/me', { token: commune.json.token })).json.areas).toEqual([]);
  });

  it('accepts the district form for a province that still has districts', async () => {
    const res = await create({ name: 'Chị Lan', role: 'official', area: { province: '02', district: '026', commune: '00715' } });
    expect(res.status).toBe(201);
    expect(res.json.account.areaName).toBe('Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang');
  });

  it.each([
    [{ province: '99' }, 'area.province', '99'],
    [{ province: '01', commune: '99999' }, 'area.commune', '99999'],
    [{ province: '01', district: '026', commune: '00715' }, 'area.district', '026'],
    [{ province: '02', commune: '00715' }, 'area.commune', '02/026/00715'],
    [{ province: '02', district: '027', commune: '00715' }, 'area.commune', '00715'],
  ])('refuses an area not in the list: %j → 400 naming %s', async (area, field, mention) => {
    const before = (await stores(server).accounts.list()).length;
    const res = await create({ name: 'X', role: 'coach', area });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'unknown_area', details: { field } });
    expect(res.json.error.message).toContain(field);
    expect(res.json.error.message).toContain(mention);
    expect((await stores(server).accounts.list()).length).toBe(before);
  });
});

describe('GET /api/v1/accounts', () => {
  it('lists accounts, oldest first, with area names and without token hashes', async () => {
    const a = (await makeAccount(server, 'coach', 'Listed A')).account;
    const b = (await makeAccount(server, 'official', 'Listed B')).account;
    const res = await call(server, 'GET', '/accounts', { token: admin });
    expect(res.status).toBe(200);
    const ids = res.json.accounts.map((x: { id: string }) => x.id);
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(res.json.accounts.find((x: { id: string }) => x.id === b.id)).toMatchObject({ name: 'Listed B', areaName: 'Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang' });
    expect(JSON.stringify(res.json)).not.toContain('tokenHash');
  });
});

describe('disable, enable, new token', () => {
  it('a disabled account\'s token stops working; enabled, it works again', async () => {
    const { account, token } = await makeAccount(server, 'coach');
    const disabled = await call(server, 'POST', `/accounts/${account.id}/disable`, { token: admin });
    expect(disabled.status).toBe(200);
    expect(disabled.json.account).toMatchObject({ id: account.id, disabled: true });
    expect((await call(server, 'GET', '/me', { token })).status).toBe(401);

    const enabled = await call(server, 'POST', `/accounts/${account.id}/enable`, { token: admin });
    expect(enabled.json.account.disabled).toBe(false);
    expect((await call(server, 'GET', '/me', { token })).status).toBe(200);
  });

  it('a new token replaces the old one at once', async () => {
    const { account, token } = await makeAccount(server, 'coach');
    const res = await call(server, 'POST', `/accounts/${account.id}/token`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.json.account.id).toBe(account.id);
    expect(res.json.token).not.toBe(token);
    expect((await call(server, 'GET', '/me', { token })).status).toBe(401);
    expect((await call(server, 'GET', '/me', { token: res.json.token })).json.account.id).toBe(account.id);
  });

  it.each(['disable', 'enable', 'token'])('%s of an unknown id: 404', async (action) => {
    const res = await call(server, 'POST', `/accounts/zzzzzzzzzz/${action}`, { token: admin });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('account_not_found');
  });

  it('an admin cannot disable their own account (and lock everyone out)', async () => {
    const { account, token } = await makeAccount(server, 'admin');
    const res = await call(server, 'POST', `/accounts/${account.id}/disable`, { token });
    expect(res.status).toBe(409);
    expect((await call(server, 'GET', '/me', { token })).status).toBe(200);
  });
});

describe('GET /api/v1/me', () => {
  it.each(['coach', 'official', 'admin'] as const)('a %s sees their own account and area name', async (role) => {
    const { account, token } = await makeAccount(server, role, `Me ${role}`);
    const res = await call(server, 'GET', '/me', { token });
    expect(res.json.account).toMatchObject({ id: account.id, role, name: `Me ${role}` });
    expect(res.json.account.areaName).toMatch(/Thành phố Hà Nội|Tỉnh Hà Giang/);
  });

  it('accepts the scheme name in any case, and refuses other schemes', async () => {
    const { token } = await makeAccount(server, 'coach');
    expect((await call(server, 'GET', '/me', { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
    expect((await call(server, 'GET', '/me', { headers: { authorization: `Basic ${token}` } })).status).toBe(401);
  });
});
