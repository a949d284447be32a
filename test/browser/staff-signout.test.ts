/**
 * One device, two people: on a shared phone (the coach page) or a shared office computer (the
 * officials' console), after the first signs out, the second never sees anything of theirs: not
 * while the second's own lists load, not when they fail to load, and not when an answer to the
 * first's request arrives late. Real browser, real server and Redis; the second person's loads are
 * held and then failed at the network boundary (page.route), as a bad connection would.
 */
import type { Page, Route } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { LinkStore } from '../../src/coaching/link-store.js';
import { createKeys } from '../../src/store/keys.js';
import { DESK, PHONE, signInAt, useBrowser, WAIT } from '../helpers/browser.js';
import { WebResident } from '../helpers/web-client.js';

const t = useBrowser();
let accounts: AccountStore;
let links: LinkStore;

beforeAll(async () => {
  const keys = createKeys(t.server.prefix);
  accounts = new AccountStore(t.server.redis, keys);
  links = new LinkStore(t.server.redis, keys);
});

/** GET requests to `path` with exactly `query` from now on, held until the test answers them. */
async function hold(page: Page, path: string, query = ''): Promise<{ next: () => Promise<Route> }> {
  const waiting: Route[] = [];
  const wanted: ((r: Route) => void)[] = [];
  await page.route((url) => url.pathname === path && url.search === query, (route) => {
    if (route.request().method() !== 'GET') {
      void route.fallback();
      return;
    }
    const taker = wanted.shift();
    if (taker) taker(route);
    else waiting.push(route);
  });
  return { next: () => new Promise((resolve) => (waiting.length ? resolve(waiting.shift()!) : wanted.push(resolve))) };
}

/** The server down, saying so with details meant for its operators only. */
const down = (route: Route) =>
  route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Redis at 10.0.0.3:6379: ECONNREFUSED' } }) });

async function expectNothingOf(page: Page, secrets: string[]): Promise<void> {
  const html = await page.content();
  for (const secret of secrets) expect(html, secret).not.toContain(secret);
}

