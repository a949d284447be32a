/**
 * The resident's landing page and the QR images, on a real server with real Redis and the shipped
 * lessons; links are made with LinkStore and AccountStore directly, as the admin API would.
 */
import { createHash } from 'node:crypto';
import express from 'express';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import type { LinkStore as LinkStoreType } from '../../src/coaching/link-store.js';
import { LinkStore } from '../../src/coaching/link-store.js';
import { shareCode } from '../../src/coaching/link.js';
import { escapeHtml, html } from '../../src/coaching/pages/html.js';
import { renderUnavailable } from '../../src/coaching/pages/landing.js';
import { QR_OPTIONS } from '../../src/coaching/pages/qr.js';
import { coachingPages, openUrls } from '../../src/coaching/pages/routes.js';
import { loadConfig } from '../../src/config.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { createLogger } from '../../src/log.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { createKeys } from '../../src/store/keys.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const DAY = 24 * 3600_000;
const LESSON = 'password-otp';
const TITLE_VI = 'Mật khẩu và mã OTP';
const TITLE_EN = 'Passwords and OTP';

let now = Date.parse('2025-11-20T09:00:00Z');
let server: TestServer;
let links: LinkStore;
let coachId: string;

beforeAll(async () => {
  server = await startTestServer({ clock: () => now, env: { ZALO_OA_ID: '1234567890' } });
  const keys = createKeys(server.prefix);
  links = new LinkStore(server.redis, keys, () => now);
  const { account } = await new AccountStore(server.redis, keys, () => now).create({
    name: 'Anh Minh',
    role: 'coach',
    area: { province: '01', commune: '00004' },
  });
  coachId = account.id;
});
afterAll(async () => {
  await server?.close();
});

async function coachLink(extra: { note?: string; senderName?: string; lessonId?: string; expiresInDays?: number; address?: 'bac' | 'chi' } = {}) {
  return links.create({ lessonId: LESSON, coachId, senderName: 'Anh Minh', ...extra });
}

async function get(path: string): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(server.url + path, { redirect: 'manual' });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** The page as a resident reads it: tags removed, entities decoded, spaces collapsed. */
function text(page: string): string {
  return page
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function expectKindPage(page: { status: number; body: string; headers: Headers }) {
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.body).toContain('href="/"');
  expect(page.body).not.toMatch(/at .+\.(ts|js):\d+|Error:|stack/i);
}

