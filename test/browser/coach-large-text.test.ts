/**
 * The coach page and the resident's landing page with the phone's text made large, in a real browser
 * (Debian's chromium) against a real server.
 *
 * - The browser's own text size counts: with a larger default font size (CDP `Page.setFontSizes`,
 *   which is Chromium's "Font size" setting) every text on both pages is larger, since the pages size
 *   their text in `rem` on a percentage root, not in px.
 * - Large text does not break the layout: Chromium's *minimum* font size (the profile preference
 *   `webkit.webprefs.minimum_font_size`; CDP has no call for it, so each size is a browser of its own
 *   with that preference) at 27 px and 36 px, about 150 % and 200 % of the 18 px text, on screens of
 *   360×740 and 320×568: nothing wider than the screen, no tab or button cut off, no word of the
 *   signed-in line or the tabs broken in two, long domains wrap.
 * - At 200 % text on a 360×640 phone the first screen is not all header: the first lesson (and on
 *   "Link của tôi" the first link) is in sight; the signed-in line and "Đăng xuất" go to the end.
 * - Focus is visible on white and on the brand-coloured header, and the language button's accessible
 *   name starts with what it shows ("EN", "VI").
 *
 * Saves /tmp/coach-large-text-<min>-<width>(-tabs).png and /tmp/landing-large-text-<min>-<width>.png to look at.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { LinkStore } from '../../src/coaching/link-store.js';
import { createKeys } from '../../src/store/keys.js';
import { contrast, PHONE, signInAt, useBrowser, WAIT } from '../helpers/browser.js';

/** The lesson whose summary ends in a long domain ("…trên dichvucong.gov.vn."). */
const LONG_DOMAIN_LESSON = 'public-services';
const SCREENS = [{ width: 360, height: 740 }, { width: 320, height: 568 }];

/** A real OA id's length: 19 digits, so "(https://zalo.me/…)" is one long word in the Zalo instruction. */
const t = useBrowser({ server: { env: { ZALO_OA_ID: '4318000000000000001' } } });
let token: string;
let code: string;

beforeAll(async () => {
  const keys = createKeys(t.server.prefix);
  const created = await new AccountStore(t.server.redis, keys).create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } });
  token = created.token;
  code = (await new LinkStore(t.server.redis, keys).create({ lessonId: LONG_DOMAIN_LESSON, coachId: created.account.id, senderName: 'Anh Minh' })).code;
});

const signIn = async (page: Page) => {
  await signInAt(page, t.server.url + '/coach/', token, { tap: true });
  await page.getByTestId('who').filter({ hasText: 'Xin chào, Anh Minh' }).waitFor({ timeout: WAIT });
  await page.locator(`[data-testid="lesson"][data-lesson="${LONG_DOMAIN_LESSON}"]`).waitFor({ timeout: WAIT });
};

/** A phone whose browser has Chromium's minimum font size set to `px`: a browser of its own. */
async function phoneWithMinimumFontSize(px: number): Promise<Page> {
  const opened = await t.openWithMinimumFontSize(px, { ...PHONE, viewport: SCREENS[0]! });
  onTestFinished(() => expect(opened.pageErrors).toEqual([]));
  return opened.page;
}

/** A phone whose browser's default font size is `px` (16 unless changed), as the "Font size" setting sets it. */
async function phoneWithDefaultFontSize(px: number): Promise<Page> {
  const { context, page, pageErrors } = await t.open(PHONE);
  onTestFinished(() => expect(pageErrors).toEqual([]));
  if (px !== 16) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.enable');
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: px } });
  }
  return page;
}

/**
 * Every element under `root` that shows text of its own (but those matching `skip`), by a path to
 * name it, with its computed font size in px.
 */
