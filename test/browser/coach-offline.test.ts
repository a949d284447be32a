/**
 * The coach page on a weak connection, at sign-in: a coach already signed in on this phone who
 * reloads while the server cannot be reached stays signed in (only a 401 signs out), sees that the
 * page is connecting and why it cannot, and gets back in with "Thử lại" or when the phone is back
 * online; and the lessons, if they fail to load once, can be loaded again without reloading the page.
 * Real browser, real server and Redis; the failures are made at the network boundary (page.route,
 * offline emulation), as a bad connection makes them.
 */
import type { Route } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { createKeys } from '../../src/store/keys.js';
import { PHONE, signInAt, useBrowserPage, WAIT } from '../helpers/browser.js';

const t = useBrowserPage(PHONE);
let accounts: AccountStore;
let token: string;

beforeAll(async () => {
  accounts = new AccountStore(t.server.redis, createKeys(t.server.prefix));
  const created = await accounts.create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } });
  token = created.token;
});

const byId = (id: string) => t.page.getByTestId(id);
const api = (path: string) => (url: URL) => url.pathname === `/api/v1${path}`;
const down = (route: Route) =>
  route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Redis at 10.0.0.3:6379: ECONNREFUSED' } }) });
const storedToken = () => t.page.evaluate(() => localStorage.getItem('hocso.coach.token'));

async function signIn(): Promise<void> {
  await signInAt(t.page, t.server.url + '/coach/', token, { tap: true });
  await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
  await byId('lesson').first().waitFor({ timeout: WAIT });
}

