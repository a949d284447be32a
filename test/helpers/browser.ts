/**
 * The browser tests' Chromium: Debian's package (playwright-core brings no browser of its own),
 * headless, one context per test that collects the page's uncaught errors; a file's browser and
 * server in one call (`useBrowser`, `useBrowserPage`); and signing in to the staff pages (the coach
 * page, the officials' console) as a person does, by pasting a token. Both pages sign in with the
 * same code (src/web/shared/session.js), so they are held to the same story.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, onTestFinished } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { LinkStore } from '../../src/coaching/link-store.js';
import { createKeys } from '../../src/store/keys.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
// No sandbox, which containers seldom allow; nothing that reaches out or updates itself mid-test.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** How long a test waits for the page to show something. */
export const WAIT = 10_000;

/** A phone held at a doorstep: the coach page and the simulator. */
export const PHONE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' };
/** An official at a desk. */
export const DESK: BrowserContextOptions = { viewport: { width: 1280, height: 900 }, locale: 'vi-VN' };

async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page's own script: a test expects none. */
  pageErrors: string[];
}

/** A fresh context (no storage left by the test before) and its page. */
async function openPage(browser: Browser, options: BrowserContextOptions): Promise<OpenPage> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return { context, page, pageErrors };
}

/** A file's Chromium and server, and what a test opens in that browser, closed when the test ends. */
export interface BrowserFixture {
  /** From `beforeAll` on. */
  readonly browser: Browser;
  readonly server: TestServer;
  /** A fresh context and its page. */
  open(options: BrowserContextOptions): Promise<OpenPage>;
  /** A page in a browser of its own with Chromium's minimum font size at `px`. */
  openWithMinimumFontSize(px: number, options: BrowserContextOptions): Promise<OpenPage>;
}

export interface BrowserFixtureOptions {
  /** A function when the options are known only once earlier `beforeAll` hooks have run (a fake platform's address). */
  server?: TestServerOptions | (() => TestServerOptions);
}

/**
 * Call at the top of a test file: Chromium and a server on a prefix of its own for the whole file.
 * The browser comes first, so that a missing one fails the file before anything is seeded; the
 * file's own `beforeAll` hooks, registered after this call, run after both are up (vitest runs
 * `beforeAll` hooks in the order they are registered, `afterAll` hooks in reverse).
 */
