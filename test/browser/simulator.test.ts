/**
 * The simulator page in a real browser (Debian's chromium) against a real server: real Redis,
 * the shipped lessons, real routes. Phone-sized viewport, taps instead of clicks.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import type { WebReply } from '../../src/channels/web/schema.js';
import { LinkStore } from '../../src/coaching/link-store.js';
import { createKeys } from '../../src/store/keys.js';
import { PHONE, useBrowserPage, WAIT } from '../helpers/browser.js';
import { pushTo, residentOf } from '../helpers/simulator.js';

const t = useBrowserPage({ ...PHONE, viewport: { width: 360, height: 640 } });
let links: LinkStore;
let coachId: string;

beforeAll(async () => {
  const keys = createKeys(t.server.prefix);
  links = new LinkStore(t.server.redis, keys);
  coachId = (await new AccountStore(t.server.redis, keys).create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } })).account.id;
});

const bot = () => t.page.getByTestId('bot-bubble');
const choices = () => t.page.getByTestId('choice');
const menuText = 'Bạn muốn học gì';

const resident = () => residentOf(t.page);
const push = (userId: string, reply: WebReply) => pushTo(t.server, userId, reply);

/** Wait until `count()` of the locator reaches at least `n`. */
async function atLeast(locator: ReturnType<Page['getByTestId']>, n: number): Promise<number> {
  await locator.nth(n - 1).waitFor({ timeout: WAIT });
  return locator.count();
}

