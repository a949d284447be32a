/**
 * The Bot Framework channel with MICROSOFT_APP_ID set: only requests carrying a Bot Connector token
 * for this app id are processed. Microsoft's OpenID metadata and signing keys are faked with nock at
 * the HTTP boundary (the SDK fetches them with node-fetch); our own server and the fake connector on
 * 127.0.0.1 stay reachable.
 */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  EmulatorUser,
  postActivity,
  snapshot,
  startBotServer,
  startFakeConnector,
  stateOf,
  type BotServer,
  type FakeConnector,
} from '../fixtures/botframework/harness.js';

const APP_ID = '00000000-0000-4000-8000-00000000b07f';
const ENV = { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'test-client-secret-123' };
const LOGIN = 'https://login.botframework.com';
const METADATA = '/v1/.well-known/openidconfiguration';
const KEYS = '/v1/.well-known/keys';
const ISSUER = 'https://api.botframework.com';

let server: BotServer;
let connector: FakeConnector;
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'test-signing-key';

const b64url = (v: Buffer | string) => Buffer.from(v).toString('base64url');

/** A JWT like the Bot Connector's: RS256, signed with `key`, claims on top of valid defaults (`serviceurl` is lower case there). */
function token(claims: Record<string, unknown>, opts: { kid?: string; key?: KeyObject } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: opts.kid ?? KID }));
  const payload = b64url(JSON.stringify({ iss: ISSUER, aud: APP_ID, nbf: now - 60, exp: now + 3600, ...claims }));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(opts.key ?? privateKey);
  return `${header}.${payload}.${b64url(signature)}`;
}

function jwks(): { keys: Record<string, unknown>[] } {
  const jwk = publicKey.export({ format: 'jwk' });
  return { keys: [{ kty: 'RSA', use: 'sig', kid: KID, n: jwk.n, e: jwk.e }] };
}

function fakeMicrosoftLogin(): void {
  nock(LOGIN).get(METADATA).reply(200, { issuer: ISSUER, jwks_uri: `${LOGIN}${KEYS}`, id_token_signing_alg_values_supported: ['RS256'] });
  nock(LOGIN).get(KEYS).reply(200, jwks());
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  [server, connector] = await Promise.all([startBotServer(ENV), startFakeConnector()]);
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(async () => {
  await server?.close();
  await connector?.close();
  nock.enableNetConnect();
});

const user = (authorization?: string) =>
  new EmulatorUser(server.url, connector.url, authorization === undefined ? {} : { authorization }, 'webchat');

describe('botframework with an app id', () => {
  it('says at start that auth is on, and /readyz reports it', async () => {
    const lines = server.log.lines.filter((l) => /Bot Framework auth/.test(l.msg));
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/auth is on/)]);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { checks: Record<string, unknown> };
    expect(ready.checks.botframework).toEqual({ auth: 'on' });
  });

  it('missing or invalid Authorization: 401, no state, nothing sent, one log line each', async () => {
    const before = await snapshot(server);
    const linesBefore = server.log.lines.length;
    const headers = [
      undefined,
      '',
      'Bearer',
      'Bearer not-a-jwt',
      `Basic ${Buffer.from(`${APP_ID}:secret`).toString('base64')}`,
      // A well-formed token from an issuer we do not trust: refused before any key lookup.
      `Bearer ${token({ iss: 'https://evil.example' })}`,
    ];
    for (const header of headers) {
      const u = user(header);
      const res = await u.post(u.message('Xin chào'));
      expect(res.status, `Authorization: ${header}`).toBe(401);
      expect(res.json?.error?.code).toBe('unauthorized');
    }
    // The channel's own conversationUpdate without a token is refused too.
    const anon = user();
    expect((await anon.post(anon.conversationUpdate())).status).toBe(401);

    expect(await snapshot(server)).toEqual(before);
    expect(connector.received).toEqual([]);
    const lines = server.log.lines.slice(linesBefore);
    expect(lines).toHaveLength(headers.length + 1);
    for (const l of lines) expect(l).toMatchObject({ level: 'warn', msg: 'botframework request refused', fields: { reason: 'unauthorized' } });
    expect(JSON.stringify(lines)).not.toContain('Xin chào');
  });

  it("Microsoft's signing keys unreachable: 503 (a retry may pass), no state", async () => {
    nock(LOGIN).get(METADATA).reply(500, 'unavailable');
    const before = await snapshot(server);
    const u = user(`Bearer ${token({ serviceurl: connector.url })}`);
    const res = await u.post(u.message('Xin chào'));
    expect(res.status).toBe(503);
    expect(res.json?.error?.code).toBe('unavailable');
    expect(await snapshot(server)).toEqual(before);
    expect(server.log.lines.at(-1)).toMatchObject({ fields: { reason: 'auth_unavailable' } });
  });

  it('a token signed by another key, for another bot, expired, or for another serviceUrl: 401, no state', async () => {
    fakeMicrosoftLogin();
    const before = await snapshot(server);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const now = Math.floor(Date.now() / 1000);
    const forged = [
      token({ serviceurl: connector.url }, { kid: 'unknown-key' }),
      token({ serviceurl: connector.url }, { key: other }),
      token({ serviceurl: connector.url, aud: '00000000-0000-4000-8000-0000000000ff' }),
      token({ serviceurl: connector.url, nbf: now - 7200, exp: now - 3600 }),
      token({ serviceurl: 'https://smba.trafficmanager.net/emea/' }),
    ];
    for (const t of forged) {
      const u = user(`Bearer ${t}`);
      expect((await u.post(u.message('Xin chào'))).status).toBe(401);
    }
    expect(await snapshot(server)).toEqual(before);
    expect(connector.received).toEqual([]);
  });

  it('a valid Bot Connector token: the turn runs (state saved); replies need the bot\'s own token, which is unreachable here', async () => {
    fakeMicrosoftLogin(); // (the keys may already be cached from the test above)
    const u = user(`Bearer ${token({ serviceurl: connector.url })}`);
    const res = await u.post(u.message('Xin chào'));
    expect(res.status).toBe(200);
    expect((await stateOf(server, u.residentId()))?.turns).toBe(1);
    // The reply could not get a token from login.microsoftonline.com (no network in tests): logged, turn kept.
    expect(connector.for(u.conversationId)).toEqual([]);
    expect(server.log.lines.filter((l) => l.msg === 'botframework replies not delivered; the turn is saved')).toHaveLength(1);
  });

  it('malformed JSON: 400; oversized: 413; both before authentication, no state', async () => {
    const before = await snapshot(server);
    const malformed = await postActivity(server.url, '{"type":"message",', { authorization: 'Bearer x' });
    expect(malformed.status).toBe(400);
    expect(malformed.json?.error?.code).toBe('malformed_json');
    const u = user();
    const big = await postActivity(server.url, { ...u.message('x'), pad: 'x'.repeat(1024 * 1024) });
    expect(big.status).toBe(413);
    expect(await snapshot(server)).toEqual(before);
  });
});
