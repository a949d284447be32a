/**
 * The coach page's QR codes at a door without signal: once "Link của tôi" was loaded, "Xem mã QR"
 * shows a link's QR code with the network cut; a new link's QR code shows even if the signal drops
 * right after "Tạo link"; a QR code that could not be fetched is said in words (no broken picture)
 * and shows once the phone is back online (a link revoked meanwhile: why there is none); signing out
 * forgets them. Real browser, real server and Redis; the network is cut with Playwright's offline
 * emulation and routing.
 */
import type { Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PHONE, signInAt, useBrowserPage, useStaffStores, WAIT } from '../helpers/browser.js';

const t = useBrowserPage(PHONE);
const stores = useStaffStores(t);

const byId = (id: string) => t.page.getByTestId(id);
const card = (code: string) => t.page.locator(`[data-testid="link-item"][data-code="${code}"]`);
const isQr = (url: URL) => /^\/l\/[^/]+\/qr\.svg$/.test(url.pathname);
const qrCodeOf = (r: Request) => /^\/l\/([^/]+)\/qr\.svg$/.exec(new URL(r.url()).pathname)?.[1];

/** A new coach with `lessons.length` links (the last made first in the list), signed in on the phone. */
async function coachWithLinks(lessons: string[]): Promise<string[]> {
  const { account, token } = await stores.accounts.create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } });
  const codes: string[] = [];
  for (const lessonId of lessons) codes.push((await stores.links.create({ lessonId, coachId: account.id, senderName: 'Anh Minh' })).code);
  await signInAt(t.page, t.server.url + '/coach/', token, { tap: true });
  await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
  return codes;
}

/** Resolves once the page has fetched the QR codes of all of `codes` (it does so by itself, in the background). */
function qrsFetched(codes: string[]): Promise<void> {
  const left = new Set(codes);
  return new Promise((resolve) => {
    const seen = (r: Request) => {
      const code = qrCodeOf(r);
      if (code && r.response() !== null) left.delete(code);
      if (left.size) return;
      t.page.off('requestfinished', seen);
      resolve();
    };
    t.page.on('requestfinished', seen);
  });
}

/** The QR code on show, once the picture has loaded. */
async function shownQr(): Promise<{ src: string; natural: number; alt: string }> {
  const img = byId('result-qr');
  await t.page.waitForFunction(() => {
    const i = document.querySelector<HTMLImageElement>('[data-testid="result-qr"]');
    return Boolean(i && !i.hidden && i.complete && i.naturalWidth > 0);
  }, undefined, { timeout: WAIT });
  return img.evaluate((i: HTMLImageElement) => ({ src: i.src, natural: i.naturalWidth, alt: i.alt }));
}

