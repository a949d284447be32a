/**
 * The Zalo token pair on real Redis (a prefix per test) against a fake OAuth endpoint (nock): seeding,
 * refreshing early and after a refusal, one refresher among several processes, restarts, and the
 * warnings before the refresh token lapses. Time is an injected clock, never the wall clock.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refreshTokenPair } from '../../src/channels/zalo/oauth.js';
import { createZaloTokens, StoredPair, type ZaloTokens } from '../../src/channels/zalo/token.js';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { APP_ID, APP_SECRET, FakeOAuth, OAUTH, OAUTH_URL, SEED, memoryLog, type Answer } from '../fixtures/zalo/fake-zalo.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-01-01T00:00:00Z');

let redis: ScriptedRedis;
let other: ScriptedRedis;
let prefix: string;
let now: number;
let oauth: FakeOAuth;
const clock = () => now;

function manager(opts: { conn?: ScriptedRedis; seed?: { accessToken?: string; refreshToken?: string } | null; log?: ReturnType<typeof memoryLog> } = {}) {
  const keys = createKeys(prefix);
  const log = opts.log ?? memoryLog();
  const tokens = createZaloTokens({
    redis: opts.conn ?? redis,
    key: keys.zaloToken,
    lockKey: keys.zaloTokenLock,
    ...(opts.seed === null ? {} : { seed: opts.seed ?? SEED }),
    oauthUrl: OAUTH_URL,
    appId: APP_ID,
    appSecret: APP_SECRET,
    log,
    clock,
    waitMs: 10,
  });
  return { tokens, log };
}

async function stored(): Promise<StoredPair | undefined> {
  const raw = await redis.get(createKeys(prefix).zaloToken);
  return raw ? StoredPair.parse(JSON.parse(raw)) : undefined;
}

/** No log line may hold a token. */
function expectNoTokens(lines: unknown[]): void {
  const all = JSON.stringify(lines);
  for (const secret of ['zalo-access', 'zalo-refresh', APP_SECRET]) expect(all).not.toContain(secret);
}

beforeAll(async () => {
  nock.disableNetConnect();
  redis = await testRedis();
  other = await testRedis();
});
beforeEach(() => {
  prefix = uniquePrefix('zalo-token');
  now = T0;
  oauth = new FakeOAuth().install();
});
afterEach(async () => {
  nock.cleanAll();
  await dropPrefix(redis, prefix);
});
afterAll(async () => {
  nock.enableNetConnect();
  await Promise.all([redis.quit(), other.quit()]);
});

describe('zalo tokens: seeding and restarts', () => {
  it('seeds from the environment on first start only; afterwards Redis wins, across restarts', async () => {
    const first = manager();
    expect(await first.tokens.accessToken()).toBe(SEED.accessToken);
    expect(await stored()).toMatchObject({ ...SEED, source: 'env', accessExpiresAt: T0 + 25 * HOUR, refreshExpiresAt: T0 + 90 * DAY });
    expect(oauth.requests).toHaveLength(0);

    now += 25 * HOUR; // the seeded access token has lapsed: the first use refreshes
    expect(await first.tokens.accessToken()).toBe('zalo-access-1');
    expect(oauth.requests).toHaveLength(1);

    // A restart with the same (used-up) env pair, on another connection: the stored pair is used as is.
    const restarted = manager({ conn: other });
    expect(await restarted.tokens.accessToken()).toBe('zalo-access-1');
    expect(await stored()).toMatchObject({ accessToken: 'zalo-access-1', refreshToken: 'zalo-refresh-1', source: 'refresh' });
    expect(oauth.requests).toHaveLength(1);
  });

  it('a burst of sends reads the pair once a second, not per send; a token refused meanwhile is read again, not refreshed', async () => {
    const { tokens } = manager();
    expect(await tokens.accessToken()).toBe(SEED.accessToken);
    // Another process stored a newer pair: within the second this one still sends with what it read…
    await redis.set(createKeys(prefix).zaloToken, JSON.stringify({ ...(await stored())!, accessToken: 'zalo-access-other' }));
    expect(await tokens.accessToken()).toBe(SEED.accessToken);
    // …and when the API refuses that token, it reads Redis again and takes the newer pair, with no OAuth call.
    expect(await tokens.refreshAfterRejection(SEED.accessToken)).toBe('zalo-access-other');
    expect(await tokens.accessToken()).toBe('zalo-access-other');
    expect(oauth.requests).toHaveLength(0);
  });

  it('without a stored pair or both env values there is no token, and readiness says so', async () => {
    const none = manager({ seed: null });
    expect(await none.tokens.accessToken()).toBeUndefined();
    expect(await none.tokens.status()).toEqual({ state: 'missing' });
    const half = manager({ seed: { accessToken: SEED.accessToken } });
    expect(await half.tokens.accessToken()).toBeUndefined();
    expect(half.log.lines.some((l) => l.level === 'warn' && l.msg.includes('both ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN'))).toBe(true);
    expect(await stored()).toBeUndefined();
  });
});