describe('one device, two people', () => {
  it('coach page: after a coach signs out, the next sees none of their links, notes, QR code or residents', async () => {
    const minh = await accounts.create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } });
    const hoa = await accounts.create({ name: 'Chị Hoa', role: 'coach', area: { province: '01', commune: '00008' } });
    const note = 'nhà bác Tư, xóm 3, hay quên mật khẩu';
    // A resident Anh Minh's link reached, who lets him follow their progress.
    const earlier = await links.create({ lessonId: 'password-otp', coachId: minh.account.id, senderName: 'Anh Minh', note });
    const resident = new WebResident(t.server.url);
    await resident.post({ ref: earlier.code });
    await resident.tap('c:follow:yes');

    const { page, pageErrors } = await t.open(PHONE);
    const byId = (id: string) => page.getByTestId(id);
    await signInAt(page, t.server.url + '/coach/', minh.token, { tap: true });
    await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
    await byId('tab-residents').tap();
    await byId('resident').first().waitFor({ timeout: WAIT });
    const residentLabel = await page.locator('.r-name').first().innerText();
    await byId('tab-links').tap();
    const item = page.locator(`[data-testid="link-item"][data-code="${earlier.code}"]`);
    await item.waitFor({ timeout: WAIT });
    expect(await item.innerText()).toContain(note);
    // The QR code on show, as at a doorstep.
    await item.getByTestId('show-qr').tap();
    await byId('result-code').filter({ hasText: earlier.code }).waitFor({ timeout: WAIT });

    // He looks at his links once more, on a slow connection, and signs out before they come.
    const slow = await hold(page, '/api/v1/links');
    await byId('tab-links').tap();
    const late = await slow.next();
    await byId('signout').tap();
    await byId('signout-yes').tap();
    await byId('signin-panel').waitFor({ timeout: WAIT });
    await expectNothingOf(page, [earlier.code, note, residentLabel, 'Anh Minh']);
    expect(await byId('result-qr').getAttribute('src')).toBeNull();
    // His answer arrives after he left.
    const arrived = page.waitForEvent('requestfinished', { predicate: (r) => r.url().endsWith('/api/v1/links'), timeout: WAIT });
    await late.continue();
    await arrived;

    // Chị Hoa signs in on the same phone, on the same page. Her lists are slow to come, then fail.
    const heldLinks = await hold(page, '/api/v1/links');
    const heldResidents = await hold(page, '/api/v1/coach/residents', '?lang=vi');
    await byId('token-input').fill(hoa.token);
    await byId('signin').tap();
    await byId('who').filter({ hasText: 'Chị Hoa' }).waitFor({ timeout: WAIT });
    expect(await byId('result').isVisible()).toBe(false);
    expect(await byId('note').inputValue()).toBe('');
    await byId('tab-links').tap();
    const linksLoad = await heldLinks.next();
    expect(await page.locator('#links-status').innerText()).toBe('Đang tải…');
    expect(await byId('link-item').count()).toBe(0);
    await expectNothingOf(page, [earlier.code, note, residentLabel]);
    await down(linksLoad);
    await byId('links-error').filter({ hasText: 'Chưa tải được' }).waitFor({ timeout: WAIT });
    expect(await byId('links-error').innerText()).toBe('Chưa tải được: Hệ thống đang tạm ngừng. Thử lại sau ít phút.');
    expect(await byId('link-item').count()).toBe(0);
    // Nothing kept from before (hers never loaded), so nothing marked as out of date either.
    expect(await byId('links-stale').isVisible()).toBe(false);

    await byId('tab-residents').tap();
    const residentsLoad = await heldResidents.next();
    expect(await byId('resident').count()).toBe(0);
    expect(await byId('ripple').isVisible()).toBe(false);
    await down(residentsLoad);
    await byId('residents-error').filter({ hasText: 'Chưa tải được' }).waitFor({ timeout: WAIT });
    expect(await byId('resident').count()).toBe(0);
    await expectNothingOf(page, [earlier.code, note, residentLabel, 'Anh Minh', 'Redis', '10.0.0.3']);
    expect(pageErrors).toEqual([]);
  });

  it('officials’ console: after an official signs out, the next sees none of their drafts, alerts, alert page, figures or form', async () => {
    const lan = await accounts.create({ name: 'Chị Lan', role: 'official', area: { province: '01', commune: '00004' } });
    const mai = await accounts.create({ name: 'Chị Mai', role: 'official', area: { province: '02' } });
    const secret = 'Bản nháp riêng của Chị Lan: kẻ gian giả danh cán bộ thuế gọi điện';

    const { page, pageErrors } = await t.open(DESK);
    const byId = (id: string) => page.getByTestId(id);
    await signInAt(page, t.server.url + '/official/', lan.token);
    await byId('who').filter({ hasText: 'Chị Lan' }).waitFor({ timeout: WAIT });
    await byId('text-vi').fill(secret);
    await byId('match-phrases').fill('cán bộ thuế');
    await byId('save-draft').click();
    await byId('compose-status').filter({ hasText: 'Đã lưu bản nháp.' }).waitFor({ timeout: WAIT });
    await byId('estimate-btn').click();
    await byId('estimate').waitFor({ timeout: WAIT });
    await byId('tab-alerts').click();
    await byId('alert-item').filter({ hasText: secret }).waitFor({ timeout: WAIT });
    await byId('alert-item').filter({ hasText: secret }).getByTestId('open-alert').click();
    await byId('detail-text').filter({ hasText: secret }).waitFor({ timeout: WAIT });
    await byId('tab-stats').click();
    await byId('stats').locator('p, svg').first().waitFor({ timeout: WAIT });

    // Back to her alerts on a slow connection; she signs out before they come, and they come late.
    const slow = await hold(page, '/api/v1/alerts');
    await byId('tab-alerts').click();
    const late = await slow.next();
    await byId('signout').click();
    await byId('signin-panel').waitFor({ timeout: WAIT });
    await expectNothingOf(page, [secret, 'cán bộ thuế', 'Phường Ba Đình', 'Chị Lan']);
    const arrived = page.waitForEvent('requestfinished', { predicate: (r) => r.url().endsWith('/api/v1/alerts'), timeout: WAIT });
    await late.continue();
    await arrived;

    // Chị Mai signs in at the same computer, on the same page; her alerts are slow, then fail.
    const heldAlerts = await hold(page, '/api/v1/alerts');
    await byId('token-input').fill(mai.token);
    await byId('signin').click();
    await byId('who').filter({ hasText: 'Chị Mai' }).waitFor({ timeout: WAIT });
    expect(await byId('text-vi').inputValue()).toBe('');
    expect(await byId('match-phrases').inputValue()).toBe('');
    expect(await byId('draft-badge').isVisible()).toBe(false);
    expect(await byId('estimate').isVisible()).toBe(false);
    expect(await byId('compose-status').innerText()).toBe('');
    expect(await byId('detail').isVisible()).toBe(false);
    expect(await byId('area').locator('option').first().innerText()).toBe('Toàn bộ Tỉnh Hà Giang');
    await byId('tab-alerts').click();
    const alertsLoad = await heldAlerts.next();
    expect(await byId('alert-item').count()).toBe(0);
    await expectNothingOf(page, [secret, 'cán bộ thuế', 'Phường Ba Đình', 'Chị Lan']);
    await down(alertsLoad);
    await page.locator('#alerts-status').filter({ hasText: 'Chưa tải được' }).waitFor({ timeout: WAIT });
    expect(await page.locator('#alerts-status').innerText()).toBe('Chưa tải được: Hệ thống đang tạm ngừng. Thử lại sau ít phút.');
    expect(await byId('alert-item').count()).toBe(0);
    await byId('tab-stats').click();
    expect(await byId('stats-area').locator('option').first().innerText()).toBe('Toàn bộ Tỉnh Hà Giang');
    await expectNothingOf(page, [secret, 'cán bộ thuế', 'Phường Ba Đình', 'Chị Lan', 'Redis']);
    expect(pageErrors).toEqual([]);
  });
});