const textSizes = (page: Page, root: string, skip = ':not(*)'): Promise<Record<string, number>> =>
  page.evaluate(([root, skip]) => {
    const out: Record<string, number> = {};
    const path = (e: Element): string => {
      const parts: string[] = [];
      for (let n: Element | null = e; n && n !== document.body; n = n.parentElement) {
        const i = n.parentElement ? Array.from(n.parentElement.children).indexOf(n) : 0;
        parts.unshift(`${n.tagName.toLowerCase()}${n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\s+/).join('.') : ''}:${i}`);
      }
      return parts.join('>');
    };
    for (const e of Array.from(document.querySelectorAll(`${root} *`))) {
      if (!(e instanceof HTMLElement) || !e.offsetParent || e.matches(skip)) continue;
      const ownText = Array.from(e.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      if (ownText) out[path(e)] = parseFloat(getComputedStyle(e).fontSize);
    }
    return out;
  }, [root, skip] as const);

/** Words (of the text under `selector`) that the layout broke over two lines. */
const brokenWords = (page: Page, selector: string): Promise<string[]> =>
  page.evaluate((selector) => {
    const broken: string[] = [];
    for (const root of Array.from(document.querySelectorAll(selector))) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.textContent!.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) broken.push(m[0]);
        }
      }
    }
    return broken;
  }, selector);

type Box = { left: number; right: number; top: number; bottom: number; height: number; clipped: boolean };
/** Each element's box, and whether its own content is wider or taller than it (text cut off inside). */
const boxes = (page: Page, selector: string): Promise<Box[]> =>
  page.locator(selector).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height, clipped: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1 };
    }));

/** Fully on the screen (sideways), and nothing inside cut off. */
function expectFullyVisible(list: Box[], width: number, what: string): void {
  expect(list.length, what).toBeGreaterThan(0);
  for (const b of list) {
    expect(b.left, what).toBeGreaterThanOrEqual(0);
    expect(b.right, what).toBeLessThanOrEqual(width);
    expect(b.clipped, what).toBe(false);
  }
}

const fontSize = (page: Page, selector: string) => page.locator(selector).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('the browser’s text size', () => {
  it('a larger default font size makes every text of the coach page and the landing page larger', async () => {
    const normal = await phoneWithDefaultFontSize(16);
    const large = await phoneWithDefaultFontSize(24);
    for (const page of [normal, large]) await signIn(page);
    // The coach page's own text, from the lesson cards to the hints: 1.5 times larger, as the setting.
    expect(await fontSize(normal, '#who')).toBe(18);
    expect(await fontSize(large, '#who')).toBe(27);
    const before = await textSizes(normal, '#app');
    const after = await textSizes(large, '#app');
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(Object.keys(before).length).toBeGreaterThan(20);
    for (const [path, size] of Object.entries(before)) expect(after[path], path).toBeCloseTo(size * 1.5, 1);
    const headerBefore = await textSizes(normal, 'header');
    const headerAfter = await textSizes(large, 'header');
    expect(Object.keys(headerBefore).length).toBeGreaterThanOrEqual(3);
    for (const [path, size] of Object.entries(headerBefore)) expect(headerAfter[path], path).toBeCloseTo(size * 1.5, 1);

    // At the default size the page looks as it did: "Đăng xuất" beside the name, EN beside the
    // brand, the three tabs on one row, each label on one line.
    for (const screen of SCREENS) {
      await normal.setViewportSize(screen);
      const [name] = await boxes(normal, '#who');
      const [signout] = await boxes(normal, '#signout');
      expect(signout!.top, `${screen.width} px`).toBeLessThan(name!.bottom);
      const [brand] = await boxes(normal, '.brand');
      const [lang] = await boxes(normal, '#lang');
      expect(lang!.top, `${screen.width} px`).toBeLessThan(brand!.bottom);
      const tabs = await boxes(normal, '.seg button');
      expect(new Set(tabs.map((t) => Math.round(t.top))).size, `${screen.width} px`).toBe(1);
      for (const t of tabs) expect(t.height, `${screen.width} px`).toBeLessThanOrEqual(48);
    }

    // The landing page: its text 1.5 times larger too; the code at least a quarter larger (it is also
    // held to the screen's width).
    for (const page of [normal, large]) await page.goto(`${t.server.url}/l/${code}`);
    expect(await fontSize(normal, '.summary')).toBe(20);
    expect(await fontSize(large, '.summary')).toBe(30);
    const lBefore = await textSizes(normal, 'body', '[data-testid="code"]');
    const lAfter = await textSizes(large, 'body', '[data-testid="code"]');
    expect(Object.keys(lAfter).sort()).toEqual(Object.keys(lBefore).sort());
    expect(Object.keys(lBefore).length).toBeGreaterThan(10);
    for (const [path, size] of Object.entries(lBefore)) expect(lAfter[path], path).toBeCloseTo(size * 1.5, 1);
    expect(await fontSize(large, '[data-testid="code"]')).toBeGreaterThanOrEqual((await fontSize(normal, '[data-testid="code"]')) * 1.25);
  });
});