describe('zalo tokens: refreshing', () => {
  it('refreshes before use when less than 10 minutes are left: form-encoded, secret_key header, new pair stored', async () => {
    const { tokens, log } = manager();
    await tokens.accessToken();
    now = T0 + 25 * HOUR - 11 * MIN;
    expect(await tokens.accessToken()).toBe(SEED.accessToken); // 11 minutes left: not yet
    expect(oauth.requests).toHaveLength(0);

    let storedWhenAsked: StoredPair | undefined;
    oauth.onRequest = async () => {
      storedWhenAsked = await stored();
    };
    now = T0 + 25 * HOUR - 9 * MIN;
    expect(await tokens.accessToken()).toBe('zalo-access-1');
    expect(oauth.requests).toHaveLength(1);
    const [req] = oauth.requests;
    expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req!.headers['secret_key']).toBe(APP_SECRET);
    expect(req!.form).toEqual({ refresh_token: SEED.refreshToken, app_id: APP_ID, grant_type: 'refresh_token' });
    expect(storedWhenAsked?.accessToken).toBe(SEED.accessToken);
    // expires_in came as the string "90000" (seconds).
    expect(await stored()).toMatchObject({ accessToken: 'zalo-access-1', refreshToken: 'zalo-refresh-1', accessExpiresAt: now + 90_000_000, refreshExpiresAt: now + 90 * DAY });
    expect(await redis.exists(createKeys(prefix).zaloTokenLock)).toBe(0);
    expectNoTokens(log.lines);
  });

  it('after the API refused a token: refreshes once, even before expiry; not when another process already did', async () => {
    const { tokens } = manager();
    expect(await tokens.refreshAfterRejection(SEED.accessToken)).toBe('zalo-access-1');
    expect(oauth.requests).toHaveLength(1);
    // A second refusal of the OLD token (say, from a send that started before): the pair already changed.
    expect(await tokens.refreshAfterRejection(SEED.accessToken)).toBe('zalo-access-1');
    expect(oauth.requests).toHaveLength(1);
    // The new token refused too: one more refresh, with the new refresh token.
    expect(await tokens.refreshAfterRejection('zalo-access-1')).toBe('zalo-access-2');
    expect(oauth.requests.map((r) => r.form.refresh_token)).toEqual([SEED.refreshToken, 'zalo-refresh-1']);
  });

  it('two processes racing to refresh: exactly one OAuth call, both use the new token', async () => {
    const a = manager();
    const b = manager({ conn: other });
    await a.tokens.accessToken();
    now += 25 * HOUR;
    oauth.delayMs = 300; // the first refresher is slow, so the other surely tries meanwhile
    const results = await Promise.all([a.tokens.accessToken(), b.tokens.accessToken(), a.tokens.accessToken(), b.tokens.accessToken()]);
    expect(results).toEqual(['zalo-access-1', 'zalo-access-1', 'zalo-access-1', 'zalo-access-1']);
    expect(oauth.requests).toHaveLength(1);
    expect((await stored())?.refreshToken).toBe('zalo-refresh-1');
  });

  it('a refused refresh token is terminal: marked, not tried again, not ready; an admin\'s new env pair replaces it', async () => {
    const { tokens, log } = manager();
    await tokens.accessToken();
    now += 25 * HOUR;
    oauth.queue.push([200, { error: -14014, error_name: 'Invalid refresh_token', error_description: `token ${SEED.refreshToken} expired` }]);
    expect(await tokens.accessToken()).toBeUndefined();
    expect(await tokens.accessToken()).toBeUndefined();
    expect(oauth.requests).toHaveLength(1);
    expect(await stored()).toMatchObject({ refreshToken: SEED.refreshToken, refreshError: 'oauth 200 error -14014' });
    expect((await tokens.status()).state).toBe('refresh_refused');
    expect(log.lines.some((l) => l.level === 'error' && l.msg.includes('authorise the app again'))).toBe(true);
    expectNoTokens(log.lines);

    // The same used-up env pair on a restart changes nothing; a new one is taken.
    expect(await manager({ conn: other }).tokens.accessToken()).toBeUndefined();
    const fresh = manager({ conn: other, seed: { accessToken: 'zalo-access-reauth', refreshToken: 'zalo-refresh-reauth' } });
    expect(await fresh.tokens.accessToken()).toBe('zalo-access-reauth');
    expect((await fresh.tokens.status()).state).toBe('ok');
  });

  it('a refresh that fails for a passing reason keeps the pair, uses the old token while it lasts, and tries again later', async () => {
    const { tokens } = manager();
    await tokens.accessToken();
    now = T0 + 25 * HOUR - 5 * MIN;
    oauth.queue.push([503, 'Service Unavailable']);
    expect(await tokens.accessToken()).toBe(SEED.accessToken);
    expect(await tokens.accessToken()).toBe(SEED.accessToken); // within the back-off: no second call
    expect(oauth.requests).toHaveLength(1);
    expect(await stored()).not.toHaveProperty('refreshError');
    now += 1 * MIN;
    expect(await tokens.accessToken()).toBe('zalo-access-1');
    expect(oauth.requests).toHaveLength(2);
    expect(oauth.requests[1]!.form.refresh_token).toBe(SEED.refreshToken);
  });

  it('a network error during the refresh is a passing failure too', async () => {
    nock.cleanAll();
    nock('http://zalo-oauth.test').post('/v4/oa/access_token').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const { tokens } = manager();
    await tokens.accessToken();
    now += 25 * HOUR - 1 * MIN;
    expect(await tokens.accessToken()).toBe(SEED.accessToken);
    expect(await stored()).toMatchObject({ accessToken: SEED.accessToken });
    expect(await stored()).not.toHaveProperty('refreshError');
  });
});

