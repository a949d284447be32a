/**
 * The coach page on a flaky connection, once signed in: an answer that is not the API's (a proxy's
 * HTML page with 200) changes nothing shown; "Tạo link" whose answer was lost, or that hangs, can be
 * pressed again without making a second link; a list that cannot be loaded again stays, marked as
 * maybe out of date, with "Tải lại"; a revoke shows at once and an older, slower list answer never
 * undoes it, nor hides a resident a newer "Người học" answer showed. Real browser, real server and Redis; the failures are made at the network boundary
 * (page.route), the hang's time limit with Playwright's clock. Saves /tmp/coach-links-stale.png to look at.
 */
import type { Page, Request, Route } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { LinkStore } from '../../src/coaching/link-store.js';
import { createKeys } from '../../src/store/keys.js';
import { PHONE, signInAt, useBrowserPage, WAIT } from '../helpers/browser.js';
import { WebResident } from '../helpers/web-client.js';

const t = useBrowserPage(PHONE);
let accounts: AccountStore;
let links: LinkStore;

beforeAll(async () => {
  const keys = createKeys(t.server.prefix);
  accounts = new AccountStore(t.server.redis, keys);
  links = new LinkStore(t.server.redis, keys);
});

const byId = (id: string) => t.page.getByTestId(id);
const isApi = (path: string, method = 'GET') => (r: Request) => new URL(r.url()).pathname === `/api/v1${path}` && r.method() === method;
const HTML_200 = { status: 200, contentType: 'text/html', body: '<!doctype html><html><body>Trang đang bảo trì (CDN)</body></html>' };
const UNREACHABLE = 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.';

/** Route `method path` with `handler`; other methods on the same path go on to the server. */
async function onApi(page: Page, path: string, method: string, handler: (route: Route) => Promise<void> | void): Promise<void> {
  await page.route((url) => url.pathname === `/api/v1${path}`, (route) => (route.request().method() === method ? handler(route) : route.fallback()));
}

/** A new coach (so the lists hold only what the test makes), signed in on the phone. */
async function coachSignedIn(): Promise<{ coachId: string; token: string }> {
  const { account, token } = await accounts.create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } });
  await signInAt(t.page, t.server.url + '/coach/', token, { tap: true });
  await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
  return { coachId: account.id, token };
}

type Held = { route: Route; response: Awaited<ReturnType<Route['fetch']>> };

/**
 * The next GET `path` (/links, /coach/residents) is answered by the server at once, but the answer
 * is held back from the page (a slow line) until `deliverLate`; later loads go through.
 */
async function holdNextList(path: string): Promise<{ taken: Promise<Held> }> {
  let holdNext = true;
  let took: (held: Held) => void = () => {};
  const taken = new Promise<Held>((resolve) => (took = resolve));
  await onApi(t.page, path, 'GET', async (route) => {
    if (!holdNext) return route.fallback();
    holdNext = false;
    took({ route, response: await route.fetch() });
  });
  // In an object: an async function returning the promise itself would wait for it.
  return { taken };
}

/** Give the page the held answer, and wait until it has had it in full and a turn of its event loop to act on it. */
async function deliverLate(held: Held): Promise<void> {
  const finished = t.page.waitForEvent('requestfinished', { predicate: (r) => r === held.route.request(), timeout: WAIT });
  await held.route.fulfill({ response: held.response });
  await finished;
  await t.page.evaluate(() => new Promise((resolve) => setTimeout(() => setTimeout(resolve))));
}

const card = (code: string) => t.page.locator(`[data-testid="link-item"][data-code="${code}"]`);

async function fillForm(note: string): Promise<void> {
  await t.page.locator('[data-testid="lesson"][data-lesson="check-link"]').tap();
  await byId('note').fill(note);
}

