/** The account operations: who am I, and (admins) create, list, disable, enable, new token. */
import type { AreaList } from '../accounts/areas.js';
import { NewAccount, ROLES, publicAccount, type Account } from '../accounts/schema.js';
import { AccountNotFoundError } from '../accounts/store.js';
import { ApiError, route, type ApiDeps } from './route.js';
import { AccountList, AccountParams, AccountResponse, AccountWithToken, MeResponse, type AccountView, type AreaWithin } from './schemas.js';

export function accountView(account: Account, areas: AreaList): AccountView {
  return { ...publicAccount(account), areaName: areas.describeArea(account.area) };
}

/**
 * The districts and communes inside an account's area, in the list's order, a district before its
 * communes: what an official may narrow an alert's audience to (the console offers them by name).
 *
 * @example
 * areasWithin({ province: '02' }, areas);
 * // → [{ area: { province: '02', district: '026' }, name: 'Huyện Đồng Văn', kind: 'district' },
 * //    { area: { province: '02', district: '026', commune: '00715' }, name: 'Xã Lũng Cú', kind: 'commune' }, …]
 */
export function areasWithin(area: Account['area'], areas: AreaList): AreaWithin[] {
  if (area.commune !== undefined) return [];
  const province = areas.data.provinces.find((p) => p.code === area.province);
  if (!province) return [];
  const out: AreaWithin[] = [];
  if (area.district === undefined) {
    for (const c of province.communes ?? []) out.push({ area: { province: province.code, commune: c.code }, name: c.name, kind: 'commune' });
  }
  for (const d of province.districts ?? []) {
    if (area.district !== undefined && d.code !== area.district) continue;
    if (area.district === undefined) out.push({ area: { province: province.code, district: d.code }, name: d.name, kind: 'district' });
    for (const c of d.communes) out.push({ area: { province: province.code, district: d.code, commune: c.code }, name: c.name, kind: 'commune' });
  }
  return out;
}

/** 400 naming the field when an area code is not in the deployment's list. */
export function checkArea(areas: AreaList, area: Account['area']): void {
  const check = areas.check(area);
  if (!check.ok) {
    throw new ApiError(400, 'unknown_area', `area.${check.field}: ${check.message}`, { field: `area.${check.field}` });
  }
}

async function existing<T>(id: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (err instanceof AccountNotFoundError) throw new ApiError(404, 'account_not_found', `No account has id ${id}.`);
    throw err;
  }
}

const me = route({
  method: 'get', path: '/me', operationId: 'getMe', tag: 'accounts',
  summary: 'The account of the token, with its area\'s name and the districts and communes inside it',
  roles: ROLES, response: MeResponse, status: 200,
  handle: async ({ account, deps }) => ({ account: accountView(account, deps.areas), areas: areasWithin(account.area, deps.areas) }),
});

const listAccounts = route({
  method: 'get', path: '/accounts', operationId: 'listAccounts', tag: 'accounts',
  summary: 'Every account, oldest first',
  roles: ['admin'], response: AccountList, status: 200,
  handle: async ({ deps }) => ({ accounts: (await deps.accounts.list()).map((a) => accountView(a, deps.areas)) }),
});

const createAccount = route({
  method: 'post', path: '/accounts', operationId: 'createAccount', tag: 'accounts',
  summary: 'Create a coach, official or admin account',
  description: 'The area must be in the deployment\'s area list (AREAS_FILE). The token is answered this once; only its hash is kept.',
  roles: ['admin'], body: NewAccount, response: AccountWithToken, status: 201,
  handle: async ({ body, deps }) => {
    checkArea(deps.areas, body.area);
    const { account, token } = await deps.accounts.create(body);
    return { account: accountView(account, deps.areas), token };
  },
});

function setDisabled(disabled: boolean) {
  const verb = disabled ? 'disable' : 'enable';
  return route({
    method: 'post', path: `/accounts/{id}/${verb}`, operationId: `${verb}Account`, tag: 'accounts',
    summary: disabled ? 'Disable an account: its token stops working at once' : 'Enable a disabled account again (with its current token)',
    roles: ['admin'], params: AccountParams, response: AccountResponse, status: 200, errors: disabled ? [404, 409] : [404],
    handle: async ({ account, params, deps }: { account: Account; params: { id: string }; deps: ApiDeps }) => {
      if (disabled && params.id === account.id) {
        throw new ApiError(409, 'own_account', 'You cannot disable your own account; ask another admin, or use "npm run admin -- disable".');
      }
      const next = await existing(params.id, () => deps.accounts.setDisabled(params.id, disabled));
      return { account: accountView(next, deps.areas) };
    },
  });
}

const newToken = route({
  method: 'post', path: '/accounts/{id}/token', operationId: 'newAccountToken', tag: 'accounts',
  summary: 'Give an account a new token; the old one stops working at once',
  roles: ['admin'], params: AccountParams, response: AccountWithToken, status: 200, errors: [404],
  handle: async ({ params, deps }) => {
    const { account, token } = await existing(params.id, () => deps.accounts.newToken(params.id));
    return { account: accountView(account, deps.areas), token };
  },
});

export const accountRoutes = [me, listAccounts, createAccount, setDisabled(true), setDisabled(false), newToken];
