/**
 * Logs at debug level while real traffic goes through: a signed Messenger webhook carrying a phone
 * number (and a forged one), a web-channel message, a coach signing in with a bearer token, an admin
 * creating an account, a metrics scrape. None of the PSID, the texts, the phone numbers, the names or
 * any token may appear in what was logged. Lines written while handling a request carry its id.
 */
import { createHmac, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { call, makeAccount } from '../api/client.js';
import { FakePlatforms, TOKENS } from '../broadcast/fake-platforms.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { deliverText, settled, waitFor } from '../helpers/spawned.js';
import { WebResident } from '../helpers/web-client.js';

const METRICS_TOKEN = 'metrics-secret-for-log-test-42';
const PSID = `${randomInt(1e7, 1e8)}${randomInt(1e7, 1e8)}`;
const PHONE = '0912 345 678';
const MESSENGER_TEXT = `Số điện thoại của tôi là ${PHONE}, gọi lại giúp nhé`;
const WEB_USER = `web-private-${randomInt(1e6, 1e7)}`;
const WEB_TEXT = 'Nhà tôi ở 12 Lý Thường Kiệt, sđt 0987654321';
const NEW_NAME = 'Nguyễn Thị Hoa Lý';

const fake = new FakePlatforms();
const lines: string[] = [];
let server: TestServer;

beforeAll(async () => {
  await fake.start();
  server = await startTestServer({
    env: { ...fake.env(), METRICS_TOKEN },
    log: createLogger('debug', (line) => lines.push(line)),
  });
});

afterAll(async () => {
  await server?.close();
  await fake.close();
});

/** A signed Messenger delivery of `text` from `psid`, answered with its headers. */
async function webhook(psid: string, text: string, secret: string = TOKENS.MESSENGER_APP_SECRET): Promise<Response> {
  const ts = Date.now();
  const body = Buffer.from(JSON.stringify({
    object: 'page',
    entry: [{ id: '1', time: ts, messaging: [{ sender: { id: psid }, recipient: { id: '1' }, timestamp: ts, message: { mid: `m_logs_${randomInt(1e9)}`, text } }] }],
  }));
  const res = await fetch(`${server.url}/webhooks/messenger`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
    body: new Uint8Array(body),
  });
  await res.arrayBuffer();
  return res;
}

describe('logs', () => {
  it('hold no personal data or secrets, whatever went through', async () => {
    // Messenger: a signed webhook, its replies sent through the fake Graph API; and a forged one.
    const delivered = await deliverText(server.url, PSID, `m_logs_${randomInt(1e9)}`, MESSENGER_TEXT, Date.now());
    expect(delivered.status).toBe(200);
    await waitFor('the reply was sent', () => fake.textsTo('messenger', PSID).length > 0);
    await waitFor('the resident settled', () => settled(server.redis, server.prefix, [PSID]));
    expect((await webhook(PSID, MESSENGER_TEXT, 'not-the-app-secret')).status).toBe(403);

    // The web channel.
    const resident = new WebResident(server.url, WEB_USER);
    expect((await resident.say(WEB_TEXT)).length).toBeGreaterThan(0);

    // A coach signs in with their token (and someone tries a wrong one); an admin creates an account.
    const coach = await makeAccount(server, 'coach', 'Cô Mai Hương');
    const admin = await makeAccount(server, 'admin', 'Anh Quản Trị');
    expect((await call(server, 'GET', '/me', { token: coach.token })).status).toBe(200);
    const wrongToken = `${coach.token.slice(0, -4)}zzzz`;
    expect((await call(server, 'GET', '/me', { token: wrongToken })).status).toBe(401);
    const created = await call(server, 'POST', '/accounts', { token: admin.token, body: { name: NEW_NAME, role: 'coach', area: { province: '01', commune: '00004' } } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);

    // A metrics scrape with its bearer token.
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);

    const secrets = [
      PSID, MESSENGER_TEXT, PHONE, PHONE.replace(/ /g, ''), WEB_USER, WEB_TEXT, '0987654321', NEW_NAME, 'Cô Mai Hương',
      coach.token, admin.token, wrongToken, created.json.token as string, METRICS_TOKEN,
      TOKENS.MESSENGER_PAGE_ACCESS_TOKEN, TOKENS.MESSENGER_APP_SECRET, TOKENS.ZALO_ACCESS_TOKEN, TOKENS.ZALO_REFRESH_TOKEN, TOKENS.ZALO_APP_SECRET,
    ];
    const all = lines.join('\n');
    // The traffic was logged, at debug level too: a leak would be seen.
    expect(lines.some((l) => l.includes('"level":"debug"'))).toBe(true);
    expect(all).toContain('messenger webhook received');
    expect(all).toContain('messenger webhook refused');
    for (const secret of secrets) expect(all.includes(secret), `logged: ${secret}`).toBe(false);
  });

  it('a careless call is censored by field name', () => {
    const out: string[] = [];
    const log = createLogger('debug', (l) => out.push(l));
    log.warn('oops', { text: MESSENGER_TEXT, psid: PSID, token: METRICS_TOKEN, authorization: `Bearer ${METRICS_TOKEN}`, phone: PHONE, count: 3 });
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 'warn', msg: 'oops', text: '[redacted]', psid: '[redacted]', token: '[redacted]', phone: '[redacted]', count: 3 });
    expect(out[0]).not.toContain(PHONE);
    expect(out[0]).not.toContain(METRICS_TOKEN);
  });

  it('each request has an id, echoed in X-Request-Id and carried by the lines logged while handling it', async () => {
    const given = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'trace-abc-12345' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc-12345');
    // Not a short plain token (it could carry text into the logs): replaced.
    const unsafe = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': `call me ${PHONE}` } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    // Made here: a different one for every request.
    const made = await Promise.all([1, 2, 3].map(() => fetch(`${server.url}/healthz`).then((r) => r.headers.get('x-request-id'))));
    expect(new Set([...made, unsafe.headers.get('x-request-id')]).size).toBe(4);

    // A resident whose message the platform refuses: the processor logs that, after the webhook's answer.
    const psid = `${randomInt(1e7, 1e8)}${randomInt(1e7, 1e8)}`;
    fake.policy = ({ user }) => (user === psid ? { status: 400, body: { error: { code: 100, message: 'Invalid parameter' } } } : undefined);
    const from = lines.length;
    const res = await webhook(psid, 'menu');
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    await waitFor('the refusal was logged', () => lines.slice(from).some((l) => l.includes('platform refused a message')));
    fake.policy = undefined;
    const after = lines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
    const received = after.filter((l) => l.msg === 'messenger webhook received');
    expect(received.map((l) => l.requestId)).toEqual([id]);
    // The processor's work outlives the request that woke it: its lines carry no request id.
    const dropped = after.filter((l) => l.msg === 'platform refused a message; dropped');
    expect(dropped.length).toBeGreaterThan(0);
    for (const l of dropped) expect(l.requestId).toBeUndefined();
  });
});
