/**
 * The coach page in a real browser (Debian's chromium) against a real server: real Redis, the
 * shipped lessons, the real admin API. A coach signs in with a token, creates a link at the
 * doorstep, sees the code and the QR code, finds it in "My links", revokes it; sees the residents
 * their link reached. Phone-sized viewport, taps instead of clicks.
 *
 * HOCSO_SCREENSHOTS=1 also saves the README's screenshot to docs/coach-page.png; /tmp/coach-links-residents.png
 * and /tmp/coach-residents.png show the lists.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { LinkStore } from '../../src/coaching/link-store.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { createLogger } from '../../src/log.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { createKeys } from '../../src/store/keys.js';
import { ResidentStore } from '../../src/store/resident-store.js';
import { expectWrongTokenRefused, PHONE, signInAt, useBrowserPage, WAIT } from '../helpers/browser.js';
import { WebResident } from '../helpers/web-client.js';

const SCREENSHOT = process.env.HOCSO_SCREENSHOTS === '1' ? 'docs/coach-page.png' : '/tmp/coach-page.png';

const t = useBrowserPage(PHONE, { server: { env: { ZALO_OA_ID: '1234567890' } } });
let token: string;
let coachId: string;
let links: LinkStore;
let residents: ResidentStore;
const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));

beforeAll(async () => {
  const keys = createKeys(t.server.prefix);
  links = new LinkStore(t.server.redis, keys);
  residents = new ResidentStore(t.server.redis, keys, createLogger('silent'));
  const created = await new AccountStore(t.server.redis, keys).create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } });
  token = created.token;
  coachId = created.account.id;
});

const byId = (id: string) => t.page.getByTestId(id);

/** A resident who went through a whole lesson, as the bot leaves their state (quicker than answering every step). */
async function finishLesson(residentId: string, lessonId: string): Promise<void> {
  const { state, rev } = await residents.load(residentId);
  const now = Date.now();
  const finished = { ...state!, current: null, completed: { ...state!.completed, [lessonId]: { at: now, right: 4, total: 4, times: 1 } } };
  expect(await residents.commit(residentId, rev, finished, undefined, [], now)).toMatchObject({ type: 'committed' });
}

const signIn = (withToken = token) => signInAt(t.page, t.server.url + '/coach/', withToken, { tap: true });