describe('GET /l/:code — the landing page', () => {
  it('shows the lesson, who sent it, the code and the ways to open it, in Vietnamese', async () => {
    const link = await coachLink({ note: 'nhà bác Tư, xóm 3' });
    const page = await get(`/l/${link.code}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.body).toMatch(/^<!doctype html>\n<html lang="vi">/);
    const t = text(page.body);
    expect(t).toContain('Anh Minh (tổ công nghệ số) gửi bạn bài này');
    expect(t).toContain(TITLE_VI);
    expect(t).toContain('Khoá màn hình, mật khẩu khó đoán'); // the lesson's summary: what it teaches
    // The note is the coach's own memo (who it was for): never shown to whoever opens the link.
    expect(t).not.toContain('bác Tư');
    expect(page.body).toContain(`<p class="code" data-testid="code">${link.code}</p>`);
    // Zalo: the OA, then send the code; the web: the simulator with the code; no Messenger page configured.
    expect(page.body).toContain('href="https://zalo.me/1234567890"');
    expect(t).toContain(`gửi mã ${link.code} trong khung chat`);
    expect(page.body).toContain(`href="/?code=${link.code}"`);
    expect(page.body).not.toContain('m.me/');
    // No scripts; the inline style is allowed by its hash; not indexed; not cached for long.
    expect(page.body).not.toContain('<script');
    const css = /<style>([\s\S]*?)<\/style>/.exec(page.body)![1]!;
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(page.headers.get('x-robots-tag')).toBe('noindex');
    expect(page.headers.get('cache-control')).toBe('no-cache');
  });

  it('addresses the resident as the coach\'s link says, as the bot will ("bác"); "you" in English', async () => {
    const link = await coachLink({ address: 'bac' });
    const t = text((await get(`/l/${link.code}`)).body);
    expect(t).toContain('Anh Minh (tổ công nghệ số) gửi bác bài này');
    expect(t).toContain('Mã bài học của bác');
    expect(t).toContain('mã OTP của bác.');
    expect(t).not.toMatch(/\bbạn\b/i);
    expect(text((await get(`/l/${link.code}?lang=en`)).body)).toContain('Anh Minh of the community digital technology team sent you this lesson');
    expect(text((await get(`/l/${(await coachLink({ address: 'chi' })).code}`)).body)).toContain('Mã bài học của chị');
  });

  it('speaks English with ?lang=en, and links back to Vietnamese', async () => {
    const link = await coachLink();
    const page = await get(`/l/${link.code}?lang=en`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="en">');
    const t = text(page.body);
    expect(t).toContain('Anh Minh of the community digital technology team sent you this lesson');
    expect(t).toContain(TITLE_EN);
    expect(t).toContain('Your lesson code');
    expect(page.body).toContain('href="?lang=vi"');
    expect((await get(`/l/${link.code}`)).body).toContain('href="?lang=en"');
  });

  it('the language button names the language it goes to, in that language', async () => {
    const link = await coachLink();
    const button = (page: string) => /<a class="lang" href="([^"]*)" hreflang="([^"]*)" lang="([^"]*)" data-testid="lang">([^<]*)<\/a>/.exec(page)?.slice(1);
    // [href, hreflang, lang, label]
    expect(button((await get(`/l/${link.code}`)).body)).toEqual(['?lang=en', 'en', 'en', 'English']);
    expect(button((await get(`/l/${link.code}?lang=en`)).body)).toEqual(['?lang=vi', 'vi', 'vi', 'Tiếng Việt']);
    // the kind pages too: an unknown code, and Redis unavailable
    expect(button((await get('/l/HS7K3P9Q')).body)).toEqual(['?lang=en', 'en', 'en', 'English']);
    expect(button((await get('/l/HS7K3P9Q?lang=en')).body)).toEqual(['?lang=vi', 'vi', 'vi', 'Tiếng Việt']);
    expect(button(renderUnavailable('vi', '?lang=en'))).toEqual(['?lang=en', 'en', 'en', 'English']);
    expect(button(renderUnavailable('en', '?lang=vi'))).toEqual(['?lang=vi', 'vi', 'vi', 'Tiếng Việt']);
  });

  it('a resident’s own share link says “someone you know”, never who shared it', async () => {
    const code = shareCode('anon-123', LESSON);
    await links.ensureShare({ code, lessonId: LESSON, coachId, sharedBy: 'resident', depth: 1, createdAt: now, expiresAt: now + 90 * DAY, revoked: false });
    const page = await get(`/l/${code}`);
    expect(page.status).toBe(200);
    const t = text(page.body);
    expect(t).toContain('Một người quen gửi bạn bài này');
    expect(t).not.toContain('Anh Minh');
    expect(t).not.toContain('anon-123');
    expect(t).toContain(TITLE_VI);
  });

  it('matches the code whatever its case or dash', async () => {
    const link = await coachLink();
    for (const spelled of [link.code.toLowerCase(), `hs-${link.code.slice(2).toLowerCase()}`]) {
      const page = await get(`/l/${spelled}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain(`data-testid="code">${link.code}<`);
    }
  });

  it('escapes the sender’s name: no markup gets through', async () => {
    const link = await coachLink({
      senderName: '<script>alert("name")</script>',
      note: `<img src=x onerror=alert(1)> "quoted" & 'single' </p><script>alert(2)</script>`,
    });
    const page = await get(`/l/${link.code}`);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script');
    expect(page.body).not.toContain('<img');
    expect(page.body).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; (tổ công nghệ số) gửi bạn bài này');
    expect(page.headers.get('content-security-policy')).not.toContain('script-src');
  });

  it('an unknown code: 404, a kind page offering the menu', async () => {
    const page = await get('/l/HSZZZZZZ');
    expect(page.status).toBe(404);
    expectKindPage(page);
    const t = text(page.body);
    expect(t).toContain('Không tìm thấy mã này');
    expect(t).toContain('Xem danh mục bài học');
    expect(t).toContain('HSZZZZZZ');
    // Not a code at all: the same page, without echoing what was typed.
    const junk = await get('/l/%3Cb%3Ehello');
    expect(junk.status).toBe(404);
    expectKindPage(junk);
    expect(junk.body).not.toContain('<b>hello');
    expect(junk.body).not.toContain('hello');
  });

  it('an expired link: 410, says so and names the lesson still in the menu', async () => {
    const link = await coachLink({ expiresInDays: 7 });
    expect((await get(`/l/${link.code}`)).status).toBe(200);
    now += 8 * DAY;
    try {
      const page = await get(`/l/${link.code}`);
      expect(page.status).toBe(410);
      expectKindPage(page);
      const t = text(page.body);
      expect(t).toContain('Link này đã hết hạn');
      expect(t).toContain(`Bài “${TITLE_VI}” vẫn có trong danh mục.`);
      expect(t).not.toContain('Mở bài học');
      expect(text((await get(`/l/${link.code}?lang=en`)).body)).toContain('This link has expired');
    } finally {
      now -= 8 * DAY;
    }
  });

  it('a revoked link: 410, says the sender turned it off', async () => {
    const link = await coachLink();
    await links.revoke(link.code, coachId);
    const page = await get(`/l/${link.code}`);
    expect(page.status).toBe(410);
    expectKindPage(page);
    expect(text(page.body)).toContain('Người gửi đã tắt link này');
    expect(page.body).not.toContain(`href="/?code=`);
  });

  it('a link to a lesson that was removed: 410, offers the menu', async () => {
    const link = await coachLink({ lessonId: 'no-such-lesson' });
    const page = await get(`/l/${link.code}`);
    expect(page.status).toBe(410);
    expectKindPage(page);
    expect(text(page.body)).toContain('Bài học này không còn nữa');
  });

  it('a link is not counted as used by opening its page', async () => {
    const link = await coachLink();
    await get(`/l/${link.code}`);
    await get(`/l/${link.code}/qr.png`);
    expect((await links.get(link.code))?.uses).toBe(0);
  });
});

