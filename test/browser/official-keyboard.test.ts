/**
 * The officials' console from the keyboard and with the browser's text size, in a real browser
 * (Debian's chromium) against a real server, at a desk (1280×900):
 *
 * - a field reached with Tab is scrolled into view above the sticky action bar, not under it;
 * - focus is visible on white and on the green header;
 * - the language button's accessible name starts with what it shows ("EN", "VI");
 * - a larger default font size (CDP `Page.setFontSizes`, Chromium's "Font size" setting) makes the
 *   console's text larger.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { createKeys } from '../../src/store/keys.js';
import { contrast, DESK, signInAt, useBrowser, WAIT } from '../helpers/browser.js';

const t = useBrowser();
let token: string;

beforeAll(async () => {
  token = (await new AccountStore(t.server.redis, createKeys(t.server.prefix)).create({ name: 'Chị Lan', role: 'official', area: { province: '01', commune: '00004' } })).token;
});

/** A signed-in console at a desk, reloaded so that nothing has focus; `fontSize` is the browser's default font size. */
async function console_(fontSize = 16): Promise<{ page: Page; pageErrors: string[] }> {
  const { context, page, pageErrors } = await t.open(DESK);
  if (fontSize !== 16) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.enable');
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: fontSize } });
  }
  await signInAt(page, t.server.url + '/official/', token);
  await page.getByTestId('who').filter({ hasText: 'Xin chào, Chị Lan' }).waitFor({ timeout: WAIT });
  await page.reload();
  await page.getByTestId('who').filter({ hasText: 'Xin chào, Chị Lan' }).waitFor({ timeout: WAIT });
  return { page, pageErrors };
}

/** Press Tab until `testId` has focus (at most 40 times). */
async function tabTo(page: Page, testId: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === testId) return;
  }
  throw new Error(`Tab never reached ${testId}`);
}

const rect = (page: Page, selector: string) =>
  page.locator(selector).evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: r.height };
  });

describe('the console from the keyboard', () => {
  it('Tab to the picture upload and to the progress filter: each is scrolled into view above the sticky action bar', async () => {
    const { page, pageErrors } = await console_();
    for (const field of ['image', 'progress-filter']) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await tabTo(page, field);
      const box = await rect(page, `[data-testid="${field}"]`);
      const bar = await rect(page, '.actions-bar');
      // The focused field is wholly on the screen, above the bar (stuck to the bottom of the screen
      // or, near the end of the form, in its place under it).
      expect(bar.bottom, field).toBeLessThanOrEqual(900);
      expect(box.top, field).toBeGreaterThanOrEqual(0);
      expect(box.bottom, field).toBeLessThanOrEqual(bar.top);
    }
    expect(pageErrors).toEqual([]);
  });

  it('focus is visible on the header and on white; “EN” is the start of the language button’s name, both ways', async () => {
    const { page, pageErrors } = await console_();
    const ring = () =>
      page.evaluate(() => {
        const s = getComputedStyle(document.activeElement!);
        return { id: document.activeElement!.id, outline: s.outlineColor, width: parseFloat(s.outlineWidth), halo: /rgba?\([^)]*\)/.exec(s.boxShadow)?.[0] ?? '' };
      });
    await page.keyboard.press('Tab');
    const lang = await ring();
    expect(lang.id).toBe('lang');
    await page.keyboard.press('Tab');
    const signout = await ring();
    expect(signout.id).toBe('signout');
    for (const r of [lang, signout]) {
      expect(r.width, r.id).toBeGreaterThanOrEqual(2);
      expect(contrast(r.outline, 'rgb(255, 255, 255)'), `${r.id}: ring on white`).toBeGreaterThanOrEqual(3);
      expect(contrast(r.halo, 'rgb(11, 110, 79)'), `${r.id}: halo on the green header`).toBeGreaterThanOrEqual(3);
    }

    await page.getByRole('button', { name: /^EN – đổi ngôn ngữ trang sang tiếng Anh$/ }).waitFor({ timeout: WAIT });
    await page.getByTestId('lang').click();
    expect(await page.getByTestId('lang').innerText()).toBe('VI');
    await page.getByRole('button', { name: /^VI – switch the page language to Vietnamese$/ }).waitFor({ timeout: WAIT });
    await page.getByTestId('lang').click();
    await page.getByRole('button', { name: /^EN\b/ }).waitFor({ timeout: WAIT });
    expect(pageErrors).toEqual([]);
  });
});

describe('the console and the browser’s text size', () => {
  it('a larger default font size makes the console’s text larger: the header, the form, the buttons', async () => {
    const normal = await console_(16);
    const large = await console_(24);
    const sizes = (page: Page) =>
      page.evaluate(() => {
        const out: Record<string, number> = {};
        for (const sel of ['.top h1', '.top .sub', '#lang', '#who', '#who-area', '#signout', '[data-tab="compose"]', '#compose-title', '.box legend', 'label[for="text-vi"]', '#text-vi', '#hint-en', '#image', '#area', '#send', '#preview-title', '[data-preview-lang="vi"]']) {
          const e = document.querySelector(sel);
          out[sel] = e ? parseFloat(getComputedStyle(e).fontSize) : NaN;
        }
        return out;
      });
    const [before, after] = [await sizes(normal.page), await sizes(large.page)];
    expect(before['#who']).toBe(18);
    for (const [sel, size] of Object.entries(before)) {
      expect(size, sel).toBeGreaterThan(0);
      expect(after[sel], sel).toBeCloseTo(size * 1.5, 1);
    }
    expect(normal.pageErrors).toEqual([]);
    expect(large.pageErrors).toEqual([]);
  });
});