describe.each([27, 36])('text at least %i px (Chromium’s minimum font size)', (minimum) => {
  it('the coach page: nothing wider than the screen, every tab and “Đăng xuất” whole, no word broken in the signed-in line', async () => {
    const page = await phoneWithMinimumFontSize(minimum);
    await signIn(page);
    // The preference is in force: the smallest text (16 px hints) is at the minimum.
    expect(await fontSize(page, '#note-hint')).toBe(minimum);
    for (const screen of SCREENS) {
      await page.setViewportSize(screen);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `/tmp/coach-large-text-${minimum}-${screen.width}.png` });
      await page.locator('.tabs').evaluate((e) => e.scrollIntoView());
      await page.screenshot({ path: `/tmp/coach-large-text-${minimum}-${screen.width}-tabs.png` });
      expect(await overflow(page), `${screen.width} px`).toBeLessThanOrEqual(0);
      expectFullyVisible(await boxes(page, '.seg button'), screen.width, `tabs at ${screen.width} px`);
      expect(await brokenWords(page, '.seg button'), `tabs at ${screen.width} px`).toEqual([]);
      const signout = await boxes(page, '#signout');
      expectFullyVisible(signout, screen.width, `Đăng xuất at ${screen.width} px`);
      expect(signout[0]!.height).toBeGreaterThanOrEqual(44);
      expect(await brokenWords(page, '.who'), `the signed-in line at ${screen.width} px`).toEqual([]);
      expectFullyVisible(await boxes(page, '#lang'), screen.width, `EN at ${screen.width} px`);
      expectFullyVisible(await boxes(page, '#create'), screen.width, `Tạo link at ${screen.width} px`);
      // The summary with "dichvucong.gov.vn" stays inside its card.
      const card = page.locator(`[data-testid="lesson"][data-lesson="${LONG_DOMAIN_LESSON}"]`);
      expect(await card.innerText()).toContain('dichvucong.gov.vn');
      expectFullyVisible(await boxes(page, `[data-lesson="${LONG_DOMAIN_LESSON}"] .l-summary`), screen.width, `the summary at ${screen.width} px`);
    }
  });

  it('a new link on show (its code, QR, the Zalo instruction with the OA’s address): nothing wider than the screen', async () => {
    const page = await phoneWithMinimumFontSize(minimum);
    await signIn(page);
    await page.locator(`[data-testid="lesson"][data-lesson="${LONG_DOMAIN_LESSON}"]`).tap();
    await page.getByTestId('create').tap();
    const instruction = page.getByTestId('zalo-instruction');
    await instruction.filter({ hasText: 'https://zalo.me/4318000000000000001' }).waitFor({ timeout: WAIT });
    for (const screen of SCREENS) {
      await page.setViewportSize(screen);
      await instruction.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `/tmp/coach-large-text-result-${minimum}-${screen.width}.png` });
      expect(await overflow(page), `${screen.width} px`).toBeLessThanOrEqual(0);
      expectFullyVisible(await boxes(page, '#zalo-instruction'), screen.width, `the Zalo instruction at ${screen.width} px`);
      expectFullyVisible(await boxes(page, '#result-code'), screen.width, `the code at ${screen.width} px`);
    }
  });

  it('the landing page: nothing wider than the screen, the language link and the buttons whole', async () => {
    const page = await phoneWithMinimumFontSize(minimum);
    await page.goto(`${t.server.url}/l/${code}`);
    expect(await fontSize(page, '.summary')).toBeGreaterThanOrEqual(minimum);
    expect(await page.locator('.summary').innerText()).toContain('dichvucong.gov.vn');
    for (const screen of SCREENS) {
      await page.setViewportSize(screen);
      await page.screenshot({ path: `/tmp/landing-large-text-${minimum}-${screen.width}.png` });
      expect(await overflow(page), `${screen.width} px`).toBeLessThanOrEqual(0);
      const lang = await boxes(page, '[data-testid="lang"]');
      expectFullyVisible(lang, screen.width, `English at ${screen.width} px`);
      expect(lang[0]!.height).toBeGreaterThanOrEqual(44);
      expectFullyVisible(await boxes(page, 'a.btn'), screen.width, `buttons at ${screen.width} px`);
      expectFullyVisible(await boxes(page, '.summary'), screen.width, `the summary at ${screen.width} px`);
      expect(await brokenWords(page, 'header, a.btn, h1, h2, h3'), `at ${screen.width} px`).toEqual([]);
    }
  });
});