describe('the coach page asks before signing out', () => {
  it('“Đăng xuất” asks in the page (no browser dialog); “Không, ở lại” keeps everything; “Đăng xuất” again signs out', async () => {
    const minh = await accounts.create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } });
    const { page, pageErrors } = await t.open(PHONE);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const byId = (id: string) => page.getByTestId(id);
    const storedToken = () => page.evaluate(() => localStorage.getItem('hocso.coach.token'));
    await signInAt(page, t.server.url + '/coach/', minh.token, { tap: true });
    await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
    await byId('note').fill('nhà bác Tư');

    // A stray tap: asked, still signed in.
    await byId('signout').tap();
    const ask = byId('signout-ask');
    await ask.waitFor({ timeout: WAIT });
    const said = async () => [await ask.locator('p').innerText(), await byId('signout-stay').innerText(), await byId('signout-yes').innerText()];
    expect(await said()).toEqual(['Đăng xuất khỏi máy này? Máy sẽ quên mã truy cập: muốn vào lại, bạn phải dán lại mã, lúc có mạng.', 'Không, ở lại', 'Đăng xuất']);
    expect(await byId('signout').getAttribute('aria-expanded')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('signout-stay');
    for (const id of ['signout-stay', 'signout-yes']) expect((await byId(id).boundingBox())!.height, id).toBeGreaterThanOrEqual(44);
    expect(await storedToken()).toBe(minh.token);
    // In English too.
    await byId('lang').tap();
    expect(await said()).toEqual(['Sign out of this device? It will forget your access token: to get back in, you must paste it again, with a connection.', 'No, stay signed in', 'Sign out']);
    await byId('lang').tap();

    await byId('signout-stay').tap();
    expect(await ask.isVisible()).toBe(false);
    expect(await byId('signout').getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#app').isVisible()).toBe(true);
    expect(await byId('note').inputValue()).toBe('nhà bác Tư');
    expect(await storedToken()).toBe(minh.token);

    // Meant: asked again, and "Đăng xuất" signs out.
    await byId('signout').tap();
    await byId('signout-yes').tap();
    await byId('signin-panel').waitFor({ timeout: WAIT });
    expect(await storedToken()).toBeNull();
    expect(await byId('note').inputValue()).toBe('');
    expect(dialogs).toEqual([]);

    // The next coach signing in on this phone is not greeted by the question.
    await byId('token-input').fill(minh.token);
    await byId('signin').tap();
    await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
    expect(await ask.isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('on the panel shown while the server cannot be reached, too', async () => {
    const minh = await accounts.create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } });
    const { page, pageErrors } = await t.open(PHONE);
    const byId = (id: string) => page.getByTestId(id);
    await signInAt(page, t.server.url + '/coach/', minh.token, { tap: true });
    await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
    await page.route((url) => url.pathname === '/api/v1/me', (route) => route.abort('internetdisconnected'));
    await page.reload();
    await byId('connecting-error').waitFor({ timeout: WAIT });
    await byId('connecting-signout').tap();
    await byId('connecting-signout-ask').filter({ hasText: 'Đăng xuất khỏi máy này?' }).waitFor({ timeout: WAIT });
    await byId('connecting-signout-stay').tap();
    expect(await byId('connecting-panel').isVisible()).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem('hocso.coach.token'))).toBe(minh.token);
    expect(pageErrors).toEqual([]);
  });
});
