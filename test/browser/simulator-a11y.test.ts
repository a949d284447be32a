/**
 * The simulator page for the residents it is meant for: elderly people on cheap small phones, often
 * with the phone's text size turned up, some with a screen reader. Large text is emulated the two
 * ways a browser does it: a minimum font size (text drawn at least that large whatever the page asks
 * for; Chromium's `webkit.webprefs.minimum_font_size`, 27 px and 36 px standing for 150 % and 200 %)
 * and a larger default font size (CDP `Page.setFontSizes`, which the page's rem sizes follow).
 * Real Chromium, real server; layouts are measured, never timed.
 */
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { LinkStore } from '../../src/coaching/link-store.js';
import { createKeys } from '../../src/store/keys.js';
import { contrast, PHONE, useBrowser, WAIT } from '../helpers/browser.js';

const t = useBrowser();
let links: LinkStore;
let coachId: string;

beforeAll(async () => {
  const keys = createKeys(t.server.prefix);
  links = new LinkStore(t.server.redis, keys);
  const created = await new AccountStore(t.server.redis, keys).create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } });
  coachId = created.account.id;
});

/** How the text is made larger: a minimum font size, or a larger default font size. */
type LargeText = { minimumFontSize: number } | { defaultFontSize: number } | null;

/**
 * A phone page with large text. A minimum font size is a browser preference, read at start from
 * the profile: it takes a browser of its own (a persistent context on a fresh profile).
 */
async function phone(large: LargeText, viewport = PHONE.viewport!): Promise<{ page: Page; context: BrowserContext; pageErrors: string[] }> {
  const options: BrowserContextOptions = { ...PHONE, viewport };
  if (large && 'minimumFontSize' in large) return t.openWithMinimumFontSize(large.minimumFontSize, options);
  const { context, page, pageErrors } = await t.open(options);
  if (large) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: large.defaultFontSize } });
  }
  return { page, context, pageErrors };
}

const menuText = 'Bạn muốn học gì';
const bot = (page: Page) => page.getByTestId('bot-bubble');

/** A coach's lesson link, as "Mở bài học" on its landing page opens it. */
async function lessonLink(): Promise<string> {
  const link = await links.create({ lessonId: 'password-otp', coachId, senderName: 'Anh Minh' });
  return `/?code=${link.code}`;
}

type Box = { left: number; top: number; right: number; bottom: number; width: number; height: number };

/** The boxes of the header's and the view bar's parts, the screen's size and any sideways overflow. */
function measureChrome(page: Page) {
  return page.evaluate(() => {
    const box = (e: Element | null): Box | null => {
      if (!e || !(e as HTMLElement).offsetParent) return null;
      const r = e.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
    };
    const logo = document.querySelector('.logo')!;
    const letters = document.createRange();
    letters.selectNodeContents(logo);
    const buttons = Array.from(document.querySelectorAll('.top button, .views button')).map((b) => {
      const r = b.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      // On how many lines its words are drawn (a word cut in two, "Messeng|er", makes two).
      const words = document.createRange();
      words.selectNodeContents(b);
      const lines = new Set(Array.from(words.getClientRects()).map((r) => Math.round(r.top))).size;
      return { name: b.textContent!.trim(), box: box(b)!, hitsItself: Boolean(hit && b.contains(hit)), lines };
    });
    return {
      screen: { width: window.innerWidth, height: window.innerHeight },
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      buttons,
      title: box(document.querySelector('.top h1')),
      sub: box(document.querySelector('.top .sub')),
      logo: box(logo),
      letters: box(logo) ? letters.getBoundingClientRect() : null,
      messageFont: parseFloat(getComputedStyle(document.querySelector('[data-testid="bot-bubble"]')!).fontSize),
    };
  });
}

const overlaps = (a: Box, b: Box) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;


