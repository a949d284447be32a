/**
 * The message/cs client against a fake OpenAPI and a fake OAuth endpoint (nock at the HTTP boundary),
 * with the real token pair on real Redis: request shape, classification of every answer, and the one
 * refresh after an invalid-token answer.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NO_TOKEN, TOKEN_INVALID, createZaloClient } from '../../src/channels/zalo/client.js';
import { StoredPair, createZaloTokens } from '../../src/channels/zalo/token.js';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { API, APP_ID, APP_SECRET, FakeOAuth, OAUTH_URL, SEED, memoryLog, zaloError, type Answer } from '../fixtures/zalo/fake-zalo.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const USER = '2512523625412515001';
const T0 = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;

let redis: ScriptedRedis;
let prefix: string;
let now: number;
let oauth: FakeOAuth;

function client(opts: { seed?: typeof SEED | null; timeoutMs?: number } = {}) {
  const log = memoryLog();
  const keys = createKeys(prefix);
  const tokens = createZaloTokens({
    redis, key: keys.zaloToken, lockKey: keys.zaloTokenLock,
    ...(opts.seed === null ? {} : { seed: opts.seed ?? SEED }),
    oauthUrl: OAUTH_URL, appId: APP_ID, appSecret: APP_SECRET, log, clock: () => now, waitMs: 10,
  });
  const c = createZaloClient({
    apiUrl: API, tokens, log, clock: () => now,
    mediaUrl: (p) => `https://bot.example.test/${p}`,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  return { c, log, tokens };
}

interface Seen {
  token: string | undefined;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** The stored pair's access token at the moment the request arrived. */
  storedToken: string | undefined;
}
/** message/cs answering `answers` in turn, recording what it saw. */
function cs(...answers: Answer[]): Seen[] {
  const seen: Seen[] = [];
  nock(API)
    .post('/v3.0/oa/message/cs')
    .times(answers.length)
    .reply(async function (_uri, body) {
      const raw = await redis.get(createKeys(prefix).zaloToken);
      const token = this.req.headers['access_token'];
      seen.push({
        token: typeof token === 'string' ? token : undefined,
        body,
        headers: { ...this.req.headers },
        storedToken: raw ? StoredPair.parse(JSON.parse(raw)).accessToken : undefined,
      });
      const a = answers[seen.length - 1]!;
      return [a[0], (a[1] ?? {}) as nock.Body, a[2] ?? {}] as [number, nock.Body, Record<string, string>];
    });
  return seen;
}
const accepted: Answer = [200, { error: 0, message: 'Success', data: { message_id: 'm1', user_id: USER } }];

beforeAll(async () => {
  nock.disableNetConnect();
  redis = await testRedis();
});
beforeEach(() => {
  prefix = uniquePrefix('zalo-client');
  now = T0;
  oauth = new FakeOAuth().install();
});
afterEach(async () => {
  nock.cleanAll();
  await dropPrefix(redis, prefix);
});
afterAll(async () => {
  nock.enableNetConnect();
  await redis.quit();
});

