/** Lesson links through the admin API: the answer's shape, the base URL, listing, revoking, and a resident using one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkView } from '../../src/api/schemas.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebResident } from '../helpers/web-client.js';
import { call, makeAccount, stores } from './client.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);
let now = T0;

let server: TestServer;
let configured: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  configured = await startTestServer({
    clock: () => now,
    env: { PUBLIC_BASE_URL: 'https://hocso.example.vn/', MESSENGER_PAGE_NAME: 'hocso.vn', ZALO_OA_ID: '4318000000000000001' },
  });
});
afterAll(async () => {
  await server.close();
  await configured.close();
});

describe('POST /api/v1/links', () => {
  it('answers the code, every way to open it, and the QR codes, from the request\'s own origin', async () => {
    const { account, token } = await makeAccount(server, 'coach', 'Anh Minh');
    const res = await call(server, 'POST', '/links', { token, body: { lessonId: 'check-link', note: ' Bà Tư, xóm 3 ', expiresInDays: 7 } });
    expect(res.status).toBe(201);
    const code = res.json.code as string;
    expect(code).toMatch(/^HS[A-Z2-9]{6}$/);
    expect(res.json).toEqual({
      code,
      lessonId: 'check-link',
      lessonTitle: { vi: 'Kiểm tra đường link', en: expect.any(String) },
      note: 'Bà Tư, xóm 3',
      createdAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + 7 * DAY).toISOString(),
      uses: 0,
      revoked: false,
      landingUrl: `${server.url}/l/${code}`,
      open: {
        web: `${server.url}/?code=${code}`,
        messenger: null,
        zalo: { url: null, instruction: { vi: `Mở trang Zalo của xã rồi gửi mã ${code}`, en: `Open the commune's Zalo page and send the code ${code}` } },
      },
      qr: { svg: `${server.url}/l/${code}/qr.svg`, png: `${server.url}/l/${code}/qr.png`, inlineSvg: expect.any(String) },
    });
    expect(LinkView.safeParse(res.json).success).toBe(true);
    // The QR code itself too (the coach page shows it even if the signal drops now): the same as its address answers.
    expect(res.json.qr.inlineSvg).toBe(await (await fetch(res.json.qr.svg)).text());
    expect(res.json.qr.inlineSvg).toMatch(/^<svg /);

    const stored = await stores(server).links.get(code);
    expect(stored).toMatchObject({ coachId: account.id, senderName: 'Anh Minh', lessonId: 'check-link', depth: 0, revoked: false });
  });

  it('lasts 30 days unless told otherwise; an empty note is no note', async () => {
    const { token } = await makeAccount(server, 'official');
    const res = await call(server, 'POST', '/links', { token, body: { lessonId: 'qr-payment', note: '   ' } });
    expect(res.status).toBe(201);
    expect(Date.parse(res.json.expiresAt) - Date.parse(res.json.createdAt)).toBe(30 * DAY);
    expect(res.json).not.toHaveProperty('note');
  });

  it('behind a proxy, uses the origin the resident will see (X-Forwarded-Proto/Host)', async () => {
    const { token } = await makeAccount(server, 'coach');
    const res = await call(server, 'POST', '/links', {
      token,
      body: { lessonId: 'check-link' },
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hocso.example.org' },
    });
    expect(res.json.landingUrl).toBe(`https://hocso.example.org/l/${res.json.code}`);
  });

  it('with PUBLIC_BASE_URL, MESSENGER_PAGE_NAME and ZALO_OA_ID: those addresses', async () => {
    const { token } = await makeAccount(configured, 'coach');
    const res = await call(configured, 'POST', '/links', { token, body: { lessonId: 'password-otp' }, headers: { 'x-forwarded-host': 'elsewhere.example' } });
    const code = res.json.code as string;
    expect(res.json.landingUrl).toBe(`https://hocso.example.vn/l/${code}`);
    expect(res.json.open).toEqual({
      web: `https://hocso.example.vn/?code=${code}`,
      messenger: `https://m.me/hocso.vn?ref=${code}`,
      zalo: {
        url: 'https://zalo.me/4318000000000000001',
        instruction: {
          vi: `Mở trang Zalo của xã (https://zalo.me/4318000000000000001) rồi gửi mã ${code}`,
          en: `Open the commune's Zalo page (https://zalo.me/4318000000000000001) and send the code ${code}`,
        },
      },
    });
    expect(res.json.qr).toEqual({ svg: `https://hocso.example.vn/l/${code}/qr.svg`, png: `https://hocso.example.vn/l/${code}/qr.png`, inlineSvg: expect.any(String) });
    // The QR code itself opens the public address too, as the server's own qr.svg does.
    expect(res.json.qr.inlineSvg).toBe(await (await fetch(`${configured.url}/l/${code}/qr.svg`)).text());
  });

  it('a body that is not declared as JSON: 400 saying how to send it', async () => {
    const { token } = await makeAccount(server, 'coach');
    const res = await call(server, 'POST', '/links', { token, raw: JSON.stringify({ lessonId: 'check-link' }), headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({ code: 'invalid_request', message: 'Send a JSON body with "Content-Type: application/json".' });
  });

  it('an unknown lesson: 400 listing the lessons there are, in menu order', async () => {
    const { token } = await makeAccount(server, 'coach');
    const res = await call(server, 'POST', '/links', { token, body: { lessonId: 'how-to-fly' } });
    expect(res.status).toBe(400);
    const ids = loadLessonsOrThrow(resolveFlowsDir('flows')).list.map((c) => c.flow.id);
    expect(res.json.error).toMatchObject({ code: 'unknown_lesson', details: { field: 'lessonId', valid: ids } });
    for (const id of ids) expect(res.json.error.message).toContain(id);
    expect(await stores(server).links.listForCoach('nobody')).toEqual([]);
  });
});

describe('GET /api/v1/links and revoking', () => {
  it('lists only the caller\'s links, newest first', async () => {
    const mine = await makeAccount(server, 'coach');
    const theirs = await makeAccount(server, 'coach');
    const codes: string[] = [];
    for (const lessonId of ['check-link', 'qr-payment', 'after-scam']) {
      now += 60_000;
      codes.push((await call(server, 'POST', '/links', { token: mine.token, body: { lessonId } })).json.code);
    }
    const other = (await call(server, 'POST', '/links', { token: theirs.token, body: { lessonId: 'check-link' } })).json.code;
    const res = await call(server, 'GET', '/links', { token: mine.token });
    expect(res.status).toBe(200);
    expect(res.json.links.map((l: { code: string }) => l.code)).toEqual([...codes].reverse());
    expect(res.json.links.map((l: { lessonId: string }) => l.lessonId)).toEqual(['after-scam', 'qr-payment', 'check-link']);
    expect(res.json.links.map((l: { code: string }) => l.code)).not.toContain(other);
    expect(res.json.links[0].landingUrl).toBe(`${server.url}/l/${codes[2]}`);
    // Addresses of the QR codes only: the SVGs themselves would make a long list heavy on a weak signal.
    expect(res.json.links[0].qr).toEqual({ svg: `${server.url}/l/${codes[2]}/qr.svg`, png: `${server.url}/l/${codes[2]}/qr.png` });
  });

  it('revokes one\'s own link; the link then resolves as revoked', async () => {
    const { token } = await makeAccount(server, 'coach');
    const code = (await call(server, 'POST', '/links', { token, body: { lessonId: 'check-link' } })).json.code;
    const res = await call(server, 'POST', `/links/${code}/revoke`, { token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ code, revoked: true });
    expect(await stores(server, () => now).links.resolve(code)).toEqual({ ok: false, code, reason: 'revoked' });
    expect((await call(server, 'GET', '/links', { token })).json.links[0]).toMatchObject({ code, revoked: true });
  });

  it('another coach\'s link answers 404, exactly like a code that does not exist, and stays valid', async () => {
    const owner = await makeAccount(server, 'coach');
    const intruder = await makeAccount(server, 'admin');
    const code = (await call(server, 'POST', '/links', { token: owner.token, body: { lessonId: 'check-link' } })).json.code;
    const probe = await call(server, 'POST', `/links/${code}/revoke`, { token: intruder.token });
    const missing = await call(server, 'POST', '/links/HSZZZZZZ/revoke', { token: intruder.token });
    expect(probe.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(probe.json.error.code).toBe(missing.json.error.code);
    expect((await stores(server, () => now).links.resolve(code)).ok).toBe(true);
  });

  it('counts a resident opening the link on the web', async () => {
    const { token } = await makeAccount(server, 'coach', 'Chị Hoa');
    const code = (await call(server, 'POST', '/links', { token, body: { lessonId: 'check-link' } })).json.code;
    const resident = new WebResident(server.url);
    const { status } = await resident.post({ ref: code });
    expect(status).toBe(200);
    expect(resident.said).toContain('Chị Hoa');
    const listed = (await call(server, 'GET', '/links', { token })).json.links;
    expect(listed.find((l: { code: string }) => l.code === code)).toMatchObject({ uses: 1 });
  });

  it('carries how the coach says the resident is addressed: the bot is "cháu" to "bác Tư" from its first message', async () => {
    const { token } = await makeAccount(server, 'coach', 'Chị Hoa');
    const made = await call(server, 'POST', '/links', { token, body: { lessonId: 'check-link', note: 'bác Tư', address: 'bac' } });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ address: 'bac' });
    const resident = new WebResident(server.url);
    await resident.post({ ref: made.json.code });
    expect(resident.said).toContain('Chị Hoa (tổ công nghệ số) gửi bác bài «Kiểm tra đường link»');
    expect(resident.said).toContain('Bác đồng ý không?');
    const wrong = await call(server, 'POST', '/links', { token, body: { lessonId: 'check-link', address: 'ong' } });
    expect(wrong.status).toBe(400);
  });
});

describe('POST /api/v1/links with an idempotency key (a retry after a lost answer)', () => {
  const KEY = 'k-0123456789abcdef0123456789abcdef';

  it('the same key again answers the same link, and the coach has one link, not two', async () => {
    const { account, token } = await makeAccount(server, 'coach');
    const body = { lessonId: 'check-link', note: 'nhà bác Tư, xóm 3', expiresInDays: 7, idempotencyKey: KEY };
    const first = await call(server, 'POST', '/links', { token, body });
    const again = await call(server, 'POST', '/links', { token, body });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect((await stores(server).links.listForCoach(account.id)).map((l) => l.code)).toEqual([first.json.code]);
    // Kept a day, then forgotten (a new link may then reuse the key).
    const ttl = await server.redis.ttl(stores(server).keys.linkRequest(account.id, KEY));
    expect(ttl).toBeGreaterThan(23 * 60 * 60);
    expect(ttl).toBeLessThanOrEqual(24 * 60 * 60);
  });

  it('tries at the same moment with one key make one link; without a key, each makes its own', async () => {
    const { account, token } = await makeAccount(server, 'coach');
    const body = { lessonId: 'qr-payment', idempotencyKey: KEY };
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(server, 'POST', '/links', { token, body })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.json.code)).size).toBe(1);
    expect(await stores(server).links.listForCoach(account.id)).toHaveLength(1);

    await call(server, 'POST', '/links', { token, body: { lessonId: 'qr-payment' } });
    await call(server, 'POST', '/links', { token, body: { lessonId: 'qr-payment' } });
    expect(await stores(server).links.listForCoach(account.id)).toHaveLength(3);
  });

  it('a key is the caller’s own: another coach’s same key makes their own link', async () => {
    const a = await makeAccount(server, 'coach');
    const b = await makeAccount(server, 'coach');
    const body = { lessonId: 'check-link', idempotencyKey: KEY };
    const codeA = (await call(server, 'POST', '/links', { token: a.token, body })).json.code;
    const codeB = (await call(server, 'POST', '/links', { token: b.token, body })).json.code;
    expect(codeB).not.toBe(codeA);
    expect((await stores(server).links.get(codeB))?.coachId).toBe(b.account.id);
  });

  it('the same key for another lesson, note, form of address or duration: 409, and nothing is made', async () => {
    const { account, token } = await makeAccount(server, 'coach');
    const made = await call(server, 'POST', '/links', { token, body: { lessonId: 'check-link', note: 'bác Tư', idempotencyKey: KEY } });
    for (const change of [{ lessonId: 'qr-payment' }, { note: 'bác Năm' }, { expiresInDays: 90 }, { address: 'bac' }]) {
      const res = await call(server, 'POST', '/links', { token, body: { lessonId: 'check-link', note: 'bác Tư', idempotencyKey: KEY, ...change } });
      expect(res.status, JSON.stringify(change)).toBe(409);
      expect(res.json.error).toMatchObject({ code: 'idempotency_key_reused', details: { field: 'idempotencyKey' } });
    }
    expect((await stores(server).links.listForCoach(account.id)).map((l) => l.code)).toEqual([made.json.code]);
  });

  it('a key that is too short or has other characters: 400 naming the field', async () => {
    const { token } = await makeAccount(server, 'coach');
    for (const idempotencyKey of ['short', 'x'.repeat(65), 'k 0123456789abcdef0123']) {
      const res = await call(server, 'POST', '/links', { token, body: { lessonId: 'check-link', idempotencyKey } });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toContain('idempotencyKey');
    }
  });
});