/**
 * The first screen at 200 % text: the first lesson's title above the sticky "Tạo link", and on "Link
 * của tôi" the first link's code and lesson; the name and "Đăng xuất" at the end of the page, whole,
 * their question coming into sight. `shots`: where to save the screens, to look at.
 */
async function expectContentOnFirstScreen(page: Page, shots: string): Promise<void> {
  const HEIGHT = 640;
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${shots}.png` });
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  const [title] = await boxes(page, '[data-testid="lesson"]:first-child .l-title');
  const [bar] = await boxes(page, '.sticky-bar');
  expect(title!.top).toBeGreaterThanOrEqual(0);
  expect(title!.bottom).toBeLessThanOrEqual(bar!.top);
  const create = await boxes(page, '#create');
  expectFullyVisible(create, 360, 'Tạo link');
  expect(create[0]!.bottom).toBeLessThanOrEqual(HEIGHT);

  await page.getByTestId('tab-links').tap();
  await page.locator(`[data-testid="link-item"][data-code="${code}"]`).waitFor({ timeout: WAIT });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${shots}-links.png` });
  const [first] = await boxes(page, '[data-testid="link-item"]:first-child .c-title');
  expect(first!.bottom).toBeLessThanOrEqual(HEIGHT);

  const signout = page.getByTestId('signout');
  await signout.scrollIntoViewIfNeeded();
  expectFullyVisible(await boxes(page, '#signout'), 360, 'Đăng xuất');
  expect((await boxes(page, '#who'))[0]!.top).toBeGreaterThan((await boxes(page, '#tab-links'))[0]!.bottom);
  await signout.tap();
  const [stay] = await boxes(page, '[data-testid="signout-stay"]');
  expect(stay!.top).toBeGreaterThanOrEqual(0);
  expect(stay!.bottom).toBeLessThanOrEqual(HEIGHT);
}

describe('200 % text on a 360×640 phone: the header does not fill the first screen', () => {
  it('the page’s root font size doubled: the first lesson, and on “Link của tôi” the first link, in sight; “Đăng xuất” at the end', async () => {
    const { page, pageErrors } = await t.open({ ...PHONE, viewport: { width: 360, height: 640 } });
    await signIn(page);
    // 200 % of the page's own 112.5 %: 36 px text.
    await page.addStyleTag({ content: ':root { font-size: 225% !important; }' });
    expect(await fontSize(page, '#who')).toBe(36);
    await expectContentOnFirstScreen(page, '/tmp/coach-200-percent');
    expect(pageErrors).toEqual([]);
  });

  it('Chromium’s minimum font size at 36 px: the same', async () => {
    const opened = await t.openWithMinimumFontSize(36, { ...PHONE, viewport: { width: 360, height: 640 } });
    await signIn(opened.page);
    expect(await fontSize(opened.page, '#note-hint')).toBe(36);
    await expectContentOnFirstScreen(opened.page, '/tmp/coach-minimum-36-640');
    expect(opened.pageErrors).toEqual([]);
  });
});

// ── Focus and the language button ─────────────────────────────────────────────────────────────


const WHITE = 'rgb(255, 255, 255)';
const BRAND = 'rgb(11, 110, 79)';