describe('zalo client: requests', () => {
  it('POSTs {recipient:{user_id}, message} to v3.0 message/cs with the token only in the access_token header', async () => {
    const seen = cs(accepted);
    const { c } = client();
    const message = { text: 'Chào bạn', attachment: { type: 'template', payload: { buttons: [{ title: 'Tiếp tục', type: 'oa.query.hide', payload: 'n:intro' }] } } };
    expect(await c.send(USER, message)).toEqual({ type: 'sent' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body).toEqual({ recipient: { user_id: USER }, message });
    expect(seen[0]!.token).toBe(SEED.accessToken);
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.headers['authorization']).toBeUndefined();
  });

  it('renders with the shared Zalo renderer and the public image URL', () => {
    const { c } = client();
    expect(c.render({ text: 'Bước 1.', image: 'media/qr-open-app.png' })).toEqual([
      { text: 'Bước 1.', attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://bot.example.test/media/qr-open-app.png' }] } } },
    ]);
  });

  it('an expired access token is refreshed before sending; the new pair is stored before it is used', async () => {
    const seen = cs(accepted, accepted);
    const { c } = client();
    expect(await c.send(USER, { text: 'x' })).toEqual({ type: 'sent' });
    now += 25 * HOUR;
    expect(await c.send(USER, { text: 'y' })).toEqual({ type: 'sent' });
    expect(oauth.requests).toHaveLength(1);
    expect(seen.map((s) => s.token)).toEqual([SEED.accessToken, 'zalo-access-1']);
    expect(seen[1]!.storedToken).toBe('zalo-access-1');
  });

  it('no token at all: retry later, nothing sent', async () => {
    const seen = cs(accepted);
    const { c } = client({ seed: null });
    expect(await c.send(USER, { text: 'x' })).toEqual({ type: 'retry', reason: NO_TOKEN });
    expect(seen).toHaveLength(0);
  });
});

describe('zalo client: classifying answers', () => {
  it.each([
    ['200 error 0', [200, { error: 0, message: 'Success' }], { type: 'sent' }],
    ['200 error -32 (rate limit)', zaloError(-32), { type: 'retry', reason: 'zalo 200 error -32' }],
    ['200 error -230 (outside 7 days)', zaloError(-230), { type: 'unreachable', reason: 'zalo 200 error -230' }],
    ['200 error -232 (outside the window)', zaloError(-232), { type: 'unreachable' }],
    ['200 error -213 (not a follower)', zaloError(-213), { type: 'unreachable' }],
    ['200 error -217 (blocked the OA)', zaloError(-217), { type: 'unreachable' }],
    ['200 error -227 (banned or inactive)', zaloError(-227), { type: 'unreachable' }],
    ['200 error -244 (restricted this message type)', zaloError(-244), { type: 'unreachable' }],
    ['200 error -210 (text too long)', zaloError(-210), { type: 'failed', reason: 'zalo 200 error -210' }],
    ['200 error -211 (out of quota)', zaloError(-211), { type: 'failed' }],
    ['200 error as a string', [200, { error: '-230', message: 'x' }], { type: 'unreachable' }],
    ['200 unreadable', [200, '<html>maintenance</html>'], { type: 'retry' }],
    ['500', [500, {}], { type: 'retry', reason: 'zalo 500' }],
    ['503', [503, 'Service Unavailable'], { type: 'retry' }],
    ['429', [429, {}], { type: 'retry' }],
    ['404', [404, 'Not Found'], { type: 'failed', reason: 'zalo 404' }],
  ] as [string, Answer, object][])('%s', async (_label, answer, expected) => {
    cs(answer);
    const { c } = client();
    expect(await c.send(USER, { text: 'x' })).toMatchObject(expected);
  });

  it('honours Retry-After on -32 and 429', async () => {
    cs(zaloError(-32, 200, { 'Retry-After': '7' }), [429, {}, { 'Retry-After': '2' }]);
    const { c } = client();
    expect(await c.send(USER, { text: 'x' })).toEqual({ type: 'retry', reason: 'zalo 200 error -32', afterMs: 7000 });
    expect(await c.send(USER, { text: 'x' })).toEqual({ type: 'retry', reason: 'zalo 429', afterMs: 2000 });
  });

  it('a network error or a timeout is retried', async () => {
    // A string: nock 14 cannot fail a node:http request with an error object (nock/nock#2829).
    nock(API).post('/v3.0/oa/message/cs').replyWithError('socket hang up');
    const { c } = client();
    expect(await c.send(USER, { text: 'x' })).toMatchObject({ type: 'retry' });
    nock(API).post('/v3.0/oa/message/cs').delay(500).reply(200, { error: 0 });
    const slow = client({ timeoutMs: 50 });
    expect(await slow.c.send(USER, { text: 'x' })).toEqual({ type: 'retry', reason: 'timeout' });
  });

  it('never logs the token, the user id, the text or Zalo\'s message', async () => {
    cs([200, { error: -230, message: `User ${USER} has not interacted` }], [200, { error: -216, message: 'Access token is invalid' }], accepted);
    const { c, log } = client();
    await c.send(USER, { text: 'riêng tư' });
    await c.send(USER, { text: 'riêng tư' });
    const all = JSON.stringify(log.lines);
    expect(log.lines.length).toBeGreaterThan(0);
    for (const secret of [SEED.accessToken, 'zalo-access-1', SEED.refreshToken, APP_SECRET, USER, 'riêng tư', 'has not interacted']) {
      expect(all).not.toContain(secret);
    }
  });
});

describe('zalo client: an invalid-token answer', () => {
  it.each([-216, -220])('error %i: one refresh, the new pair stored, the message sent again with the new token', async (code) => {
    const seen = cs(zaloError(code), accepted);
    const { c } = client();
    expect(await c.send(USER, { text: 'x' })).toEqual({ type: 'sent' });
    expect(oauth.requests).toHaveLength(1);
    expect(seen.map((s) => s.token)).toEqual([SEED.accessToken, 'zalo-access-1']);
    expect(seen[1]!.storedToken).toBe('zalo-access-1');
    expect(seen[1]!.body).toEqual(seen[0]!.body);
  });

  it('the refreshed token refused too: failed, after exactly one refresh, logged as an error once', async () => {
    cs(zaloError(-216), zaloError(-216), zaloError(-216), zaloError(-216));
    const { c, log } = client();
    expect(await c.send(USER, { text: 'x' })).toEqual({ type: 'failed', reason: TOKEN_INVALID });
    expect(oauth.requests).toHaveLength(1);
    expect(await c.send(USER, { text: 'x' })).toEqual({ type: 'failed', reason: TOKEN_INVALID });
    expect(oauth.requests).toHaveLength(2);
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('the refresh itself refused: retry later without a second send', async () => {
    const seen = cs(zaloError(-216), accepted);
    oauth.queue.push([200, { error: -14014, error_name: 'Invalid refresh token' }]);
    const { c } = client();
    expect(await c.send(USER, { text: 'x' })).toMatchObject({ type: 'retry' });
    expect(seen).toHaveLength(1);
    expect(oauth.requests).toHaveLength(1);
  });
});