describe('an answer that is not the API’s', () => {
  it('a 200 HTML page instead of the list keeps the list, says the server cannot be reached, marks it out of date', async () => {
    const { coachId } = await coachSignedIn();
    const link = await links.create({ lessonId: 'check-link', coachId, senderName: 'Anh Minh', note: 'bác Tư' });
    await byId('tab-links').tap();
    await card(link.code).waitFor({ timeout: WAIT });

    await onApi(t.page, '/links', 'GET', (route) => route.fulfill(HTML_200));
    await byId('reload-links').tap();
    await byId('links-error').waitFor({ timeout: WAIT });
    expect(await byId('links-error').innerText()).toBe(`Chưa tải được: ${UNREACHABLE}`);
    expect(await byId('links-error').getAttribute('role')).toBe('alert');
    expect(await byId('links-stale').innerText()).toMatch(/^Danh sách dưới đây có thể chưa mới nhất: tải lúc \d\d:\d\d\.$/);
    expect(await card(link.code).isVisible()).toBe(true);
    expect(await t.page.locator('body').innerText()).not.toContain('Bạn chưa tạo link nào');

    // A list that looks right but does not come as JSON (a cache serving it as text), or JSON of
    // another shape (not the API's answer), is not trusted either.
    for (const [contentType, body] of [['text/plain', '{"links":[]}'], ['application/json', '{"ok":true}']] as const) {
      await t.page.unrouteAll();
      await onApi(t.page, '/links', 'GET', (route) => route.fulfill({ status: 200, contentType, body }));
      await byId('links-error').evaluate((e) => (e.textContent = ''));
      await byId('reload-links').tap();
      await byId('links-error').filter({ hasText: UNREACHABLE }).waitFor({ timeout: WAIT });
      expect(await card(link.code).isVisible(), contentType).toBe(true);
    }

    // The server back: "Tải lại" brings the list, and the warnings go.
    await t.page.unrouteAll();
    await byId('reload-links').tap();
    await byId('links-error').waitFor({ state: 'hidden', timeout: WAIT });
    expect(await byId('links-stale').isVisible()).toBe(false);
    expect(await card(link.code).isVisible()).toBe(true);
    expect(t.pageErrors).toEqual([]);
  });

  it('a 200 HTML page instead of the new link: no empty result, the note stays, the reason is said', async () => {
    const { coachId } = await coachSignedIn();
    await onApi(t.page, '/links', 'POST', (route) => route.fulfill(HTML_200));
    await fillForm('nhà bác Tư, xóm 3');
    await byId('create').tap();
    await byId('create-error').waitFor({ timeout: WAIT });
    expect(await byId('create-error').innerText()).toBe(`Chưa tạo được link: ${UNREACHABLE}`);
    expect(await byId('note').inputValue()).toBe('nhà bác Tư, xóm 3');
    expect(await byId('result').isVisible()).toBe(false);
    expect(await byId('create').isEnabled()).toBe(true);
    expect(await links.listForCoach(coachId)).toEqual([]);
    expect(t.pageErrors).toEqual([]);
  });

  it('“Người học”: a failed reload keeps the residents shown, marked out of date, with the reason in red', async () => {
    await coachSignedIn();
    await byId('tab-residents').tap();
    await byId('ripple').waitFor({ timeout: WAIT });
    await onApi(t.page, '/coach/residents', 'GET', (route) => route.fulfill(HTML_200));
    await byId('reload-residents').tap();
    await byId('residents-error').filter({ hasText: UNREACHABLE }).waitFor({ timeout: WAIT });
    expect(await byId('residents-stale').isVisible()).toBe(true);
    expect(await byId('ripple').isVisible()).toBe(true);
    expect(t.pageErrors).toEqual([]);
  });
});

describe('“Tạo link” pressed again', () => {
  it('the answer was lost after the server made the link: pressing again shows that link, and only one is made', async () => {
    const { coachId } = await coachSignedIn();
    const keys: string[] = [];
    t.page.on('request', (r) => {
      if (isApi('/links', 'POST')(r)) keys.push((r.postDataJSON() as { idempotencyKey: string }).idempotencyKey);
    });
    let lose = true;
    await onApi(t.page, '/links', 'POST', async (route) => {
      if (!lose) return route.fallback();
      lose = false;
      await route.fetch(); // the server makes the link…
      await route.abort('connectionreset'); // …and its answer never reaches the phone
    });
    await fillForm('nhà bác Tư, xóm 3');
    await byId('create').tap();
    await byId('create-error').filter({ hasText: 'Chưa tạo được link' }).waitFor({ timeout: WAIT });
    expect(await byId('note').inputValue()).toBe('nhà bác Tư, xóm 3');
    expect(await links.listForCoach(coachId)).toHaveLength(1);

    await byId('create').tap();
    await byId('result-code').waitFor({ timeout: WAIT });
    const made = await links.listForCoach(coachId);
    expect(made.map((l) => l.code)).toEqual([(await byId('result-code').innerText()).trim()]);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);

    // The next link is another link: a new key.
    await byId('another').tap();
    await fillForm('nhà bác Tư, xóm 3');
    await byId('create').tap();
    await byId('result-code').filter({ hasNotText: made[0]!.code }).waitFor({ timeout: WAIT });
    expect(keys).toHaveLength(3);
    expect(keys[2]).not.toBe(keys[0]);
    expect(await links.listForCoach(coachId)).toHaveLength(2);
    expect(t.pageErrors).toEqual([]);
  });

  it('a create that hangs gives up after its time limit with the usual error, and the button works again', async () => {
    await t.page.clock.install();
    const { coachId } = await coachSignedIn();
    await byId('lesson').first().waitFor({ timeout: WAIT });
    const hung: Route[] = [];
    await onApi(t.page, '/links', 'POST', (route) => void hung.push(route));
    await fillForm('bác Năm');
    await byId('create').tap();
    await byId('create').filter({ hasText: 'Đang tạo…' }).waitFor({ timeout: WAIT });
    expect(await byId('create').isDisabled()).toBe(true);
    await t.page.clock.runFor(20_000);
    await byId('create-error').waitFor({ timeout: WAIT });
    expect(await byId('create-error').innerText()).toBe(`Chưa tạo được link: ${UNREACHABLE}`);
    expect(await byId('create').isEnabled()).toBe(true);
    expect(await byId('create').innerText()).toBe('Tạo link');
    expect(await byId('note').inputValue()).toBe('bác Năm');

    await t.page.unrouteAll();
    await byId('create').tap();
    await byId('result-code').waitFor({ timeout: WAIT });
    expect(await links.listForCoach(coachId)).toHaveLength(1);
    expect(hung).toHaveLength(1);
    expect(t.pageErrors).toEqual([]);
  });
});