describe('GET /l/:code/qr.svg and qr.png', () => {
  const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

  it('the SVG is the QR code (level M) of the landing page at the request’s origin', async () => {
    const link = await coachLink();
    const res = await fetch(`${server.url}/l/${link.code.toLowerCase()}/qr.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    // Kept by the coach's browser until the link ends (30 days): a code's QR code never changes.
    expect(res.headers.get('cache-control')).toBe(`private, max-age=${30 * 24 * 3600}, immutable`);
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="512" height="512" viewBox="0 0 (\d+) \1"/);
    const expected = await QRCode.toString(`${server.url}/l/${link.code}`, { type: 'svg', errorCorrectionLevel: 'M', margin: QR_OPTIONS.margin, width: 512 });
    expect(svg).toBe(expected);
    // The quiet zone is at least 4 modules (the standard's minimum).
    expect(QR_OPTIONS.margin).toBeGreaterThanOrEqual(4);
  });

  it('the PNG is a PNG, at least 512 px square, of the same address', async () => {
    const link = await coachLink();
    const res = await fetch(`${server.url}/l/${link.code}/qr.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe(`private, max-age=${30 * 24 * 3600}, immutable`);
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThanOrEqual(512);
    expect(height).toBe(width);
    // Whole pixels per module: the width is a multiple of the module count (code + quiet zone).
    const modules = QRCode.create(`${server.url}/l/${link.code}`, { errorCorrectionLevel: 'M' }).modules.size + 2 * QR_OPTIONS.margin;
    expect(width % modules).toBe(0);
  });

  it('encodes PUBLIC_BASE_URL when it is set', async () => {
    const other = await startTestServer({ clock: () => now, env: { PUBLIC_BASE_URL: 'https://bot.example.vn' } });
    try {
      const mine = await new LinkStore(other.redis, createKeys(other.prefix), () => now).create({ lessonId: LESSON, coachId, senderName: 'Chị Lan' });
      const svg = await (await fetch(`${other.url}/l/${mine.code}/qr.svg`)).text();
      expect(svg).toBe(await QRCode.toString(`https://bot.example.vn/l/${mine.code}`, { type: 'svg', errorCorrectionLevel: 'M', margin: QR_OPTIONS.margin, width: 512 }));
    } finally {
      await other.close();
    }
  });

  it('unknown, expired and revoked links answer JSON errors 404 / 410', async () => {
    const unknown = await fetch(`${server.url}/l/HSZZZZZZ/qr.svg`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'link_not_found', message: 'No link has this code.' } });

    const revoked = await coachLink();
    await links.revoke(revoked.code, coachId);
    const r = await fetch(`${server.url}/l/${revoked.code}/qr.png`);
    expect(r.status).toBe(410);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('link_revoked');

    const expiring = await coachLink({ expiresInDays: 1 });
    // Kept only as long as the link works: an hour before its end, an hour.
    now += DAY - 3600_000;
    try {
      expect((await fetch(`${server.url}/l/${expiring.code}/qr.svg`)).headers.get('cache-control')).toBe('private, max-age=3600, immutable');
    } finally {
      now -= DAY - 3600_000;
    }
    now += 2 * DAY;
    try {
      const e = await fetch(`${server.url}/l/${expiring.code}/qr.svg`);
      expect(e.status).toBe(410);
      expect(((await e.json()) as { error: { code: string } }).error.code).toBe('link_expired');
    } finally {
      now -= 2 * DAY;
    }
  });
});