describe('reloading the page on a weak connection', () => {
  it('the server cannot be reached: still signed in, says so (not the sign-in form), and “Thử lại” gets back in', async () => {
    await signIn();
    await t.page.route(api('/me'), (route) => route.abort('internetdisconnected'));
    await t.page.reload();
    await byId('connecting-error').waitFor({ timeout: WAIT });
    expect(await byId('connecting-error').innerText()).toBe('Chưa kết nối được: Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.');
    expect(await byId('connecting-status').innerText()).toBe('Bạn vẫn đang đăng nhập. Trang sẽ tự thử lại khi có mạng.');
    expect(await byId('signin-panel').isVisible()).toBe(false);
    expect(await storedToken()).toBe(token);
    // In English too, as the rest of the page.
    await byId('lang').tap();
    expect(await byId('connecting-error').innerText()).toBe('Not connected yet: Could not reach the server. Check the connection and try again.');
    expect(await byId('connecting-retry').innerText()).toBe('Try again');
    await byId('lang').tap();

    // Still down on the first "Thử lại" (a 503 now): said in the page's words, never the server's.
    await t.page.unrouteAll();
    await t.page.route(api('/me'), down);
    await byId('connecting-retry').tap();
    await byId('connecting-error').filter({ hasText: 'Hệ thống đang tạm ngừng' }).waitFor({ timeout: WAIT });
    expect(await t.page.locator('body').innerText()).not.toContain('10.0.0.3');
    expect(await storedToken()).toBe(token);

    await t.page.unrouteAll();
    expect((await byId('connecting-retry').boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await byId('connecting-retry').tap();
    await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
    await byId('lesson').first().waitFor({ timeout: WAIT });
    expect(await byId('connecting-panel').isVisible()).toBe(false);
    expect(t.pageErrors).toEqual([]);
  });

  it('a slow answer: “Đang kết nối máy chủ…” at once, instead of a blank page', async () => {
    await signIn();
    const held = new Promise<Route>((resolve) => void t.page.route(api('/me'), (route) => resolve(route)));
    const reloaded = t.page.reload();
    const route = await held;
    await byId('connecting-status').filter({ hasText: 'Đang kết nối máy chủ…' }).waitFor({ timeout: WAIT });
    expect(await byId('connecting-panel').getAttribute('aria-busy')).toBe('true');
    expect(await byId('connecting-retry').isVisible()).toBe(false);
    expect(await byId('signin-panel').isVisible()).toBe(false);
    await route.continue();
    await reloaded;
    await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
    expect(await byId('connecting-panel').isVisible()).toBe(false);
    expect(t.pageErrors).toEqual([]);
  });

  it('back online: the page gets back in by itself', async () => {
    await signIn();
    await t.page.route(api('/me'), (route) => route.abort('internetdisconnected'));
    await t.page.reload();
    await byId('connecting-error').waitFor({ timeout: WAIT });
    await t.page.unrouteAll();
    await t.context.setOffline(true);
    await t.context.setOffline(false);
    await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
    expect(t.pageErrors).toEqual([]);
  });

  it('an answer that is not the API’s (a captive portal’s page with 200) is not taken for an account', async () => {
    await signIn();
    await t.page.route(api('/me'), (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<html><body>Đăng nhập Wi-Fi miễn phí</body></html>' }));
    await t.page.reload();
    await byId('connecting-error').waitFor({ timeout: WAIT });
    expect(await byId('connecting-error').innerText()).toBe('Chưa kết nối được: Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.');
    expect(await byId('app').isVisible()).toBe(false);
    expect(await storedToken()).toBe(token);

    // JSON, but not an account (someone else's API on the way).
    await t.page.unrouteAll();
    await t.page.route(api('/me'), (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"status":"ok"}' }));
    await byId('connecting-error').evaluate((e) => (e.textContent = ''));
    await byId('connecting-retry').tap();
    await byId('connecting-error').filter({ hasText: 'Không kết nối được máy chủ' }).waitFor({ timeout: WAIT });
    expect(await byId('app').isVisible()).toBe(false);
    expect(t.pageErrors).toEqual([]);
  });

  it('a token replaced meanwhile (401): signed out, told why, the token forgotten', async () => {
    const { account, token: own } = await accounts.create({ name: 'Chị Hoa', role: 'coach', area: { province: '01', commune: '00004' } });
    await signInAt(t.page, t.server.url + '/coach/', own, { tap: true });
    await byId('who').filter({ hasText: 'Chị Hoa' }).waitFor({ timeout: WAIT });
    await accounts.newToken(account.id);
    await t.page.reload();
    await byId('signin-error').waitFor({ timeout: WAIT });
    expect(await byId('signin-error').innerText()).toMatch(/^Cần đăng nhập lại: Mã truy cập không đúng/);
    expect(await byId('connecting-panel').isVisible()).toBe(false);
    expect(await storedToken()).toBeNull();
    expect(t.pageErrors).toEqual([]);
  });

  it('“Đăng xuất” on the connecting panel (asked first) forgets the token (a shared phone)', async () => {
    await signIn();
    await t.page.route(api('/me'), (route) => route.abort('internetdisconnected'));
    await t.page.reload();
    await byId('connecting-signout').tap();
    await byId('connecting-signout-yes').tap();
    await byId('signin-panel').waitFor({ timeout: WAIT });
    expect(await storedToken()).toBeNull();
    expect(await byId('connecting-panel').isVisible()).toBe(false);
    expect(t.pageErrors).toEqual([]);
  });
});

describe('the lessons failed to load once', () => {
  it('say so with “Thử lại”, and “Tạo link” says the lessons are missing, not “pick one”; “Thử lại” loads them', async () => {
    await t.page.route(api('/lessons'), down);
    await signInAt(t.page, t.server.url + '/coach/', token, { tap: true });
    await byId('lessons-error').waitFor({ timeout: WAIT });
    expect(await byId('lessons-error').innerText()).toBe('Chưa tải được danh sách bài học: Hệ thống đang tạm ngừng. Thử lại sau ít phút.');
    await byId('create').tap();
    await byId('create-error').filter({ hasText: 'danh sách bài học' }).waitFor({ timeout: WAIT });
    expect(await byId('create-error').innerText()).not.toContain('Hãy chọn một bài học trước');

    await t.page.unrouteAll();
    await byId('lessons-retry').tap();
    await byId('lesson').first().waitFor({ timeout: WAIT });
    expect(await byId('lessons-error').count()).toBe(0);
    expect(await byId('create-error').isVisible()).toBe(false);
    expect(t.pageErrors).toEqual([]);
  });

  it('opening “Gửi bài” again loads them again', async () => {
    await t.page.route(api('/lessons'), (route) => route.abort('internetdisconnected'));
    await signInAt(t.page, t.server.url + '/coach/', token, { tap: true });
    await byId('lessons-error').waitFor({ timeout: WAIT });
    await t.page.unrouteAll();
    await byId('tab-links').tap();
    await byId('tab-new').tap();
    await byId('lesson').first().waitFor({ timeout: WAIT });
    expect(await byId('lesson').count()).toBeGreaterThanOrEqual(10);
    expect(t.pageErrors).toEqual([]);
  });
});