describe('coach page', () => {
  it('a wrong token is refused in the page’s words (not the server’s English), and nothing is remembered', async () => {
    await expectWrongTokenRefused(t.page, { serverUrl: t.server.url, path: '/coach/', storageKey: 'hocso.coach.token', tap: true });
  });

  it('a coach signs in, creates a link at the doorstep, sees the code and QR, finds it in “My links”, revokes it', async () => {
    await signIn();
    await byId('who').filter({ hasText: 'Xin chào, Anh Minh' }).waitFor({ timeout: WAIT });
    expect(await t.page.evaluate(() => localStorage.getItem('hocso.coach.token'))).toBe(token);

    // Pressing "Tạo link" before picking a lesson says what is missing.
    await byId('create').tap();
    expect(await byId('create-error').innerText()).toBe('Hãy chọn một bài học trước.');

    // The lessons, big and in menu order; pick one, add a note for oneself, create.
    const lesson = t.page.locator('[data-testid="lesson"][data-lesson="password-otp"]');
    await lesson.waitFor({ timeout: WAIT });
    expect(await byId('lesson').count()).toBeGreaterThanOrEqual(10);
    expect((await lesson.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    // Every field has a label; every button is at least 44 px high.
    const unlabelled = await t.page.evaluate(() =>
      Array.from(document.querySelectorAll('#app input, #app select'))
        .filter((f) => !(f as HTMLInputElement).labels?.length && !f.getAttribute('aria-label') && (f as HTMLInputElement).type !== 'radio')
        .map((f) => f.id));
    expect(unlabelled).toEqual([]);
    const small = await t.page.evaluate(() =>
      Array.from(document.querySelectorAll('button')).filter((b) => b.offsetParent !== null && b.getBoundingClientRect().height < 44).map((b) => b.textContent));
    expect(small).toEqual([]);

    await lesson.tap();
    await byId('note').fill('nhà bác Tư, xóm 3');
    // The coach knows how bác Tư is addressed: the bot will be his "cháu".
    await byId('address').selectOption('bac');
    await byId('create').tap();

    // The code, huge; the QR code loaded; the link; the Zalo instruction.
    const codeEl = byId('result-code');
    await codeEl.waitFor({ timeout: WAIT });
    const code = (await codeEl.innerText()).trim();
    expect(code).toMatch(/^HS[A-Z2-9]{6}$/);
    expect(parseFloat(await codeEl.evaluate((e) => getComputedStyle(e).fontSize))).toBeGreaterThanOrEqual(40);
    expect(await t.page.locator('#result-lesson').innerText()).toBe('Mật khẩu và mã OTP');
    await t.page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="result-qr"]') as HTMLImageElement | null;
      return Boolean(img?.complete && img.naturalWidth > 0);
    }, undefined, { timeout: WAIT });
    const qr = await byId('result-qr').evaluate((i) => ({ src: (i as HTMLImageElement).src, natural: (i as HTMLImageElement).naturalWidth, shown: i.getBoundingClientRect().width, alt: (i as HTMLImageElement).alt }));
    // From the link's own answer, kept in the page (shown again at a door without signal).
    expect(qr.src).toMatch(/^blob:/);
    expect(qr.natural).toBeGreaterThan(0);
    expect(qr.shown).toBeGreaterThanOrEqual(250);
    expect(qr.alt).toContain(code);
    expect(await byId('result-url').inputValue()).toBe(`${t.server.url}/l/${code}`);
    expect(await byId('zalo-instruction').innerText()).toContain(code);
    for (const id of ['copy', 'another']) expect((await byId(id).boundingBox())!.height).toBeGreaterThanOrEqual(44);

    // Stored as the admin API made it: this lesson, this coach, the note, the form of address.
    const stored = await links.get(code);
    expect(stored).toMatchObject({ lessonId: 'password-otp', coachId, senderName: 'Anh Minh', note: 'nhà bác Tư, xóm 3', address: 'bac', uses: 0, revoked: false });
    expect(await byId('address').inputValue()).toBe('');

    // "Copy link" puts the landing page's address on the clipboard.
    await t.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.server.url });
    await byId('copy').tap();
    await byId('copied').filter({ hasText: 'Đã chép link' }).waitFor({ timeout: WAIT });
    expect(await t.page.evaluate(() => navigator.clipboard.readText())).toBe(`${t.server.url}/l/${code}`);

    await t.page.evaluate(() => window.scrollTo(0, 0));
    await t.page.screenshot({ path: SCREENSHOT });

    // The landing page the QR code opens works.
    expect((await fetch(`${t.server.url}/l/${code}`)).status).toBe(200);

    // "My links": the new link, not opened yet, with the note.
    await byId('tab-links').tap();
    const item = t.page.locator(`[data-testid="link-item"][data-code="${code}"]`);
    await item.waitFor({ timeout: WAIT });
    expect(await item.innerText()).toContain('Mật khẩu và mã OTP');
    expect(await item.getByTestId('link-uses').innerText()).toMatch(/^Chưa ai mở · vừa tạo · hết hạn /);
    expect(await item.innerText()).toContain('nhà bác Tư, xóm 3');
    expect(await item.getByTestId('link-state').innerText()).toBe('Còn hạn');
    expect(await item.getByTestId('link-residents').count()).toBe(0);

    // A resident opens it on the web: one use.
    const resident = new WebResident(t.server.url);
    await resident.post({ ref: code });
    await byId('tab-new').tap();
    await byId('tab-links').tap();
    await item.getByTestId('link-uses').filter({ hasText: 'Đã mở 1 lần' }).waitFor({ timeout: WAIT });

    // "Huỷ link" asks first, in the page (some in-app browsers block the browser's own dialog);
    // "Không, giữ link" keeps it.
    const dialogs: string[] = [];
    t.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const ask = item.getByTestId('revoke-ask');
    const question = async () => [await ask.locator('p').innerText(), await item.getByTestId('revoke-stay').innerText(), await item.getByTestId('revoke-yes').innerText()];
    await byId('lang').tap();
    await item.getByTestId('revoke').tap();
    expect(await question()).toEqual([`Revoke the link ${code}? Residents will no longer open the lesson with it.`, 'No, keep it', 'Revoke']);
    await item.getByTestId('revoke-stay').tap();
    await byId('lang').tap();
    await item.getByTestId('revoke').tap();
    expect(await question()).toEqual([`Huỷ link ${code}? Người học sẽ không mở bài bằng link này được nữa.`, 'Không, giữ link', 'Huỷ link']);
    expect(await t.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('revoke-stay');
    await item.getByTestId('revoke-stay').tap();
    expect(await ask.count()).toBe(0);
    expect(await t.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('revoke');
    expect(await item.getByTestId('link-state').innerText()).toBe('Còn hạn');
    expect((await fetch(`${t.server.url}/l/${code}`)).status).toBe(200);

    // Revoked after all: marked revoked; its page now says so.
    await item.getByTestId('revoke').tap();
    await item.getByTestId('revoke-yes').tap();
    await item.getByTestId('link-state').filter({ hasText: 'Đã huỷ' }).waitFor({ timeout: WAIT });
    expect(await item.getByTestId('revoke').count()).toBe(0);
    expect((await fetch(`${t.server.url}/l/${code}`)).status).toBe(410);
    expect(dialogs).toEqual([]);
    // The status line says so, and says it again in English after EN (and back).
    const status = t.page.locator('#links-status');
    expect(await status.innerText()).toBe(`Đã huỷ link ${code}.`);
    await byId('lang').tap();
    expect(await status.innerText()).toBe(`Link ${code} revoked.`);
    await byId('lang').tap();
    expect(await status.innerText()).toBe(`Đã huỷ link ${code}.`);

    // A reload keeps the coach signed in; "Đăng xuất" (asked twice) forgets the token.
    await t.page.reload();
    await byId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });
    await byId('signout').tap();
    await byId('signout-yes').tap();
    expect(await byId('signin-panel').isVisible()).toBe(true);
    expect(await t.page.evaluate(() => localStorage.getItem('hocso.coach.token'))).toBeNull();
    await t.page.reload();
    await byId('signin-panel').waitFor({ timeout: WAIT });
    expect(await byId('who').isVisible()).toBe(false);
    expect(t.pageErrors).toEqual([]);
  });

  it('“My residents”: who agreed to be followed, how many did not, and the ripple; EN switches the page', async () => {
    const link = await links.create({ lessonId: 'password-otp', coachId, senderName: 'Anh Minh' });
    const yes = new WebResident(t.server.url);
    await yes.post({ ref: link.code });
    await yes.tap('c:follow:yes');
    const no = new WebResident(t.server.url);
    await no.post({ ref: link.code });
    await no.tap('c:follow:no');

    await signIn();
    await byId('who').waitFor({ timeout: WAIT });
    await byId('tab-residents').tap();
    const resident = byId('resident').first();
    await resident.waitFor({ timeout: WAIT });
    const text = await resident.innerText();
    expect(text).toMatch(/Người học #\d+/);
    expect(text).toContain('Đang học: Mật khẩu và mã OTP (bước 1/');
    expect(text).toContain('Vừa hoạt động');
    expect(await byId('not-following').innerText()).toContain('người chưa đồng ý cho xem tiến độ');
    expect(await byId('ripple').innerText()).toContain('Chưa ai chia sẻ tiếp bài học');

    // English: the page's words, and the residents again in English.
    await byId('lang').tap();
    expect(await byId('tab-links').innerText()).toBe('My links');
    await byId('resident').first().filter({ hasText: 'Learning: Passwords and OTP (step 1 of' }).waitFor({ timeout: WAIT });
    expect(await byId('resident').first().innerText()).toContain('Active just now');
    expect(await byId('resident').first().innerText()).toMatch(/Resident #\d+/);
    expect(await t.page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(t.pageErrors).toEqual([]);
  });

  it('“My links” says how each link’s residents are doing; each resident card names the link and note that brought them', async () => {
    const note = 'nhà bác Tư, xóm 3';
    const link = await links.create({ lessonId: 'password-otp', coachId, senderName: 'Anh Minh', note });
    // One learning (a step on), one who finished, one who said no.
    const learning = new WebResident(t.server.url);
    await learning.post({ ref: link.code });
    await learning.tap('c:follow:yes');
    await learning.say('tiếp');
    const done = new WebResident(t.server.url);
    await done.post({ ref: link.code });
    await done.tap('c:follow:yes');
    await finishLesson(`web:${done.userId}`, 'password-otp');
    const no = new WebResident(t.server.url);
    await no.post({ ref: link.code });
    await no.tap('c:follow:no');
    const at = (await residents.load(`web:${learning.userId}`)).state!.current!;
    const step = at.stepIndex + 1;
    const steps = flows.byId.get('password-otp')!.steps.length;
    expect(step).toBeGreaterThan(1);

    await signIn();
    await byId('who').waitFor({ timeout: WAIT });
    await byId('tab-links').tap();
    const card = t.page.locator(`[data-testid="link-item"][data-code="${link.code}"]`);
    await card.getByTestId('link-residents').waitFor({ timeout: WAIT });
    expect(await card.getByTestId('link-residents').innerText()).toBe(`Đã học xong: 1 · Đang học: 1 (bước ${step}/${steps}) · 1 người chưa cho xem tiến độ`);
    expect(await card.getByTestId('link-uses').innerText()).toMatch(/^Đã mở 3 lần · /);
    await card.scrollIntoViewIfNeeded();
    await t.page.screenshot({ path: '/tmp/coach-links-residents.png' });
    await byId('lang').tap();
    expect(await card.getByTestId('link-residents').innerText()).toBe(`Finished: 1 · Learning: 1 (step ${step}/${steps}) · 1 not sharing their progress`);
    await byId('lang').tap();

    // "Người học": both who agreed, each naming the link and the note; the one who said no is not there.
    await byId('tab-residents').tap();
    const fromLink = byId('resident').filter({ hasText: `Qua link ${link.code} · ${note}` });
    await fromLink.first().waitFor({ timeout: WAIT });
    expect(await fromLink.count()).toBe(2);
    await t.page.screenshot({ path: '/tmp/coach-residents.png' });
    expect(await fromLink.filter({ hasText: `Đang học: Mật khẩu và mã OTP (bước ${step}/${steps})` }).count()).toBe(1);
    expect(await fromLink.filter({ hasText: 'Đã học xong: Mật khẩu và mã OTP' }).count()).toBe(1);
    expect(t.pageErrors).toEqual([]);
  });

  it('the resident’s landing page reads well on a small phone: large text, big buttons, nothing cut off', async () => {
    const link = await links.create({ lessonId: 'vneid-documents', coachId, senderName: 'Anh Minh' });
    await t.page.goto(`${t.server.url}/l/${link.code}`);
    const sizes = await t.page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      smallestText: Math.min(...Array.from(document.querySelectorAll('main p, main h1, main h2, main h3, main a')).map((e) => parseFloat(getComputedStyle(e).fontSize))),
      code: parseFloat(getComputedStyle(document.querySelector('[data-testid="code"]')!).fontSize),
      buttons: Array.from(document.querySelectorAll('a.btn')).map((a) => a.getBoundingClientRect().height),
    }));
    expect(sizes.overflow).toBeLessThanOrEqual(0);
    expect(sizes.smallestText).toBeGreaterThanOrEqual(18);
    expect(sizes.code).toBeGreaterThanOrEqual(40);
    expect(sizes.buttons.length).toBeGreaterThanOrEqual(2); // Zalo (ZALO_OA_ID is set) and the web
    for (const h of sizes.buttons) expect(h).toBeGreaterThanOrEqual(48);
    // "Mở bài học" opens the web chat with the code.
    await byId('open-web').tap();
    await t.page.waitForURL(`${t.server.url}/?code=${link.code}`, { timeout: WAIT });
    expect(t.pageErrors).toEqual([]);
  });
});
