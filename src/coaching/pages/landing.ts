/**
 * The resident's landing page for a lesson link (`/l/HS7K3P9Q`): server-rendered HTML that works
 * without JavaScript, large text, one page per language (`?lang=en` switches). Every value that
 * comes from a coach or a lesson file goes through `html`, which escapes it. A link's `note` is the
 * coach's own memo ("for Bà Tư, house 5") and is never shown here: the page may be passed on.
 */
import { createHash } from 'node:crypto';
import type { Locale } from '../../flows/schema.js';
import { html, raw, type Html } from './html.js';
import type { AddressForm } from '../../engine/address.js';
import { landingWords, type GoneReason, type LandingWords } from './words.js';

export type Sender = { kind: 'coach'; name: string } | { kind: 'share' } | { kind: 'someone' };

export interface LandingView {
  locale: Locale;
  code: string;
  lesson: { title: string; summary: string };
  from: Sender;
  /** Where each way of opening leads; Zalo and Messenger only when the bot is on them. */
  open: { zalo?: string | undefined; messenger?: string | undefined; web: string };
  /** How the coach's link says the resident is addressed ("bác"), as the bot will address them. */
  address?: AddressForm | undefined;
}

export interface GoneView {
  locale: Locale;
  reason: GoneReason;
  /** The code, when the address held one (already normalised). */
  code?: string | undefined;
  /** The lesson's title, when the link is known and its lesson still exists. */
  lessonTitle?: string | undefined;
  /** The web simulator, which opens on the lesson menu. */
  menuUrl: string;
}

// Text sizes in rem on a percentage root (1rem = 20 px at the browser's default 16 px), so the
// phone's own text size counts; boxes stay in px and grow with their text; a long word (a domain in
// a lesson's summary) wraps rather than widening the page. Focus: a dark ring with a white halo,
// visible on the page and on the green header and buttons.
const CSS = `
:root{--ink:#1b1f24;--muted:#4a535e;--brand:#0b6e4f;--line:#d5dbe1;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;font-size:125%;line-height:1.5;color:var(--ink);-webkit-text-size-adjust:100%}
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9}
:focus-visible{outline:3px solid var(--ink);outline-offset:2px;box-shadow:0 0 0 2px #fff}
.top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px;padding:8px 14px;background:var(--brand);color:#fff}
.brand{display:flex;align-items:center;gap:10px;font-weight:700;font-size:1.1rem}
.logo{display:grid;place-items:center;min-width:40px;aspect-ratio:1;padding:0 .25em;border-radius:50%;background:#fff;color:var(--brand);font-weight:800;font-size:.8rem}
.lang{display:inline-flex;align-items:center;min-height:44px;padding:4px 12px;border:1.5px solid rgb(255 255 255/.8);border-radius:12px;color:#fff;font-size:.9rem;font-weight:600;text-decoration:none}
main{max-width:560px;margin:0 auto;padding:16px 16px 32px;overflow-wrap:anywhere}
.from{margin:0 0 4px;color:var(--muted)}
h1{margin:0 0 8px;font-size:1.5rem;line-height:1.25}
.summary{margin:0 0 12px}
.codebox{margin:16px 0;padding:12px 10px 14px;border:2px solid var(--brand);border-radius:18px;background:#fff;text-align:center}
.codebox h2{margin:0;font-size:.95rem;font-weight:600;color:var(--muted)}
.code{margin:2px 0 6px;font:800 clamp(1.9rem,12.5vw,3.2rem)/1.15 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;letter-spacing:.06em}
.hint{margin:0;font-size:.9rem;color:var(--muted)}
.ways-title{margin:24px 0 10px;font-size:1.2rem}
.ways{display:flex;flex-direction:column;gap:12px;margin:0;padding:0;list-style:none}
.way{padding:14px;border:1px solid var(--line);border-radius:18px;background:#fff}
.way h3{margin:0 0 10px;font-size:1.1rem}
.way p{margin:10px 0 0;font-size:.95rem}
.btn{display:flex;align-items:center;justify-content:center;min-height:56px;padding:10px 18px;border-radius:14px;background:var(--brand);color:#fff;font-size:1.05rem;font-weight:700;text-align:center;text-decoration:none}
.zalo .btn{background:#0052cc}
.messenger .btn{background:#0a55c4}
.safe{margin:24px 0 0;font-size:.9rem;color:var(--muted)}
.gone h1{margin-top:8px}
.gone .btn{margin:20px 0 12px}
`.trim();