describe('the coach page’s files', () => {
  it('are served at /coach/', async () => {
    const redirect = await get('/coach');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/coach/');
    const page = await get('/coach/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="vi">');
    for (const asset of ['app.js', 'strings.js', 'style.css']) expect((await get(`/coach/${asset}`)).status).toBe(200);
  });
});

describe('pieces', () => {
  it('openUrls: Zalo opens the OA, Messenger carries the code as ref, the web as ?code=', () => {
    const config = { ...loadConfig({ ZALO_OA_ID: '4321098765' }), MESSENGER_PAGE_NAME: 'hocso.vn' };
    expect(openUrls(config, 'HS7K3P9Q')).toEqual({
      zalo: 'https://zalo.me/4321098765',
      messenger: 'https://m.me/hocso.vn?ref=HS7K3P9Q',
      web: '/?code=HS7K3P9Q',
    });
    expect(openUrls(loadConfig({}), 'HS7K3P9Q')).toEqual({ web: '/?code=HS7K3P9Q' });
  });

  it('html escapes every interpolated value and keeps nested fragments', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const name = '<b>';
    expect(html`<p>${name}${html`<i>${'&'}</i>`}${[html`<br>`, '<br>']}${undefined}${false}${0}</p>`.value).toBe('<p>&lt;b&gt;<i>&amp;</i><br>&lt;br&gt;0</p>');
  });

  it('when Redis fails, the resident gets an apology page, not JSON or a stack trace', async () => {
    const failing = { resolve: () => Promise.reject(new Error('Connection is closed.')) } as unknown as LinkStoreType;
    const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));
    const app = express().use(coachingPages({ config: loadConfig({}), flows, links: failing, log: createLogger('silent') }));
    const listener = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => listener.once('listening', () => r()));
    try {
      const { port } = listener.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/l/HS7K3P9Q`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      const body = await res.text();
      expect(body).toContain('Hệ thống đang bận');
      expect(body).not.toContain('Connection is closed');
    } finally {
      listener.close();
    }
  });
});