describe('simulator page with large text', () => {
  const cases: Array<{ name: string; large: LargeText; width: number; height: number; font: number }> = [
    { name: 'the usual text size, 320×568', large: null, width: 320, height: 568, font: 18 },
    { name: 'minimum font size 27 px (150 %), 360×740', large: { minimumFontSize: 27 }, width: 360, height: 740, font: 27 },
    { name: 'minimum font size 36 px (200 %), 360×740', large: { minimumFontSize: 36 }, width: 360, height: 740, font: 36 },
    { name: 'minimum font size 36 px (200 %), 320×568', large: { minimumFontSize: 36 }, width: 320, height: 568, font: 36 },
    { name: 'default font size 32 px (200 %), 360×740', large: { defaultFontSize: 32 }, width: 360, height: 740, font: 36 },
  ];
  for (const c of cases) {
    it(`the header and the view bar fit, every button whole and tappable: ${c.name}`, async () => {
      const { page, pageErrors } = await phone(c.large, { width: c.width, height: c.height });
      await page.goto(t.server.url + '/');
      await bot(page).filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
      const m = await measureChrome(page);
      expect(m.messageFont).toBeGreaterThanOrEqual(c.font); // the large text is really there
      expect(m.overflow).toBeLessThanOrEqual(0);
      expect(m.buttons.map((b) => b.name)).toEqual(['Người mới', 'EN', 'Web', 'Zalo', 'Messenger']);
      for (const b of m.buttons) {
        expect(b.box.left, b.name).toBeGreaterThanOrEqual(0);
        expect(b.box.right, b.name).toBeLessThanOrEqual(m.screen.width);
        expect(b.box.height, b.name).toBeGreaterThanOrEqual(44);
        expect(b.hitsItself, `${b.name} is covered`).toBe(true);
        if (!b.name.includes(' ')) expect(b.lines, `${b.name} is cut`).toBe(1);
      }
      // The name and the subtitle are not drawn over the buttons, nor the letters out of their circle.
      for (const b of m.buttons.slice(0, 2)) {
        expect(overlaps(m.title!, b.box), `title over ${b.name}`).toBe(false);
        expect(overlaps(m.sub!, b.box), `subtitle over ${b.name}`).toBe(false);
      }
      expect(m.letters!.left).toBeGreaterThanOrEqual(m.logo!.left);
      expect(m.letters!.right).toBeLessThanOrEqual(m.logo!.right);
      expect(m.letters!.top).toBeGreaterThanOrEqual(m.logo!.top);
      expect(m.letters!.bottom).toBeLessThanOrEqual(m.logo!.bottom);
      await page.screenshot({ path: `/tmp/simulator-large-${c.font}-${c.width}.png` });
      expect(pageErrors).toEqual([]);
    });
  }

  const keyboards: Array<{ name: string; large: LargeText }> = [
    { name: 'minimum font size 36 px', large: { minimumFontSize: 36 } },
    { name: 'default font size 32 px', large: { defaultFontSize: 32 } },
  ];
  for (const k of keyboards) {
    it(`on a 320×568 phone with the keyboard open and 200 % text (${k.name}), a resident still sees the chat and the whole text box`, async () => {
      const { page } = await phone(k.large, { width: 320, height: 568 });
      await page.goto(t.server.url + (await lessonLink()));
      await bot(page).first().waitFor({ timeout: WAIT });
      expect(await bot(page).first().evaluate((b) => parseFloat(getComputedStyle(b).fontSize))).toBeGreaterThanOrEqual(36);
      // The keyboard takes the lower part of the screen, and the page is laid out in what is left: on
      // Android, Chrome does so only when the page asks (otherwise the keyboard covers the page's foot).
      expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain('interactive-widget=resizes-content');
      await page.setViewportSize({ width: 320, height: 330 });
      const room = () =>
        page.evaluate(() => {
          const r = (s: string) => document.querySelector(s)!.getBoundingClientRect();
          return { log: document.querySelector('[data-testid="chat-log"]')!.clientHeight, box: r('[data-testid="text-input"]').toJSON() as DOMRect, send: r('[data-testid="send"]').toJSON() as DOMRect, overflow: document.documentElement.scrollWidth - innerWidth };
        });
      const onScreen = (r: DOMRect) => r.left >= 0 && r.top >= 0 && r.right <= 320 && r.bottom <= 330;
      let m = await room();
      expect(m.log).toBeGreaterThanOrEqual(120);
      expect(onScreen(m.box)).toBe(true);
      expect(onScreen(m.send)).toBe(true);
      expect(m.overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: '/tmp/simulator-keyboard.png' });

      // A pasted scam SMS grows the box to a few lines, not over the chat.
      await page.getByTestId('text-input').fill('Tài khoản Vietcombank của quý khách bị tạm khoá.\nVui lòng đăng nhập tại vcb-secure.example để xác minh ngay trong 24h,\nnếu không tài khoản sẽ bị khoá vĩnh viễn.');
      m = await room();
      expect(m.box.height).toBeGreaterThan(80);
      expect(m.log).toBeGreaterThanOrEqual(120);
      expect(onScreen(m.box)).toBe(true);
      expect(onScreen(m.send)).toBe(true);
    });
  }

  it('follows the browser’s own text size: a larger default font size makes the messages larger', async () => {
    const normal = await phone(null);
    await normal.page.goto(t.server.url + '/');
    await bot(normal.page).first().waitFor({ timeout: WAIT });
    const size = (p: Page) => bot(p).first().evaluate((b) => parseFloat(getComputedStyle(b).fontSize));
    expect(await size(normal.page)).toBe(18);

    const larger = await phone({ defaultFontSize: 24 });
    await larger.page.goto(t.server.url + '/');
    await bot(larger.page).first().waitFor({ timeout: WAIT });
    expect(await size(larger.page)).toBe(27);
    // The buttons' words grow with it too.
    expect(await larger.page.getByTestId('send').evaluate((b) => parseFloat(getComputedStyle(b).fontSize))).toBeGreaterThan(18);
  });
});