/** The Content-Security-Policy of these pages: no scripts at all, only the inline style above. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function page(locale: Locale, title: string, body: Html, switchTo: string): string {
  const w = landingWords(locale);
  const other = locale === 'vi' ? 'en' : 'vi';
  return html`<!doctype html>
<html lang="${w.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<header class="top">
  <span class="brand"><span class="logo" aria-hidden="true">HS</span>${w.brand}</span>
  <a class="lang" href="${switchTo}" hreflang="${other}" lang="${other}" data-testid="lang">${w.otherLanguage}</a>
</header>
${body}
</body>
</html>
`.value;
}

function fromLine(w: LandingWords, from: Sender): string {
  if (from.kind === 'coach') return w.fromCoach(from.name);
  return from.kind === 'share' ? w.fromShare : w.fromSomeone;
}

/**
 * The page for a valid link.
 * @example renderLanding({ locale: 'vi', code: 'HS7K3P9Q', lesson, from: { kind: 'coach', name: 'Anh Minh' }, open: { web: '/?code=HS7K3P9Q' } }, '?lang=en')
 */
export function renderLanding(view: LandingView, switchTo: string): string {
  const w = landingWords(view.locale, view.address);
  const { code, open } = view;
  const body = html`<main>
  <p class="from" data-testid="from">${fromLine(w, view.from)}</p>
  <h1>${view.lesson.title}</h1>
  <p class="summary">${view.lesson.summary}</p>
  <section class="codebox" aria-labelledby="code-label">
    <h2 id="code-label">${w.codeLabel}</h2>
    <p class="code" data-testid="code">${code}</p>
    <p class="hint">${w.codeHint}</p>
  </section>
  <h2 class="ways-title">${w.ways}</h2>
  <ol class="ways">
    ${open.zalo && html`<li class="way zalo"><h3>${w.zalo.title}</h3><a class="btn" href="${open.zalo}" rel="noopener" data-testid="open-zalo">${w.zalo.button}</a><p>${w.zalo.how(code)}</p></li>`}
    ${open.messenger && html`<li class="way messenger"><h3>${w.messenger.title}</h3><a class="btn" href="${open.messenger}" rel="noopener" data-testid="open-messenger">${w.messenger.button}</a><p>${w.messenger.how(code)}</p></li>`}
    <li class="way web"><h3>${w.web.title}</h3><a class="btn" href="${open.web}" data-testid="open-web">${w.web.button}</a><p>${w.web.how}</p></li>
  </ol>
  <p class="safe">${w.safe}</p>
</main>`;
  return page(view.locale, `${view.lesson.title} — ${w.brand}`, body, switchTo);
}

/** The kind page for an unknown, expired or revoked link (or one whose lesson was removed). */
export function renderGone(view: GoneView, switchTo: string): string {
  const w = landingWords(view.locale);
  const says = w.gone[view.reason];
  const body = html`<main class="gone">
  <h1 data-testid="gone-title">${says.title}</h1>
  ${view.code && html`<p class="hint">${view.code}</p>`}
  <p>${says.body}</p>
  ${view.lessonTitle && html`<p>${w.stillInMenu(view.lessonTitle)}</p>`}
  <a class="btn" href="${view.menuUrl}" data-testid="menu">${w.menuButton}</a>
  <p class="hint">${w.menuHint}</p>
</main>`;
  return page(view.locale, `${says.title} — ${w.brand}`, body, switchTo);
}

/** When Redis cannot be reached: a plain apology instead of a JSON error. */
export function renderUnavailable(locale: Locale, switchTo: string): string {
  const w = landingWords(locale);
  const body = html`<main class="gone"><h1>${w.unavailable.title}</h1><p>${w.unavailable.body}</p></main>`;
  return page(locale, `${w.unavailable.title} — ${w.brand}`, body, switchTo);
}