export function useBrowser({ server: serverOptions = {} }: BrowserFixtureOptions = {}): BrowserFixture {
  let browser: Browser | undefined;
  let server: TestServer | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is started in beforeAll: use it in a hook or a test`);
    return value;
  };
  beforeAll(async () => {
    browser = await launchChromium();
    server = await startTestServer(typeof serverOptions === 'function' ? serverOptions() : serverOptions);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser() {
      return ready(browser, 'browser');
    },
    get server() {
      return ready(server, 'server');
    },
    async open(options) {
      const opened = await openPage(ready(browser, 'browser'), options);
      // Not a list emptied in afterEach: vitest runs every onTestFinished callback even when one
      // throws (a test's own page-error check), so no browser is left open for the next test.
      onTestFinished(() => opened.context.close());
      return opened;
    },
    async openWithMinimumFontSize(px, options) {
      const opened = await openWithMinimumFontSize(px, options);
      onTestFinished(() => opened.close());
      return opened;
    },
  };
}

/** `useBrowser` with a fresh context and page for every test: `context`, `page` and `pageErrors` are set in `beforeEach`. */
export interface PageFixture extends BrowserFixture, OpenPage {}

/** `useBrowser`, and before each test a fresh page with `options` (`PHONE`, `DESK`…). */
export function useBrowserPage(options: BrowserContextOptions, fixtureOptions: BrowserFixtureOptions = {}): PageFixture {
  const fixture = useBrowser(fixtureOptions) as PageFixture;
  beforeEach(async () => {
    Object.assign(fixture, await fixture.open(options));
  });
  return fixture;
}

/** The stores a staff page test seeds its accounts and links with. */
export interface StaffStores {
  readonly accounts: AccountStore;
  readonly links: LinkStore;
}

/** Call after `useBrowser…`: the accounts and links on the file's server (its prefix), made once it is up. */
export function useStaffStores(fixture: BrowserFixture): StaffStores {
  const stores: { accounts?: AccountStore; links?: LinkStore } = {};
  beforeAll(() => {
    const keys = createKeys(fixture.server.prefix);
    stores.accounts = new AccountStore(fixture.server.redis, keys);
    stores.links = new LinkStore(fixture.server.redis, keys);
  });
  const made = <T>(store: T | undefined): T => {
    if (!store) throw new Error('the stores are made in beforeAll: use them in a hook or a test');
    return store;
  };
  return {
    get accounts() {
      return made(stores.accounts);
    },
    get links() {
      return made(stores.links);
    },
  };
}

/** Open a staff page and sign in with `token`: tapped on a phone, clicked at a desk. */
export async function signInAt(page: Page, url: string, token: string, { tap = false } = {}): Promise<void> {
  await page.goto(url);
  await page.getByTestId('token-input').fill(token);
  const button = page.getByTestId('signin');
  if (tap) await button.tap();
  else await button.click();
}

/**
 * A made-up token on a staff page: the reason is said in the page's words (never the server's
 * English message, which is for programs), follows the EN switch, the sign-in panel stays and the
 * token is not remembered; then an empty box says what to do, without asking the server.
 */
export async function expectWrongTokenRefused(page: Page, { serverUrl, path, storageKey, tap = false }: { serverUrl: string; path: string; storageKey: string; tap?: boolean }): Promise<void> {
  const res = await fetch(`${serverUrl}/api/v1/me`, { headers: { authorization: 'Bearer hs_not-a-real-token' } });
  const server = ((await res.json()) as { error: { code: string; message: string } }).error;
  expect(res.status).toBe(401);
  expect(server.code).toBe('invalid_token');

  await signInAt(page, serverUrl + path, 'hs_not-a-real-token', { tap });
  const error = page.getByTestId('signin-error');
  await error.waitFor({ timeout: WAIT });
  expect(await error.innerText()).toBe('Không đăng nhập được: Mã truy cập không đúng, đã được thay bằng mã mới, hoặc tài khoản đã bị khoá. Hãy kiểm tra lại mã, hoặc xin quản trị viên mã mới.');
  expect(await page.locator('body').innerText()).not.toContain(server.message);
  expect(await page.getByTestId('signin-panel').isVisible()).toBe(true);
  expect(await page.evaluate((key) => localStorage.getItem(key), storageKey)).toBeNull();

  // The reason follows the language, as the rest of the panel does.
  const lang = page.getByTestId('lang');
  if (tap) await lang.tap();
  else await lang.click();
  expect(await error.innerText()).toBe('Could not sign in: This access token is wrong, was replaced by a new one, or the account was disabled. Check it, or ask an admin for a new one.');
  if (tap) await lang.tap();
  else await lang.click();

  await page.getByTestId('token-input').fill('');
  const button = page.getByTestId('signin');
  if (tap) await button.tap();
  else await button.click();
  expect(await error.innerText()).toBe('Hãy dán mã truy cập vào ô trên.');
}

/**
 * A page in a browser of its own whose Chromium minimum font size is `px` (the phone's large-text
 * setting): a browser preference read from the profile at start, which CDP cannot set, so a
 * persistent context on a fresh profile. `close()` closes it and removes the profile.
 */
async function openWithMinimumFontSize(px: number, options: BrowserContextOptions): Promise<OpenPage & { close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'hocso-large-text-'));
  mkdirSync(join(profile, 'Default'));
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ webkit: { webprefs: { minimum_font_size: px } } }));
  const context = await chromium.launchPersistentContext(profile, { ...options, executablePath: CHROMIUM, args: ARGS });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return {
    context, page, pageErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** WCAG's contrast ratio of two `rgb(…)` colours. */
export function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c.match(/[\d.]+/g)!.slice(0, 3).map((v) => Number(v) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
