/**
 * The simulator page fetching what the server pushed (an official's alert, a review follow-up) from
 * the resident's mailbox, in a real browser (Debian's chromium) against a real server: real Redis,
 * real routes. Phone-sized viewport, taps instead of clicks.
 */
import type { Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { WebReply } from '../../src/channels/web/schema.js';
import { PHONE, useBrowserPage, WAIT } from '../helpers/browser.js';
import { pushTo, residentOf } from '../helpers/simulator.js';

const t = useBrowserPage({ ...PHONE, viewport: { width: 360, height: 640 } });

const bot = () => t.page.getByTestId('bot-bubble');
const choices = () => t.page.getByTestId('choice');
const menuText = 'Bạn muốn học gì';

const resident = () => residentOf(t.page);
const push = (userId: string, reply: WebReply) => pushTo(t.server, userId, reply);

/** The page asking for pushed messages (not sending one). */
const isPoll = (r: Response) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/channels/web/messages';


describe('messages the server pushed (an alert, a reminder)', () => {
  it('one pushed while the page is open shows within a poll, read from its start, with chips that answer', async () => {
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    const menus = await bot().filter({ hasText: menuText }).count();

    await push(await resident(), { text: 'Cảnh báo: có kẻ giả danh ngân hàng gọi điện xin mã OTP.', choices: [{ payload: 'c:menu', label: 'Về menu' }] });
    const alert = bot().filter({ hasText: 'giả danh ngân hàng' });
    await alert.waitFor({ timeout: WAIT });
    expect(await alert.getAttribute('data-first-new')).toBe('true');
    // Only the last bot message's chips are offered: the alert's now, not the menu's.
    expect(await choices().count()).toBe(1);

    // "View as" draws the alert, the last thing the bot sent.
    await t.page.getByTestId('view-zalo').tap();
    await t.page.getByTestId('preview').getByText('giả danh ngân hàng').waitFor({ timeout: WAIT });
    await t.page.getByTestId('view-web').tap();

    await t.page.locator('[data-testid="choice"][data-payload="c:menu"]').tap();
    await t.page.getByTestId('user-bubble').filter({ hasText: 'Về menu' }).waitFor({ timeout: WAIT });
    await bot().filter({ hasText: menuText }).nth(menus).waitFor({ timeout: WAIT });
    expect(await alert.count()).toBe(1);
    expect(t.pageErrors).toEqual([]);
  });

  it('a message is shown once: not again after coming back or in a new tab, while one pushed meanwhile arrives', async () => {
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    const me = await resident();
    await push(me, { text: 'Nhắc ôn tập: 3 câu hỏi đang chờ bạn.' });
    const reminder = bot().filter({ hasText: 'Nhắc ôn tập' });
    await reminder.waitFor({ timeout: WAIT });

    // Leave the page, get a message while away, come back (the tab keeps its chat, like a reload):
    // the poll that brings the new message would bring the old one too if it were asked for it.
    await t.page.goto('about:blank');
    await push(me, { text: 'Cảnh báo: tin nhắn trúng thưởng giả.' });
    await t.page.goto(t.server.url + '/');
    const away = bot().filter({ hasText: 'trúng thưởng giả' });
    await away.waitFor({ timeout: WAIT });
    expect(await reminder.count()).toBe(1);
    expect(await away.count()).toBe(1);

    // A new tab starts its own chat: only what no tab has fetched yet.
    await t.page.close();
    await push(me, { text: 'Cảnh báo: đường link lạ gửi qua Zalo.' });
    t.page = await t.context.newPage();
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: 'đường link lạ' }).waitFor({ timeout: WAIT });
    expect(await bot().filter({ hasText: 'Nhắc ôn tập' }).count()).toBe(0);
    expect(await bot().filter({ hasText: 'trúng thưởng giả' }).count()).toBe(0);
    expect(await bot().filter({ hasText: 'đường link lạ' }).count()).toBe(1);
  });

  it('a poll the server fails is silent, and the message it carried arrives on the next one', async () => {
    await t.page.goto(t.server.url + '/');
    await bot().filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    // Fail the first poll that would have brought the message, as a restarting server would.
    let failed = 0;
    await t.page.route(/\/channels\/web\/messages\?/, async (route) => {
      const real = await route.fetch();
      const carried = ((await real.json()) as { replies: WebReply[] }).replies.length > 0;
      if (failed === 0 && carried) {
        failed++;
        await route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Lỗi máy chủ.' } }) });
      } else await route.fulfill({ response: real });
    });
    const failedPoll = t.page.waitForResponse((r) => isPoll(r) && r.status() === 500, { timeout: WAIT });
    await push(await resident(), { text: 'Cảnh báo: giả danh công an gọi video.' });
    await failedPoll;

    const alert = bot().filter({ hasText: 'giả danh công an' });
    await alert.waitFor({ timeout: WAIT });
    expect(await alert.count()).toBe(1);
    expect(await t.page.getByTestId('error-bubble').count()).toBe(0);
    expect(await t.page.locator('body').innerText()).not.toContain('Lỗi máy chủ');
    expect(t.pageErrors).toEqual([]);
  });
});