/** The focused element's ring: the outline, and the halo drawn by box-shadow next to it. */
const ring = (page: Page) =>
  page.evaluate(() => {
    const e = document.activeElement!;
    const s = getComputedStyle(e);
    return {
      id: e.id || e.getAttribute('data-testid') || e.tagName,
      focusVisible: e.matches(':focus-visible'),
      outline: s.outlineColor,
      outlineStyle: s.outlineStyle,
      outlineWidth: parseFloat(s.outlineWidth),
      outlineOffset: parseFloat(s.outlineOffset),
      halo: /rgba?\([^)]*\)/.exec(s.boxShadow)?.[0] ?? '',
      haloSpread: s.boxShadow === 'none' ? 0 : Number(/(-?[\d.]+)px(?:\s+inset)?\s*$/.exec(s.boxShadow.split(/,(?![^(]*\))/)[0]!.trim())?.[1] ?? 0),
    };
  });

/** A dark ring (3:1 on white) with a light halo (3:1 on the brand green), at least 2 px each. */
function expectVisibleRing(r: Awaited<ReturnType<typeof ring>>): void {
  expect(r.focusVisible, r.id).toBe(true);
  expect(r.outlineStyle, r.id).toBe('solid');
  expect(r.outlineWidth, r.id).toBeGreaterThanOrEqual(2);
  expect(contrast(r.outline, WHITE), `${r.id}: ring on white`).toBeGreaterThanOrEqual(3);
  expect(contrast(r.halo, BRAND), `${r.id}: halo on the header`).toBeGreaterThanOrEqual(3);
  expect(contrast(r.halo, r.outline), `${r.id}: halo against ring`).toBeGreaterThanOrEqual(3);
  expect(r.haloSpread, r.id).toBeGreaterThanOrEqual(2);
}

describe('focus and the language button', () => {
  it('the coach page: keyboard focus is visible on white and on the header; “EN” is the start of its name, both ways', async () => {
    const { page, pageErrors } = await t.open(PHONE);
    await signIn(page);
    // Afresh (still signed in), nothing focused yet.
    await page.reload();
    await page.getByTestId('who').filter({ hasText: 'Anh Minh' }).waitFor({ timeout: WAIT });

    // The first stop is the language button on the green header, then "Đăng xuất" on white, then the tabs.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lang');
    expectVisibleRing(await ring(page));
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('signout');
    expectVisibleRing(await ring(page));
    // A tab's ring is drawn inside it, where the group's rounded frame cannot cut it off.
    await page.keyboard.press('Tab');
    const tab = await ring(page);
    expect(tab.id).toBe('tab-new');
    expectVisibleRing(tab);
    expect(tab.outlineOffset + tab.outlineWidth).toBeLessThanOrEqual(0);

    // The name starts with what the button shows, so "click EN" works for voice control.
    await page.getByRole('button', { name: /^EN – đổi ngôn ngữ/ }).waitFor({ timeout: WAIT });
    expect(await page.getByRole('button', { name: /^EN\b/ }).count()).toBe(1);
    await page.getByTestId('lang').tap();
    expect(await page.getByTestId('lang').innerText()).toBe('VI');
    await page.getByRole('button', { name: /^VI – switch the page language to Vietnamese$/ }).waitFor({ timeout: WAIT });
    await page.getByTestId('lang').tap();
    await page.getByRole('button', { name: /^EN – đổi ngôn ngữ trang sang tiếng Anh$/ }).waitFor({ timeout: WAIT });
    expect(pageErrors).toEqual([]);
  });

  it('the landing page: focus visible on the header’s language link and on the buttons; the link’s name is what it shows', async () => {
    const { page, pageErrors } = await t.open(PHONE);
    await page.goto(`${t.server.url}/l/${code}`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('lang');
    expectVisibleRing(await ring(page));
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('open-zalo');
    expectVisibleRing(await ring(page));
    expect(await page.getByRole('link', { name: /^English$/ }).count()).toBe(1);
    await page.getByTestId('lang').tap();
    await page.getByRole('link', { name: /^Tiếng Việt$/ }).waitFor({ timeout: WAIT });
    expect(pageErrors).toEqual([]);
  });
});