describe('QR codes without signal', () => {
  it('“Link của tôi” loaded at home: at a door with no signal, “Xem mã QR” shows each link’s QR code', async () => {
    const codes = await coachWithLinks(['check-link', 'password-otp', 'qr-payment']);
    const fetched = qrsFetched(codes);
    await byId('tab-links').tap();
    await card(codes[0]!).waitFor({ timeout: WAIT });
    await fetched;

    await t.context.setOffline(true);
    for (const code of [codes[1]!, codes[2]!]) {
      await byId('tab-links').tap();
      await card(code).getByTestId('show-qr').tap();
      await byId('result-code').filter({ hasText: code }).waitFor({ timeout: WAIT });
      const qr = await shownQr();
      expect(qr.natural).toBeGreaterThan(0);
      expect(qr.src).toMatch(/^blob:/);
      expect(qr.alt).toContain(code);
      expect(await byId('result-qr-missing').isVisible()).toBe(false);
    }

    // Signing out forgets them: the next coach on this phone cannot open the last one's pictures.
    const src = (await shownQr()).src;
    await byId('signout').tap();
    await byId('signout-yes').tap();
    await byId('signin-panel').waitFor({ timeout: WAIT });
    expect(await t.page.evaluate((url) => fetch(url).then(() => 'read', () => 'gone'), src)).toBe('gone');
    expect(t.pageErrors).toEqual([]);
  });

  it('the signal drops right after “Tạo link”: the new link’s QR code shows all the same, from the answer itself', async () => {
    await coachWithLinks([]);
    const qrRequests: string[] = [];
    t.page.on('request', (r) => {
      const code = qrCodeOf(r);
      if (code) qrRequests.push(code);
    });
    // Any QR code asked for after the link is made finds no network.
    await t.page.route(isQr, (route) => route.abort('internetdisconnected'));
    await t.page.locator('[data-testid="lesson"][data-lesson="check-link"]').tap();
    await byId('create').tap();
    await byId('result').waitFor({ timeout: WAIT });
    const code = (await byId('result-code').innerText()).trim();
    const qr = await shownQr();
    expect(qr.natural).toBeGreaterThan(0);
    expect(qr.alt).toContain(code);
    expect(qrRequests).toEqual([]);

    // Found again in the list, still without a QR code from the network.
    await byId('tab-links').tap();
    await card(code).getByTestId('show-qr').tap();
    expect((await shownQr()).natural).toBeGreaterThan(0);
    expect(qrRequests).toEqual([]);
    expect(t.pageErrors).toEqual([]);
  });

  it('a QR code that could not be fetched is said in words, no broken picture; it shows once the phone is back online', async () => {
    const [code] = await coachWithLinks(['check-link']);
    await t.page.route(isQr, (route) => route.abort('internetdisconnected'));
    const failed = t.page.waitForEvent('requestfailed', { predicate: (r) => qrCodeOf(r) === code, timeout: WAIT });
    await byId('tab-links').tap();
    await card(code!).waitFor({ timeout: WAIT });
    await failed;

    await card(code!).getByTestId('show-qr').tap();
    const missing = byId('result-qr-missing');
    await missing.filter({ hasText: 'Chưa tải được mã QR' }).waitFor({ timeout: WAIT });
    expect(await missing.innerText()).toBe('Chưa tải được mã QR (mạng yếu hoặc mất mạng). Mã sẽ hiện khi có mạng; người học vẫn gõ được mã bài học ở trên.');
    expect(await byId('result-qr').isVisible()).toBe(false);
    expect(await byId('result-code').innerText()).toBe(code);
    await byId('lang').tap();
    expect(await missing.innerText()).toBe('Could not load the QR code (weak or no connection). It shows once there is a connection; the resident can still type the lesson code above.');
    await byId('lang').tap();

    // Back online: fetched by itself, and shown.
    await t.page.unrouteAll();
    await t.context.setOffline(true);
    await t.context.setOffline(false);
    expect((await shownQr()).natural).toBeGreaterThan(0);
    expect(await missing.isVisible()).toBe(false);
    expect(t.pageErrors).toEqual([]);
  });

  it('a link revoked elsewhere after the list loaded: its QR code is not fetched again, and the page says why there is none', async () => {
    const [code] = await coachWithLinks(['check-link']);
    await t.page.route(isQr, (route) => route.fulfill({ status: 410, contentType: 'application/json', body: JSON.stringify({ error: { code: 'link_revoked', message: 'This link was revoked.' } }) }));
    const answered = t.page.waitForEvent('requestfinished', { predicate: (r) => qrCodeOf(r) === code, timeout: WAIT });
    await byId('tab-links').tap();
    await answered;
    let asked = 0;
    t.page.on('request', (r) => void (qrCodeOf(r) && asked++));
    await card(code!).getByTestId('show-qr').tap();
    await byId('result-qr-missing').filter({ hasText: 'Link này không còn dùng được nên không có mã QR.' }).waitFor({ timeout: WAIT });
    expect(await byId('result-qr').isVisible()).toBe(false);
    expect(asked).toBe(0);
    expect(t.pageErrors).toEqual([]);
  });

  it('a Wi-Fi login page answering 200 for a QR code is not taken for it', async () => {
    const [code] = await coachWithLinks(['check-link']);
    await t.page.route(isQr, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<html><body>Đăng nhập Wi-Fi miễn phí</body></html>' }));
    await byId('tab-links').tap();
    await card(code!).getByTestId('show-qr').tap();
    await byId('result-qr-missing').filter({ hasText: 'Chưa tải được mã QR' }).waitFor({ timeout: WAIT });
    expect(await byId('result-qr').getAttribute('src')).toBeNull();
    expect(t.pageErrors).toEqual([]);
  });
});