describe('zalo tokens: readiness and warnings', () => {
  let tokens: ZaloTokens;
  let log: ReturnType<typeof memoryLog>;
  beforeEach(async () => {
    ({ tokens, log } = manager());
    await tokens.accessToken();
  });

  it('ok with time to spare; a warning within 14 days of the refresh token lapsing; not ready once it lapsed', async () => {
    expect(await tokens.status()).toEqual({ state: 'ok', accessExpiresAt: T0 + 25 * HOUR, refreshExpiresAt: T0 + 90 * DAY });
    now = T0 + 76 * DAY - 1;
    expect((await tokens.status()).state).toBe('ok');
    now = T0 + 76 * DAY + 1;
    expect((await tokens.status()).state).toBe('refresh_expiring');
    now = T0 + 90 * DAY;
    expect((await tokens.status()).state).toBe('refresh_expired');
  });

  it('check() refreshes when due; when refreshes keep failing it warns before the lapse, once a day', async () => {
    now = T0 + 80 * DAY;
    oauth.queue.push([500, {}], [500, {}], [500, {}]);
    expect((await tokens.check()).state).toBe('refresh_expiring');
    now += 1 * HOUR;
    expect((await tokens.check()).state).toBe('refresh_expiring');
    const warnings = () => log.lines.filter((l) => l.msg.includes('lapses soon'));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.fields).toEqual({ refreshTokenExpiresInDays: 10 });
    now += 1 * DAY;
    await tokens.check();
    expect(warnings()).toHaveLength(2);
    // Once a refresh works, the new refresh token has 90 days again.
    now += 1 * HOUR;
    expect((await tokens.check()).state).toBe('ok');
    expect(await stored()).toMatchObject({ refreshToken: 'zalo-refresh-1', refreshExpiresAt: now + 90 * DAY });
    expectNoTokens(log.lines);
  });
});

describe('zalo OAuth: classifying the token endpoint\'s answers', () => {
  const pair = { access_token: 'zalo-access-x', refresh_token: 'zalo-refresh-x' };
  it.each([
    ['a new pair (expires_in a string)', [200, { ...pair, expires_in: '90000' }], { ok: true, accessToken: 'zalo-access-x', refreshToken: 'zalo-refresh-x', expiresInS: 90000 }],
    ['a new pair (expires_in a number)', [200, { ...pair, expires_in: 3600 }], { ok: true, expiresInS: 3600 }],
    ['HTTP 200 with an error code', [200, { error: -14014, error_name: 'Invalid refresh token' }], { ok: false, terminal: true, reason: 'oauth 200 error -14014' }],
    ['HTTP 400 with an error code', [400, { error: -14002 }], { ok: false, terminal: true, reason: 'oauth 400 error -14002' }],
    ['HTTP 401 without a body', [401, ''], { ok: false, terminal: true, reason: 'oauth 401' }],
    ['429', [429, {}], { ok: false, terminal: false, reason: 'oauth 429' }],
    ['502', [502, 'Bad Gateway'], { ok: false, terminal: false, reason: 'oauth 502' }],
    ['HTTP 200, not JSON', [200, '<html>maintenance</html>'], { ok: false, terminal: false }],
    ['HTTP 200 without a refresh token', [200, { access_token: 'zalo-access-x', expires_in: '90000' }], { ok: false, terminal: false }],
  ] as [string, Answer, object][])('%s', async (_label, answer, expected) => {
    nock.cleanAll();
    nock(OAUTH).post('/v4/oa/access_token').reply(answer[0], answer[1] as nock.Body);
    const result = await refreshTokenPair({ oauthUrl: OAUTH_URL, appId: APP_ID, appSecret: APP_SECRET }, 'zalo-refresh-old');
    expect(result).toMatchObject(expected);
    if (!result.ok) expect(result.reason).not.toContain('zalo-');
  });

  it('a slow endpoint times out as a passing failure', async () => {
    nock.cleanAll();
    nock(OAUTH).post('/v4/oa/access_token').delay(500).reply(200, { ...pair, expires_in: '90000' });
    const result = await refreshTokenPair({ oauthUrl: OAUTH_URL, appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 50 }, 'zalo-refresh-old');
    expect(result).toEqual({ ok: false, terminal: false, reason: 'oauth timeout' });
  });
});