describe('simulator page', () => {
  it('a resident learns a lesson on a phone-sized screen, then views the replies as Zalo', async () => {
    await t.page.goto(t.server.url + '/');

    // First load: the page says "start" by itself; welcome and menu arrive with lesson chips.
    await bot().filter({ hasText: 'Xin chào' }).first().waitFor({ timeout: WAIT });
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    const lessonChip = t.page.locator('[data-testid="choice"][data-payload^="l:"]').first();
    await lessonChip.waitFor({ timeout: WAIT });
    const lessonTitle = (await lessonChip.textContent())!.trim();

    // Tap the first lesson: its title shows as the resident's bubble; a step with a picture arrives.
    await lessonChip.tap();
    await t.page.getByTestId('user-bubble').filter({ hasText: lessonTitle }).waitFor({ timeout: WAIT });
    const pictured = bot().filter({ has: t.page.locator('img') }).last();
    await pictured.waitFor({ timeout: WAIT });
    await t.page.waitForFunction(
      () => Array.from(document.querySelectorAll('[data-testid="bot-bubble"] img')).some((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0),
      undefined,
      { timeout: WAIT },
    );
    const width = await pictured.locator('img').evaluate((i) => ({ natural: (i as HTMLImageElement).naturalWidth, shown: i.getBoundingClientRect().width }));
    expect(width.natural).toBeGreaterThan(0);
    expect(width.shown).toBeLessThanOrEqual(360);
    expect(await atLeast(choices(), 1)).toBeGreaterThan(0);
    await t.page.screenshot({ path: '/tmp/simulator.png' });

    // Tap a choice: its label becomes the resident's bubble and the next step follows.
    const botsBefore = await bot().count();
    const firstChoice = choices().first();
    const label = (await firstChoice.textContent())!.trim();
    const stepText = await bot().last().innerText();
    await firstChoice.tap();
    await t.page.getByTestId('user-bubble').filter({ hasText: label }).last().waitFor({ timeout: WAIT });
    await atLeast(bot(), botsBefore + 1);
    expect(await bot().last().innerText()).not.toBe(stepText);

    // Type "menu" and press Enter: the menu comes back and the box is emptied.
    const menusBefore = await bot().filter({ hasText: menuText }).count();
    await t.page.getByTestId('text-input').fill('menu');
    await t.page.getByTestId('text-input').press('Enter');
    await bot().filter({ hasText: menuText }).nth(menusBefore).waitFor({ timeout: WAIT });
    expect(await t.page.getByTestId('text-input').inputValue()).toBe('');
    expect(await t.page.getByTestId('user-bubble').last().innerText()).toBe('menu');

    // A reload shows the same conversation, without starting over.
    const bubbles = await bot().count();
    await t.page.reload();
    await atLeast(bot(), bubbles);
    expect(await bot().count()).toBe(bubbles);

    // View as Zalo: the last replies drawn as Zalo would get them, with the limits applied.
    const menuChoices = await choices().count();
    expect(menuChoices).toBeGreaterThan(0);
    await t.page.getByTestId('view-zalo').tap();
    const preview = t.page.getByTestId('preview');
    await preview.getByText(menuText).first().waitFor({ timeout: WAIT });
    expect(await t.page.getByTestId('chat-log').isHidden()).toBe(true);
    expect(await preview.innerText()).toMatch(/Zalo/);
    // The menu has more lessons than Zalo's 5 buttons: Zalo gets the numbered list, the resident types a number.
    if (menuChoices > 5) {
      expect(await preview.locator('button.zbtn').count()).toBe(0);
      expect(await preview.innerText()).toMatch(/\n1\. .+\n2\. /);
    } else {
      expect(await preview.locator('button.zbtn').count()).toBeGreaterThan(0);
    }
    await t.page.screenshot({ path: '/tmp/simulator-zalo.png' });

    // View as Messenger: quick-reply pills.
    await t.page.getByTestId('view-messenger').tap();
    await preview.locator('button.pill').first().waitFor({ timeout: WAIT });
    expect(await preview.innerText()).toMatch(/Messenger/);
    await t.page.screenshot({ path: '/tmp/simulator-messenger.png' });

    // Back to the chat.
    await t.page.getByTestId('view-web').tap();
    expect(await t.page.getByTestId('chat-log').isVisible()).toBe(true);
  });

  it('on a 360×640 phone, an answer longer than the screen is shown from its start (the check’s verdict), a short one whole', async () => {
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    const log = t.page.getByTestId('chat-log');
    /** Where the log is scrolled, and where a bubble's top lies in it. */
    const where = (bubble: ReturnType<Page['getByTestId']>) =>
      bubble.evaluate((b) => {
        const l = document.querySelector('[data-testid="chat-log"]')!;
        const lr = l.getBoundingClientRect();
        const br = b.getBoundingClientRect();
        return { top: br.top - lr.top, height: br.height, view: l.clientHeight, fromTopToEnd: l.scrollHeight - (l.scrollTop + br.top - lr.top), atEnd: l.scrollHeight - l.scrollTop - l.clientHeight };
      });

    // A forwarded message: the short question whether to check it fits, so the chat shows its end.
    await t.page.getByTestId('text-input').fill('Tài khoản Vietcombank của quý khách bị tạm khoá do đăng nhập bất thường. Vui lòng đăng nhập tại vcb-secure.example để xác minh ngay trong 24h, nếu không tài khoản sẽ bị khoá vĩnh viễn.');
    await t.page.getByTestId('text-input').press('Enter');
    const yes = t.page.locator('[data-testid="choice"][data-payload="c:check:yes"]');
    await yes.waitFor({ timeout: WAIT });
    expect((await where(bot().last())).atEnd).toBeLessThanOrEqual(1);

    // The verdict is longer than the screen: its first line, "🔴 Rất có thể là LỪA ĐẢO", is in view.
    await yes.tap();
    const verdict = bot().filter({ hasText: 'Rất có thể là LỪA ĐẢO' });
    await verdict.waitFor({ timeout: WAIT });
    const shown = await where(verdict);
    expect(shown.fromTopToEnd).toBeGreaterThan(shown.view); // it does not fit: the case in question
    expect(shown.top).toBeGreaterThanOrEqual(0);
    expect(shown.top + 40).toBeLessThanOrEqual(shown.view);
    expect(await verdict.evaluate((b) => {
      const r = b.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + 20, r.top + 20);
      return Boolean(hit && b.contains(hit));
    })).toBe(true);
    await t.page.screenshot({ path: '/tmp/simulator-verdict.png' });
    expect(await log.isVisible()).toBe(true);
  });

  it('shows the server’s error inline and keeps the resident’s text in the box', async () => {
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    await t.page.route('**/channels/web/messages', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'busy', message: 'Hệ thống đang bận.' } }) }),
    );
    await t.page.getByTestId('text-input').fill('tiếp tục');
    await t.page.getByTestId('send').tap();
    const error = t.page.getByTestId('error-bubble');
    await error.waitFor({ timeout: WAIT });
    expect(await error.innerText()).toContain('Hệ thống đang bận.');
    // "Still in the box" is said once (it was said twice, in the error and again under it).
    expect((await t.page.locator('body').innerText()).match(/ô nhập/g)).toHaveLength(1);
    expect(await t.page.getByTestId('text-input').inputValue()).toBe('tiếp tục');
    expect(await t.page.getByTestId('user-bubble').count()).toBe(0);

    // Once the server is back, Send delivers the same text.
    await t.page.unroute('**/channels/web/messages');
    await t.page.getByTestId('send').tap();
    await t.page.getByTestId('user-bubble').filter({ hasText: 'tiếp tục' }).waitFor({ timeout: WAIT });
    await error.waitFor({ state: 'detached', timeout: WAIT });
    // The bubble shows at the tap; the box empties only once the server has answered.
    await expect.poll(() => t.page.getByTestId('text-input').inputValue(), { timeout: WAIT }).toBe('');
  });

  it('"New resident" starts over with a new id; EN switches the page chrome only', async () => {
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    const firstId = await t.page.evaluate(() => localStorage.getItem('hocso.sim.userId'));
    await t.page.getByTestId('text-input').fill('hướng dẫn');
    await t.page.getByTestId('text-input').press('Enter');
    await t.page.getByTestId('user-bubble').first().waitFor({ timeout: WAIT });

    await t.page.getByTestId('lang').tap();
    expect(await t.page.getByTestId('new-resident').innerText()).toBe('New resident');
    expect(await t.page.getByTestId('send').innerText()).toBe('Send');
    expect(await bot().first().innerText()).toContain('Xin chào');

    // It asks first (a resident may read "New resident" as "I am new here"): yes.
    t.page.once('dialog', (dialog) => void dialog.accept());
    await t.page.getByTestId('new-resident').tap();
    await t.page.waitForFunction((id) => localStorage.getItem('hocso.sim.userId') !== id, firstId, { timeout: WAIT });
    await bot().filter({ hasText: 'Xin chào' }).first().waitFor({ timeout: WAIT });
    expect(await t.page.getByTestId('user-bubble').count()).toBe(0);
  });

  it('"New resident" asks first, in words a resident understands; saying no keeps the chat and the id', async () => {
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    const firstId = await resident();
    await t.page.getByTestId('text-input').fill('menu');
    await t.page.getByTestId('text-input').press('Enter');
    await t.page.getByTestId('user-bubble').first().waitFor({ timeout: WAIT });
    // The answer (the menu again) is in before the bubbles are counted.
    await bot().filter({ hasText: menuText }).nth(1).waitFor({ timeout: WAIT });
    const bubbles = await bot().count();

    const asked: string[] = [];
    t.page.once('dialog', (dialog) => {
      asked.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await t.page.getByTestId('new-resident').tap();
    await expect.poll(() => asked.length, { timeout: WAIT }).toBe(1);
    expect(asked[0]).toMatch(/^confirm: /);
    expect(asked[0]).toContain('người mới');
    expect(asked[0]).toContain('sẽ không hiện các bài học');
    expect(await resident()).toBe(firstId);
    expect(await t.page.getByTestId('user-bubble').count()).toBe(1);
    expect(await bot().count()).toBe(bubbles);

    // In English too.
    await t.page.getByTestId('lang').tap();
    t.page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    await t.page.getByTestId('new-resident').tap();
    await t.page.waitForFunction((id) => localStorage.getItem('hocso.sim.userId') !== id, firstId, { timeout: WAIT });
    expect(asked[1]).toContain('someone new');
    expect(asked[1]).toContain('will no longer show your lessons');
    expect(t.pageErrors).toEqual([]);
  });

  it('opened from a lesson link, it is a resident’s chat: no staff tools, from then on, until /?tools=1', async () => {
    // A staff member's "View as" choice, left in this tab, is not where the resident lands.
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    await t.page.getByTestId('view-zalo').tap();

    const link = await links.create({ lessonId: 'password-otp', coachId, senderName: 'Anh Minh' });
    await t.page.goto(`${t.server.url}/?code=${link.code}`);
    await t.page.getByTestId('user-bubble').or(bot()).first().waitFor({ timeout: WAIT });
    const tools = async () => ({ newResident: await t.page.getByTestId('new-resident').isVisible(), views: await t.page.getByTestId('views').isVisible() });
    expect(await tools()).toEqual({ newResident: false, views: false });
    expect(await t.page.getByTestId('chat-log').isVisible()).toBe(true);
    expect(new URL(t.page.url()).search).toBe('');

    // Later visits to the plain address: still the resident's.
    await t.page.goto(t.server.url + '/');
    await bot().first().waitFor({ timeout: WAIT });
    expect(await tools()).toEqual({ newResident: false, views: false });

    // Staff get them back with /?tools=1, and keep them.
    await t.page.goto(t.server.url + '/?tools=1');
    await t.page.getByTestId('new-resident').waitFor({ timeout: WAIT });
    expect(await tools()).toEqual({ newResident: true, views: true });
    expect(new URL(t.page.url()).search).toBe('');
    await t.page.reload();
    await bot().first().waitFor({ timeout: WAIT });
    expect(await tools()).toEqual({ newResident: true, views: true });
    expect(t.pageErrors).toEqual([]);
  });

  it('a chip tapped offline says the connection failed and offers “Gửi lại”, which sends the same choice once back online', async () => {
    await t.page.goto(t.server.url + '/');
    const chip = t.page.locator('[data-testid="choice"][data-payload^="l:"]').first();
    await chip.waitFor({ timeout: WAIT });
    const label = (await chip.textContent())!.trim();
    const payload = (await chip.getAttribute('data-payload'))!;
    const bots = await bot().count();

    await t.context.setOffline(true);
    await chip.tap();
    const error = t.page.getByTestId('error-bubble');
    await error.waitFor({ timeout: WAIT });
    expect(await error.innerText()).toContain('không kết nối được máy chủ');
    // Nothing was typed: nothing is said about the text box.
    expect(await t.page.locator('body').innerText()).not.toContain('ô nhập');
    expect(await t.page.getByTestId('kept-hint').count()).toBe(0);
    expect(await t.page.getByTestId('user-bubble').count()).toBe(0);
    const retry = error.getByTestId('retry');
    expect(await retry.innerText()).toBe('Gửi lại');
    expect((await retry.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    // The focus waits on it (not lost to the page).
    expect(await t.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('retry');

    await t.context.setOffline(false);
    const sent = t.page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/channels/web/messages', { timeout: WAIT });
    await retry.tap();
    expect((await sent).postDataJSON()).toMatchObject({ payload });
    await t.page.getByTestId('user-bubble').filter({ hasText: label }).waitFor({ timeout: WAIT });
    await bot().nth(bots).waitFor({ timeout: WAIT });
    await error.waitFor({ state: 'detached', timeout: WAIT });
    expect(t.pageErrors).toEqual([]);
  });

  it('“Gửi lại” after an answer lost on the way: the same message id, so the server answers what it did, and acts once', async () => {
    await t.page.goto(t.server.url + '/');
    const chip = t.page.locator('[data-testid="choice"][data-payload^="l:"]').first();
    await chip.waitFor({ timeout: WAIT });
    const ids: string[] = [];
    // The first try reaches the server (the lesson starts there), but its answer never comes back.
    await t.page.route('**/channels/web/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      ids.push(String(route.request().postDataJSON().messageId));
      if (ids.length === 1) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await chip.tap();
    const retry = t.page.getByTestId('error-bubble').getByTestId('retry');
    await retry.waitFor({ timeout: WAIT });
    await retry.tap();
    await bot().filter({ has: t.page.locator('img') }).first().waitFor({ timeout: WAIT });
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    // Handled twice, the second tap would have said "we go on with the lesson" instead of its first step.
    expect(await t.page.locator('body').innerText()).not.toMatch(/tiếp tục bài/i);
    expect(t.pageErrors).toEqual([]);
  });

  it('typed text sent offline: the error says it is still in the box, once; “Gửi lại” sends it once back online', async () => {
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    await t.context.setOffline(true);
    await t.page.getByTestId('text-input').fill('hướng dẫn');
    await t.page.getByTestId('send').tap();
    const error = t.page.getByTestId('error-bubble');
    await error.waitFor({ timeout: WAIT });
    expect((await t.page.locator('body').innerText()).match(/ô nhập/g)).toHaveLength(1);
    expect(await t.page.getByTestId('kept-hint').innerText()).toBe('Tin của bạn vẫn còn trong ô nhập.');
    expect(await t.page.getByTestId('text-input').inputValue()).toBe('hướng dẫn');

    await t.context.setOffline(false);
    await error.getByTestId('retry').tap();
    await t.page.getByTestId('user-bubble').filter({ hasText: 'hướng dẫn' }).waitFor({ timeout: WAIT });
    await error.waitFor({ state: 'detached', timeout: WAIT });
    await expect.poll(() => t.page.getByTestId('text-input').inputValue(), { timeout: WAIT }).toBe('');
    expect(await t.page.getByTestId('user-bubble').count()).toBe(1);
  });

  it('a lesson picture keeps its room while it loads (the text under it does not jump); its button names the picture', async () => {
    // Hold every lesson picture until the bubble has been measured.
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    await t.page.route('**/media/**', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await t.page.goto(t.server.url + '/');
      const lesson = t.page.locator('[data-testid="choice"][data-payload^="l:"]').first();
      await lesson.waitFor({ timeout: WAIT });
      await lesson.tap();
      const pictured = bot().filter({ has: t.page.locator('img') }).last();
      await pictured.waitFor({ timeout: WAIT });
      const img = pictured.locator('img');
      expect(await img.getAttribute('src')).toMatch(/\/media\//);
      expect([await img.getAttribute('width'), await img.getAttribute('height')]).toEqual(['800', '800']);
      const layout = () =>
        pictured.evaluate((b) => {
          const i = b.querySelector('img')!;
          const text = b.querySelector('.text');
          return { loaded: i.complete && i.naturalWidth > 0, width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height, textTop: text ? text.getBoundingClientRect().top - b.getBoundingClientRect().top : null };
        });
      const before = await layout();
      expect(before.loaded).toBe(false);
      expect(before.width).toBeGreaterThan(200);
      expect(Math.abs(before.height - before.width)).toBeLessThanOrEqual(1);
      letGo();
      await expect.poll(async () => (await layout()).loaded, { timeout: WAIT }).toBe(true);
      const after = await layout();
      expect(after.height).toBeCloseTo(before.height, 0);
      expect(after.textTop).toBe(before.textTop);
      expect(await t.page.getByRole('button', { name: 'Hình minh hoạ — xem ảnh lớn', exact: true }).count()).toBeGreaterThan(0);
    } finally {
      letGo();
    }

    // An alert's picture (not a lesson's) is drawn at its own shape: no size given.
    await push(await resident(), { text: 'Cảnh báo: ảnh tin nhắn giả.', imageUrl: '/alerts/a-made-up-id/image' });
    const alert = bot().filter({ hasText: 'ảnh tin nhắn giả' });
    await alert.waitFor({ timeout: WAIT });
    expect(await alert.locator('img').getAttribute('width')).toBeNull();
  });

  it('deleting one’s data leaves nothing of the chat on the page either: a shared phone shows the next person nothing', async () => {
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    const firstId = await resident();
    await t.page.getByTestId('text-input').fill('xoá dữ liệu');
    await t.page.getByTestId('send').tap();
    const yes = t.page.locator('[data-testid="choice"][data-payload="c:delete:yes"]');
    await yes.waitFor({ timeout: WAIT });
    await yes.tap();
    await bot().filter({ hasText: 'Đã xoá hết dữ liệu của bạn' }).waitFor({ timeout: WAIT });
    // Only the bot's answer is left, under a new resident id; a reload brings nothing back.
    expect(await t.page.getByTestId('user-bubble').count()).toBe(0);
    expect(await bot().count()).toBe(1);
    const nextId = await resident();
    expect(nextId).not.toBe(firstId);
    await t.page.reload();
    await bot().filter({ hasText: 'Đã xoá hết dữ liệu của bạn' }).waitFor({ timeout: WAIT });
    expect(await t.page.getByTestId('user-bubble').count()).toBe(0);
    expect(await t.page.getByText('xoá dữ liệu', { exact: true }).count()).toBe(0);
    expect(t.pageErrors).toEqual([]);
  });
});
