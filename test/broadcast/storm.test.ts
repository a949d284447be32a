/**
 * A storm of 429s: both platforms refuse each resident's first three sends with "429, Retry-After: 1".
 * The broadcast does not send around the platforms' limits: the processor waits as told and tries
 * again, and in the end everyone gets the alert exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/schema.js';
import { call, stores } from '../api/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FakePlatforms, rateLimited } from './fake-platforms.js';
import { seedReachable, waitUntil, type Seeded } from './seed.js';

const HERE = { province: '01', commune: '09619' };
const N = 300;
const REFUSALS = 3;
const fake = new FakePlatforms();
let server: TestServer;
let official: { account: Account; token: string };
let residents: Seeded[];
const marker = `STORM-${Date.now().toString(36)}`;

beforeAll(async () => {
  await fake.start();
  fake.policy = ({ channel, n }) => (n < REFUSALS ? rateLimited(channel, 1) : undefined);
  server = await startTestServer({ env: { ...fake.env(), BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0' } });
  official = await stores(server).accounts.create({ name: 'Anh Đức', role: 'official', area: HERE });
  residents = await seedReachable(server, N, HERE);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await fake.close();
});

describe('a storm of 429s with Retry-After', () => {
  it('delivers to everyone exactly once, eventually', async () => {
    const created = await call(server, 'POST', '/alerts', {
      token: official.token,
      body: { text: { vi: `${marker} Cảnh báo: lừa đảo trúng thưởng.` }, scamType: 'prize', audience: { area: HERE } },
    });
    const id = created.json.alert.id as string;
    expect((await call(server, 'POST', `/alerts/${id}/submit`, { token: official.token })).status).toBe(200);

    await waitUntil('everyone counted as sent', async () => {
      const p = (await call(server, 'GET', `/alerts/${id}/progress`, { token: official.token })).json;
      return p.status === 'done' && p.sent === N;
    }, 90_000, 200);

    const texts = fake.delivered.filter((d) => d.message.text?.includes(marker));
    const got = new Map<string, number>();
    for (const d of texts) got.set(`${d.channel}:${d.user}`, (got.get(`${d.channel}:${d.user}`) ?? 0) + 1);
    expect(residents.filter((r) => got.get(r.id) !== 1).map((r) => `${r.id}: ${got.get(r.id) ?? 0}`)).toEqual([]);
    // The storm did happen: every resident was refused REFUSALS times before it went through.
    expect(fake.requests).toBeGreaterThanOrEqual(N * (REFUSALS + 1));
    const results = (await call(server, 'GET', `/alerts/${id}/results`, { token: official.token })).json;
    expect(results).toMatchObject({ sent: N, failed: 0, unreachable: 0, queued: N });
  }, 120_000);
});
