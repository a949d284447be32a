/** Redis going away in the middle of a turn: a clear answer, no half-written state, and recovery. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeys } from '../../src/store/keys.js';
import { connectRedis, type ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { WebResident } from '../helpers/web-client.js';

let proxy: TcpProxy;
let viaProxy: ScriptedRedis;
let direct: ScriptedRedis;
let server: TestServer;
const prefix = uniquePrefix('outage');

beforeAll(async () => {
  proxy = await startTcpProxy();
  viaProxy = await connectRedis(proxy.url);
  // The proxy fronts the single Redis, in the Redis Cluster test run too: read that one directly.
  direct = await connectRedis(TEST_REDIS_URL);
  server = await startTestServer({ prefix, redis: viaProxy });
});
afterAll(async () => {
  await server.close();
  viaProxy.disconnect();
  await proxy.close();
  await dropPrefix(direct, prefix);
  await direct.quit();
});

const stateOf = (userId: string) => direct.hgetall(createKeys(prefix).resident(`web:${userId}`).state);

describe('Redis going away', () => {
  it('mid-turn (as the commit is sent): 503 with a plain message, state untouched, then recovers', async () => {
    const r = new WebResident(server.url);
    await r.post({});
    await r.tap(r.choices[0]!.payload);
    const before = await stateOf(r.userId);

    proxy.cutOn(/evalsha|EVALSHA/);
    const failed = await r.post({ payload: r.choices[0]!.payload, messageId: 'during-outage' });
    expect(failed.status).toBe(503);
    expect(failed.json).toMatchObject({ error: { code: 'unavailable' } });
    expect((failed.json.error as { message: string }).message).toContain('hệ thống đang bận');
    expect(await stateOf(r.userId)).toEqual(before);

    proxy.up();
    await waitFor(async () => (await fetch(`${server.url}/readyz`)).status === 200);
    const retried = await r.post({ payload: r.choices[0]!.payload, messageId: 'during-outage' });
    expect(retried.status).toBe(200);
    expect(Number((await stateOf(r.userId)).rev)).toBe(Number(before.rev) + 1);
  });

  it('/readyz says not ready while Redis is unreachable', async () => {
    proxy.down();
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { redis: 'unreachable' } });
    proxy.up();
    await waitFor(async () => (await fetch(`${server.url}/readyz`)).status === 200);
  });
});

/** Polls until `check` passes (Redis reconnects on its own schedule); fails the test after ~10 s. */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached');
}