describe('simulator page with a screen reader or a keyboard', () => {
  it('the bot’s answer is announced once, in a live region, with what it said; the chat itself is not live and is not redrawn', async () => {
    const { page, pageErrors } = await phone(null);
    await page.goto(t.server.url + '/');
    await bot(page).filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    const log = page.getByTestId('chat-log');
    expect(await log.getAttribute('aria-live')).toBeNull();
    expect(await log.getAttribute('role')).not.toBe('log');
    const announcer = page.getByTestId('announcer');
    expect(await announcer.getAttribute('aria-live')).toBe('polite');

    // The bubbles already there stay the same elements (marked here) when the answer comes.
    await bot(page).first().evaluate((b) => b.setAttribute('data-seen', 'yes'));
    const sent = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/channels/web/messages');
    // The typing dots say what they mean, as a status.
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    await page.route('**/channels/web/messages', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByTestId('text-input').fill('menu');
    await page.getByTestId('text-input').press('Enter');
    const typing = page.locator('.typing');
    await typing.waitFor({ timeout: WAIT });
    expect(await typing.getAttribute('role')).toBe('status');
    expect(await typing.innerText()).toBe('Đang trả lời…');
    letGo();
    const replies = ((await (await sent).json()) as { replies: Array<{ text: string; link?: { label: string } }> }).replies;
    expect(replies.length).toBeGreaterThan(0);
    const said = replies.map((r) => [r.text, r.link ? `👉 ${r.link.label}` : ''].filter(Boolean).join('\n')).join('\n');
    await expect.poll(() => announcer.textContent(), { timeout: WAIT }).toBe(said);
    expect(await bot(page).first().getAttribute('data-seen')).toBe('yes');
    expect(pageErrors).toEqual([]);
  });

  it('after a chip the focus goes to the answer, not to the page', async () => {
    const { page } = await phone(null);
    await page.goto(t.server.url + '/');
    const chip = page.locator('[data-testid="choice"][data-payload^="l:"]').first();
    await chip.waitFor({ timeout: WAIT });
    const before = await bot(page).count();
    // While the answer is on its way the chip is gone: the focus waits on the resident's own answer.
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    await page.route('**/channels/web/messages', async (route) => {
      await held;
      await route.continue();
    });
    await chip.tap();
    await page.getByTestId('user-bubble').waitFor({ timeout: WAIT });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('user-bubble');
    letGo();
    await bot(page).nth(before).waitFor({ timeout: WAIT });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-first-new')), { timeout: WAIT }).toBe('true');
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(false);
    // From there the keyboard goes on into the answer (its picture, its chips), not back to the top.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => {
      const from = document.querySelector('[data-first-new]')!;
      const at = document.activeElement!;
      return at.closest('[data-testid="chat-log"]') !== null && (from.contains(at) || Boolean(from.compareDocumentPosition(at) & Node.DOCUMENT_POSITION_FOLLOWING));
    })).toBe(true);
  });

  it('names say what is shown: "EN" starts the language button’s name; "View as" marks its buttons only', async () => {
    const { page } = await phone(null);
    await page.goto(t.server.url + '/');
    await bot(page).first().waitFor({ timeout: WAIT });
    expect(await page.getByRole('button', { name: 'EN – đổi ngôn ngữ trang sang tiếng Anh', exact: true }).count()).toBe(1);
    await page.getByTestId('lang').tap();
    expect(await page.getByRole('button', { name: 'VI – switch the page language to Vietnamese', exact: true }).count()).toBe(1);
    await page.getByTestId('lang').tap();

    await page.getByTestId('view-zalo').tap();
    expect(await page.evaluate(() => document.body.hasAttribute('aria-pressed') || 'view' in document.body.dataset)).toBe(false);
    expect(await page.getByTestId('view-zalo').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('view-web').getAttribute('aria-pressed')).toBe('false');
  });

  it('the focus ring shows on the white page and on the green header; the text box’s edge shows on white', async () => {
    const { page } = await phone(null);
    await page.goto(t.server.url + '/');
    await bot(page).first().waitFor({ timeout: WAIT });
    /** Tab until `testId` has the focus, then read its ring and what lies around it. */
    const ringOf = async (testId: string) => {
      for (let i = 0; i < 40; i++) {
        if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) break;
        await page.keyboard.press('Tab');
      }
      return page.getByTestId(testId).evaluate((e) => {
        const s = getComputedStyle(e);
        let bg = 'rgba(0, 0, 0, 0)';
        for (let n: Element | null = e.parentElement; n && /rgba\(0, 0, 0, 0\)|transparent/.test(bg); n = n.parentElement) bg = getComputedStyle(n).backgroundColor;
        return { visible: e.matches(':focus-visible'), outline: s.outlineColor, width: parseFloat(s.outlineWidth), style: s.outlineStyle, halo: s.boxShadow.match(/rgba?\([^)]*\)/)?.[0] ?? null, around: bg };
      });
    };
    const onHeader = await ringOf('lang');
    expect(onHeader.visible).toBe(true);
    expect(onHeader.style).toBe('solid');
    expect(onHeader.width).toBeGreaterThanOrEqual(2);
    expect(contrast(onHeader.around, 'rgb(11, 110, 79)')).toBe(1); // it is the brand-coloured header
    // Against the green: the halo (the ring sits inside it); against the halo: the ring.
    expect(onHeader.halo).not.toBeNull();
    expect(contrast(onHeader.halo!, onHeader.around)).toBeGreaterThanOrEqual(3);
    expect(contrast(onHeader.outline, onHeader.halo!)).toBeGreaterThanOrEqual(3);

    const onWhite = await ringOf('text-input');
    expect(onWhite.visible).toBe(true);
    expect(contrast(onWhite.around, 'rgb(255, 255, 255)')).toBe(1);
    expect(contrast(onWhite.outline, onWhite.around)).toBeGreaterThanOrEqual(3);

    const edge = await page.getByTestId('text-input').evaluate((e) => getComputedStyle(e).borderTopColor);
    expect(contrast(edge, 'rgb(255, 255, 255)')).toBeGreaterThanOrEqual(3);
  });

  it('the text box keeps a pasted message’s lines: Shift+Enter is a new line, Enter sends, Enter while an input method composes does not', async () => {
    const { page } = await phone(null);
    await page.goto(t.server.url + '/');
    await bot(page).filter({ hasText: menuText }).first().waitFor({ timeout: WAIT });
    const box = page.getByTestId('text-input');
    const oneLine = (await box.boundingBox())!.height;
    expect(oneLine).toBeLessThanOrEqual(60);

    await box.fill('Quý khách trúng thưởng');
    await box.press('Shift+Enter');
    await box.pressSequentially('Bấm link nhận quà');
    expect(await box.inputValue()).toBe('Quý khách trúng thưởng\nBấm link nhận quà');
    expect((await box.boundingBox())!.height).toBeGreaterThan(oneLine);
    // The Vietnamese keyboard's Enter that ends a letter (composing) is not a send.
    for (const init of [{ isComposing: true }, { keyCode: 229 }]) {
      const prevented = await box.evaluate((e, i) => !e.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...i })), init);
      expect(prevented).toBe(false);
    }
    expect(await page.getByTestId('user-bubble').count()).toBe(0);

    await box.press('Enter');
    const mine = page.getByTestId('user-bubble').last();
    await mine.waitFor({ timeout: WAIT });
    expect(await mine.innerText()).toBe('Quý khách trúng thưởng\nBấm link nhận quà');
    await expect.poll(() => box.inputValue(), { timeout: WAIT }).toBe('');
    await expect.poll(async () => (await box.boundingBox())!.height, { timeout: WAIT }).toBe(oneLine);
  });
});