describe('revoking, and list answers out of order', () => {
  it('the card says “Đã huỷ” from the revoke’s own answer, even when the list cannot be loaded again', async () => {
    const { coachId } = await coachSignedIn();
    const link = await links.create({ lessonId: 'check-link', coachId, senderName: 'Anh Minh' });
    await byId('tab-links').tap();
    await card(link.code).getByTestId('link-state').filter({ hasText: 'Còn hạn' }).waitFor({ timeout: WAIT });
    await onApi(t.page, '/links', 'GET', (route) => route.abort('internetdisconnected'));
    await card(link.code).getByTestId('revoke').tap();
    await card(link.code).getByTestId('revoke-yes').tap();
    await card(link.code).getByTestId('link-state').filter({ hasText: 'Đã huỷ' }).waitFor({ timeout: WAIT });
    expect(await byId('links-status').innerText()).toBe(`Đã huỷ link ${link.code}.`);
    expect(await card(link.code).getByTestId('revoke').count()).toBe(0);
    expect(t.pageErrors).toEqual([]);
  });

  it('a slow list answer overtaken by a newer one is ignored: a link revoked meanwhile does not come back', async () => {
    const { coachId, token } = await coachSignedIn();
    const link = await links.create({ lessonId: 'check-link', coachId, senderName: 'Anh Minh' });
    await byId('tab-links').tap();
    await card(link.code).waitFor({ timeout: WAIT });
    const slow = await holdNextList('/links');
    await byId('reload-links').tap();
    const held = await slow.taken;

    // Revoked elsewhere (another phone), then a newer reload shows it.
    await fetch(`${t.server.url}/api/v1/links/${link.code}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    await byId('reload-links').tap();
    await card(link.code).getByTestId('link-state').filter({ hasText: 'Đã huỷ' }).waitFor({ timeout: WAIT });

    // The older answer (the link still valid) arrives last.
    await deliverLate(held);
    expect(await card(link.code).getByTestId('link-state').innerText()).toBe('Đã huỷ');
    expect(t.pageErrors).toEqual([]);
  });

  it('a list answer asked before a revoke on this page is not shown; the list is asked for again', async () => {
    const { coachId } = await coachSignedIn();
    const link = await links.create({ lessonId: 'check-link', coachId, senderName: 'Anh Minh' });
    await byId('tab-links').tap();
    await card(link.code).waitFor({ timeout: WAIT });
    const slow = await holdNextList('/links');
    await byId('reload-links').tap();
    const held = await slow.taken;

    await card(link.code).getByTestId('revoke').tap();
    await card(link.code).getByTestId('revoke-yes').tap();
    await card(link.code).getByTestId('link-state').filter({ hasText: 'Đã huỷ' }).waitFor({ timeout: WAIT });

    // The answer from before the revoke arrives: the page asks again rather than show it.
    const again = t.page.waitForEvent('requestfinished', { predicate: (r) => isApi('/links')(r) && r !== held.route.request(), timeout: WAIT });
    await deliverLate(held);
    await again;
    await t.page.evaluate(() => new Promise((resolve) => setTimeout(() => setTimeout(resolve))));
    expect(await card(link.code).getByTestId('link-state').innerText()).toBe('Đã huỷ');
    expect(t.pageErrors).toEqual([]);
  });

  it('“Người học”: a slow answer overtaken by a newer one is ignored: a resident who arrived meanwhile does not vanish', async () => {
    const { coachId } = await coachSignedIn();
    const link = await links.create({ lessonId: 'check-link', coachId, senderName: 'Anh Minh', note: 'bác Tư' });
    // The first load is answered before anyone came (no residents), and that answer is slow.
    const slow = await holdNextList('/coach/residents');
    await byId('tab-residents').tap();
    const held = await slow.taken;

    // A resident opens the link and agrees to be followed; "Tải lại" shows them.
    const resident = new WebResident(t.server.url);
    await resident.post({ ref: link.code });
    await resident.tap('c:follow:yes');
    await byId('reload-residents').tap();
    const shown = byId('resident').filter({ hasText: `Qua link ${link.code} · bác Tư` });
    await shown.waitFor({ timeout: WAIT });

    // The older answer (nobody yet) arrives last: the resident stays.
    await deliverLate(held);
    expect(await shown.count()).toBe(1);
    expect(await t.page.locator('#residents').innerText()).not.toContain('Chưa có ai cho bạn xem tiến độ');
    expect(t.pageErrors).toEqual([]);
  });
});
