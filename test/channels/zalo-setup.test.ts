/**
 * The Zalo channel's configuration branches and Redis going away: when the channel is on, which id a
 * signature may start with (ZALO_SIGNATURE_ID), and what a delivery or a send does without Redis.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createZaloClient } from '../../src/channels/zalo/client.js';
import { createZaloTokens } from '../../src/channels/zalo/token.js';
import { createKeys } from '../../src/store/keys.js';
import { connectRedis, type ScriptedRedis } from '../../src/store/redis.js';
import {
  APP_ID, APP_SECRET, ENV, FakeOAuth, FakeOpenApi, OAUTH_URL, OA_ID, SEED, API, bytesOf, deliver, memoryLog, newUser, sign, textEvent, waitFor,
} from '../fixtures/zalo/fake-zalo.js';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const api = new FakeOpenApi();
const oauth = new FakeOAuth();
const servers: TestServer[] = [];
const start = async (env: Record<string, string>, redis?: ScriptedRedis) => {
  const s = await startTestServer({ env, ...(redis ? { redis } : {}) });
  servers.push(s);
  return s;
};

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  api.install();
  oauth.install();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('zalo channel: configuration', () => {
  it.each(['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY'])('is off without %s: no route, no client', async (name) => {
    const env: Record<string, string> = { ...ENV };
    delete env[name];
    const s = await start(env);
    expect(s.app.channels.map((c) => c.id)).not.toContain('zalo');
    const event = textEvent(newUser(), 'Xin chào');
    expect((await deliver(s.url, event)).status).toBe(404);
  });

  it('ZALO_SIGNATURE_ID=app_id refuses a signature made with the OA id', async () => {
    const s = await start({ ...ENV, ZALO_SIGNATURE_ID: 'app_id' });
    const event = textEvent(newUser(), 'Xin chào');
    const bytes = bytesOf(event);
    expect((await deliver(s.url, bytes, sign(bytes, event.timestamp, OA_ID))).status).toBe(403);
    expect((await deliver(s.url, bytes, sign(bytes, event.timestamp, APP_ID))).status).toBe(200);
  });

  it('ZALO_SIGNATURE_ID=oa_id accepts only the OA id; without ZALO_OA_ID every delivery is refused', async () => {
    const s = await start({ ...ENV, ZALO_SIGNATURE_ID: 'oa_id' });
    const event = textEvent(newUser(), 'Xin chào');
    const bytes = bytesOf(event);
    expect((await deliver(s.url, bytes, sign(bytes, event.timestamp, APP_ID))).status).toBe(403);
    expect((await deliver(s.url, bytes, sign(bytes, event.timestamp, OA_ID))).status).toBe(200);

    const noOa: Record<string, string> = { ...ENV, ZALO_SIGNATURE_ID: 'oa_id' };
    delete noOa.ZALO_OA_ID;
    const t = await start(noOa);
    for (const id of [APP_ID, OA_ID]) expect((await deliver(t.url, bytes, sign(bytes, event.timestamp, id))).status).toBe(403);
  });
});

describe('zalo channel: Redis going away', () => {
  let proxy: TcpProxy;
  let viaProxy: ScriptedRedis;
  let direct: ScriptedRedis;
  const prefix = uniquePrefix('zalo-outage');
  beforeAll(async () => {
    proxy = await startTcpProxy();
    viaProxy = await connectRedis(proxy.url);
    // The proxy fronts the single Redis, in the Redis Cluster test run too: read that one directly.
    direct = await connectRedis(TEST_REDIS_URL);
  });
  let s: TestServer | undefined;
  afterEach(() => proxy.up());
  afterAll(async () => {
    await s?.close();
    viaProxy.disconnect();
    await proxy.close();
    await dropPrefix(direct, prefix);
    await direct.quit();
  });

  it('a delivery that cannot be taken in gets 503 (Zalo redelivers); the redelivery is handled once', async () => {
    const server = await startTestServer({ env: ENV, redis: viaProxy });
    s = server;
    await waitFor('token pair seeded', async () => (await direct.exists(createKeys(server.prefix).zaloToken)) === 1);
    const user = newUser();
    const event = textEvent(user, 'Xin chào');
    proxy.down();
    const refused = await deliver(server.url, event);
    expect([refused.status, refused.json?.error?.code]).toEqual([503, 'unavailable']);
    proxy.up();
    await waitFor('redis back', async () => (await fetch(`${server.url}/readyz`)).status === 200);
    expect(api.for(user)).toHaveLength(0);

    expect((await deliver(server.url, event)).status).toBe(200);
    await waitFor('answered', () => api.delivered(user).length > 0);
    const k = createKeys(server.prefix).resident(`zalo:${user}`);
    await waitFor('settled', async () => (await direct.llen(k.outbox)) === 0 && (await direct.zcard(k.inbox)) === 0);
    await server.app.processor.idle();
    expect(JSON.parse((await direct.hget(k.state, 'doc'))!)).toMatchObject({ turns: 1 });
  });

  it('a send while the token store is unreachable is retried later, and nothing goes out', async () => {
    const keys = createKeys(prefix);
    const log = memoryLog();
    const tokens = createZaloTokens({
      redis: viaProxy, key: keys.zaloToken, lockKey: keys.zaloTokenLock, seed: SEED, oauthUrl: OAUTH_URL, appId: APP_ID, appSecret: APP_SECRET, log,
    });
    const client = createZaloClient({ apiUrl: API, tokens, log, mediaUrl: (p) => p });
    await waitFor('redis reachable', async () => (await viaProxy.ping().catch(() => '')) === 'PONG');
    const user = newUser();
    proxy.down();
    expect(await client.send(user, { text: 'x' })).toEqual({ type: 'retry', reason: 'token store unavailable' });
    expect(api.for(user)).toHaveLength(0);
    proxy.up();
    await waitFor('redis reachable', async () => (await viaProxy.ping().catch(() => '')) === 'PONG');
    expect(await client.send(user, { text: 'x' })).toEqual({ type: 'sent' });
    expect(api.for(user).map((r) => r.token)).toEqual([SEED.accessToken]);
  });
});
