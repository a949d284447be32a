/**
 * The officials' console on a small phone (360×640), in a real browser against a real server: the
 * tabs are one line that scrolls sideways, the action bar under the form is one short row, and
 * while the official types the text box is not covered by it.
 *
 * Saves /tmp/official-phone.png and /tmp/official-phone-typing.png to look at.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { createKeys } from '../../src/store/keys.js';
import { PHONE, signInAt, useBrowserPage, WAIT } from '../helpers/browser.js';
import { HOUR, seedResidents } from '../broadcast/seed.js';

const SMALL = { ...PHONE, viewport: { width: 360, height: 640 } };

const t = useBrowserPage(SMALL);
let token: string;

beforeAll(async () => {
  const keys = createKeys(t.server.prefix);
  token = (await new AccountStore(t.server.redis, keys).create({ name: 'Chị Mai', role: 'official', area: { province: '02' } })).token;
  // A resident on each channel, so that the estimate's table has all its rows.
  const area = { province: '02', district: '026', commune: '00715' };
  await seedResidents(t.server.redis, keys, (['zalo', 'messenger', 'web'] as const).map((channel) => ({ channel, area, lastWroteAgo: HOUR })));
});

const byId = (id: string) => t.page.getByTestId(id);

type Box = { top: number; bottom: number; left: number; right: number; height: number };
const box = (testId: string): Promise<Box> =>
  byId(testId).evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
  });
const actionBar = (): Promise<Box> =>
  t.page.locator('.actions-bar').evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
  });

describe('the console on a 360×640 phone', () => {
  it('tabs in one line, a one-row action bar, and a text box the bar never covers while typing', async () => {
    await signInAt(t.page, t.server.url + '/official/', token, { tap: true });
    await byId('who').filter({ hasText: 'Xin chào, Chị Mai' }).waitFor({ timeout: WAIT });
    await t.page.screenshot({ path: '/tmp/official-phone.png' });

    // Nothing wider than the screen.
    expect(await t.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    // The five tabs on one line (the strip scrolls sideways), not stacked over the form.
    const tabs = await t.page.locator('[data-tab]').evaluateAll((bs) => bs.map((b) => Math.round(b.getBoundingClientRect().top)));
    expect(tabs).toHaveLength(5);
    expect(new Set(tabs).size).toBe(1);
    expect((await t.page.locator('.tabs').boundingBox())!.height).toBeLessThanOrEqual(56);
    // Choosing a tab at the far end brings it into the strip.
    await byId('tab-reports').tap();
    const reports = await box('tab-reports');
    expect(reports.left).toBeGreaterThanOrEqual(0);
    expect(reports.right).toBeLessThanOrEqual(360);
    await byId('tab-compose').tap();
    const compose = await box('tab-compose');
    expect(compose.left).toBeGreaterThanOrEqual(0);

    // The action bar at the bottom of the screen: the three buttons side by side, one short row.
    const bar = await actionBar();
    expect(bar.bottom).toBeLessThanOrEqual(640);
    expect(bar.height).toBeLessThanOrEqual(0.15 * 640);
    const buttons = await Promise.all(['save-draft', 'estimate-btn', 'send'].map(box));
    expect(new Set(buttons.map((b) => Math.round(b.top))).size).toBe(1);
    for (const b of buttons) expect(b.height).toBeGreaterThanOrEqual(44);

    // Typing the alert: the text box is in view and nothing lies over it.
    await byId('text-vi').tap();
    await byId('text-vi').pressSequentially('Cảnh báo: giả danh công an gọi điện.');
    const text = await box('text-vi');
    const typingBar = await actionBar();
    expect(text.top).toBeGreaterThanOrEqual(0);
    expect(text.bottom).toBeLessThanOrEqual(640);
    expect(typingBar.top >= text.bottom || typingBar.bottom <= text.top).toBe(true);
    await t.page.screenshot({ path: '/tmp/official-phone-typing.png' });

    // Done typing (the keyboard closed): the bar is back at the bottom of the screen, within reach.
    await t.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const after = await actionBar();
    expect(Math.round(after.bottom)).toBe(640);
    expect(after.height).toBeLessThanOrEqual(0.15 * 640);
    await byId('estimate-btn').tap();
    await byId('estimate-total').waitFor({ timeout: WAIT });
    // The estimate's table fits the screen, all four columns (in Vietnamese without scrolling it).
    expect(await t.page.getByTestId('estimate-row').count()).toBe(3);
    const table = await byId('estimate-table').evaluate((t) => ({ right: t.getBoundingClientRect().right, box: t.closest('[data-testid="estimate"]')!.getBoundingClientRect().right }));
    expect(table.right).toBeLessThanOrEqual(table.box);
    expect(await t.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(t.pageErrors).toEqual([]);
  });
});
