/** Calls the admin API of a test server; accounts are created through the real AccountStore. */
import type { Account, NewAccount, Role } from '../../src/accounts/schema.js';
import { AccountStore } from '../../src/accounts/store.js';
import { LinkStore } from '../../src/coaching/link-store.js';
import { createKeys } from '../../src/store/keys.js';
import type { TestServer } from '../helpers/server.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  json: Record<string, any>;
}

export interface CallOptions {
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, with Content-Type: application/json (malformed or oversized bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

export async function call(server: TestServer, method: 'GET' | 'POST' | 'PATCH', path: string, opts: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined || opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = opts.raw ?? JSON.stringify(opts.body);
  }
  const res = await fetch(`${server.url}/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  let json: Record<string, any>;
  try {
    json = JSON.parse(text) as Record<string, any>;
  } catch {
    throw new Error(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, json };
}

const AREA: Record<Role, NewAccount['area']> = {
  coach: { province: '01', commune: '00004' },
  official: { province: '02', district: '026', commune: '00715' },
  admin: { province: '01' },
};

/** The test server's stores, on its own prefix. */
export function stores(server: TestServer, clock?: () => number) {
  const keys = createKeys(server.prefix);
  return { keys, accounts: new AccountStore(server.redis, keys, clock), links: new LinkStore(server.redis, keys, clock) };
}

export async function makeAccount(server: TestServer, role: Role, name = `Test ${role}`): Promise<{ account: Account; token: string }> {
  return stores(server).accounts.create({ name, role, area: AREA[role] });
}
