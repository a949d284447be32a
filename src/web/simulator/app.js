// The web simulator: a phone-sized chat with the Học Số bot over POST /channels/web/messages,
// what the server sent by itself (an alert, a reminder) fetched from GET /channels/web/messages,
// and a "View as" switch that draws the last replies as Zalo or Messenger would send them
// (preview.js). Plain ES module, no build step, no framework.

import { el } from '/shared/dom.js';
import { renderPreview } from './preview.js';
import { UI } from './strings.js';

const MESSAGES_URL = '/channels/web/messages';
const USER_KEY = 'hocso.sim.userId';
const LANG_KEY = 'hocso.sim.lang';
const SESSION_KEY = 'hocso.sim.session';
const CURSOR_KEY = 'hocso.sim.cursor';
const POLL_MS = 5000;
/** A poll that hangs would hold up every later one (they never overlap): give up on it. */
const POLL_TIMEOUT_MS = 15_000;

// ── State ───────────────────────────────────────────────────────────────────────────────────

/** @type {{ userId: string, entries: Array<{from:'bot', reply: any} | {from:'user', text: string}>, last: any[], view: string }} */
let session;
let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
let busy = false;
/** Bubbles that live only on screen (errors, typing), kept after re-rendering. */
let transient = [];
/**
 * The first of the bot's replies to the resident's last message, or of the replies just fetched
 * (its index in session.entries), or -1: the chat scrolls so that it is in view, since the resident
 * reads the answer from its start ("✅ Đúng rồi!", a check's verdict) down, not from its last message up.
 */
let readFrom = -1;
/** The id of the last pushed reply fetched for this resident (in any tab): only later ones are fetched. */
let cursor;
let polling = false;

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const els = {};

function t(key) {
  return UI[lang][key];
}

function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // Not a secure context (plain http on a LAN address): build a v4 UUID by hand.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function newUserId() {
  return `sim-${uuid().replace(/-/g, '').slice(0, 16)}`;
}

function loadSession() {
  let userId = localStorage.getItem(USER_KEY);
  if (!userId || !/^[A-Za-z0-9_.:-]{1,128}$/.test(userId)) {
    userId = newUserId();
    localStorage.setItem(USER_KEY, userId);
  }
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    if (saved && saved.userId === userId && Array.isArray(saved.entries)) {
      return { userId, entries: saved.entries, last: saved.last ?? [], view: saved.view ?? 'web' };
    }
  } catch {
    // A damaged saved conversation is simply not restored.
  }
  return { userId, entries: [], last: [], view: session?.view ?? 'web' };
}

function saveSession() {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // Storage full or disabled: the chat still works, it just won't survive a reload.
  }
}

// ── Talking to the server ───────────────────────────────────────────────────────────────────

async function postJson(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  let json = null;
  try {
    json = await res.json();
  } catch {
    // Not JSON (a proxy's error page): handled below.
  }
  if (!res.ok) {
    const message = json?.error?.message ?? `HTTP ${res.status}`;
    throw Object.assign(new Error(message), { fromServer: true });
  }
  return json;
}

/**
 * Send one resident message: `{ text }`, `{ payload, label }`, `{ ref }` (start from a lesson link) or `{}` (start).
 * The resident's words stay in the text box until the server has answered.
 */
async function send(message) {
  if (busy) return;
  busy = true;
  setBusy(true);
  const shown = message.label ?? message.text;
  if (shown !== undefined) session.entries.push({ from: 'user', text: shown });
  transient = [{ kind: 'typing' }];
  render();
  const body = { userId: session.userId, messageId: uuid() };
  if (message.payload !== undefined) body.payload = message.payload;
  else if (message.text !== undefined) body.text = message.text;
  else if (message.ref !== undefined) body.ref = message.ref;
  readFrom = -1;
  try {
    const json = await postJson(MESSAGES_URL, body);
    const replies = Array.isArray(json?.replies) ? json.replies : [];
    // The resident deleted their data: on a phone others may use, nothing of it stays on the page
    // either. The chat starts over as a new resident, with the bot's "deleted" answer only.
    if (json?.forgotten) startOver();
    if (replies.length) readFrom = session.entries.length;
    for (const reply of replies) session.entries.push({ from: 'bot', reply });
    if (replies.length) session.last = replies;
    transient = [];
    if (message.text !== undefined) els.input.value = '';
    saveSession();
  } catch (err) {
    // Take the resident's bubble back: it was not delivered, and its text is still in the box.
    if (shown !== undefined) session.entries.pop();
    transient = [{ kind: 'error', text: err?.fromServer ? `${t('serverError')}: ${err.message}` : t('networkError'), kept: message.text !== undefined }];
  } finally {
    busy = false;
    setBusy(false);
    render();
    if (session.view !== 'web') void showPreview();
    if (message.text !== undefined) els.input.focus();
  }
}

function setBusy(on) {
  els.send.disabled = on;
  for (const chip of document.querySelectorAll('[data-testid="choice"]')) chip.disabled = on;
}

// ── Messages the server pushed ─────────────────────────────────────────────────────────────────

function loadCursor(userId) {
  try {
    const saved = JSON.parse(localStorage.getItem(CURSOR_KEY) ?? 'null');
    return saved?.userId === userId && typeof saved.cursor === 'string' ? saved.cursor : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fetch what the server sent this resident since the last fetch and add it to the chat. Skipped
 * while the page is hidden or a message is being sent (its answer takes the end of the chat, and a
 * failed send takes its bubble back from there); a failed fetch is silent and retried next tick.
 */
async function poll() {
  if (polling || busy || document.visibilityState !== 'visible') return;
  polling = true;
  const userId = session.userId;
  try {
    const query = new URLSearchParams({ userId, ...(cursor ? { after: cursor } : {}) });
    const res = await fetch(`${MESSAGES_URL}?${query}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
    if (!res.ok) return;
    const json = await res.json();
    const replies = Array.isArray(json?.replies) ? json.replies : [];
    // Answered meanwhile, or a new resident: the cursor has not moved, so the next tick fetches them again.
    if (busy || userId !== session.userId || typeof json.cursor !== 'string') return;
    if (replies.length) showPushed(replies);
    // Moved only once the replies are in the chat: a reload shows them from the saved session.
    cursor = json.cursor;
    localStorage.setItem(CURSOR_KEY, JSON.stringify({ userId, cursor }));
  } catch {
    // Offline, timed out, not JSON: tried again next tick.
  } finally {
    polling = false;
  }
}

/** Pushed replies join the chat like an answer: read from the first, the last one's buttons offered. */
function showPushed(replies) {
  readFrom = session.entries.length;
  for (const reply of replies) session.entries.push({ from: 'bot', reply });
  session.last = replies;
  saveSession();
  render();
  if (session.view !== 'web') void showPreview();
}

// ── Drawing the web chat ────────────────────────────────────────────────────────────────────

function picture(url) {
  const img = el('img', { src: url, alt: t('picture'), loading: 'lazy', decoding: 'async' });
  // A picture grows its bubble once loaded: keep the answer's start where the resident reads.
  img.addEventListener('load', () => scrollToLatest(), { once: true });
  return el('button', { type: 'button', class: 'pic', 'aria-label': t('openPicture'), onclick: () => openPicture(url) }, img);
}

function botBubble(reply, first = false) {
  return el(
    'div',
    { class: 'bubble bot', 'data-testid': 'bot-bubble', 'data-first-new': first ? 'true' : null },
    reply.imageUrl ? picture(reply.imageUrl) : null,
    reply.text ? el('div', { class: 'text', text: reply.text }) : null,
    reply.link ? el('a', { class: 'link', href: reply.link.url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'link', text: `👉 ${reply.link.label}` }) : null,
  );
}

function render() {
  const log = els.log;
  log.replaceChildren();
  const lastUser = session.entries.findLastIndex((e) => e.from === 'user');
  const lastBot = session.entries.findLastIndex((e) => e.from === 'bot');
  session.entries.forEach((entry, i) => {
    if (entry.from === 'user') {
      log.append(el('div', { class: 'bubble user', 'data-testid': 'user-bubble', text: entry.text }));
      return;
    }
    log.append(botBubble(entry.reply, i === readFrom));
    const choices = entry.reply.choices ?? [];
    if (i === lastBot && lastBot > lastUser && choices.length) {
      log.append(
        el(
          'div',
          { class: 'chips', role: 'group', 'aria-label': t('choices') },
          choices.map((c) =>
            el('button', {
              type: 'button',
              class: 'chip',
              'data-testid': 'choice',
              'data-payload': c.payload,
              text: c.label,
              disabled: busy,
              onclick: () => send({ payload: c.payload, label: c.label }),
            }),
          ),
        ),
      );
    }
  });
  for (const item of transient) {
    if (item.kind === 'typing') {
      log.append(el('div', { class: 'bubble bot typing', 'aria-label': t('typing') }, el('span'), el('span'), el('span')));
    } else if (item.kind === 'error') {
      log.append(
        el('div', { class: 'bubble error', role: 'alert', 'data-testid': 'error-bubble' },
          el('div', { text: item.text }),
          item.kept && els.input.value ? el('div', { class: 'hint', text: t('keptText') }) : null),
      );
    } else if (item.kind === 'note') {
      log.append(el('div', { class: 'note', text: item.text }));
    }
  }
  scrollToLatest();
}

/** Room left above the answer's first reply, so the resident's own message just shows above it. */
const READ_MARGIN = 12;

/**
 * Show the newest part of the chat: the whole of the bot's latest answer when it fits on the
 * screen; otherwise its first reply at the top, to be read downwards (the resident scrolls on).
 * While waiting, or after an error, the end (the typing dots, the error).
 */
function scrollToLatest() {
  const log = els.log;
  const first = transient.length ? null : log.querySelector('[data-first-new]');
  if (!first) {
    log.scrollTop = log.scrollHeight;
    return;
  }
  const top = log.scrollTop + first.getBoundingClientRect().top - log.getBoundingClientRect().top - READ_MARGIN;
  const fits = log.scrollHeight - top <= log.clientHeight;
  log.scrollTop = fits ? log.scrollHeight : top;
}

function openPicture(url) {
  els.lightboxImg.src = url;
  els.lightboxImg.alt = t('picture');
  els.lightbox.showModal();
}

// ── "View as" previews ──────────────────────────────────────────────────────────────────────

function setView(view) {
  session.view = view;
  saveSession();
  for (const b of document.querySelectorAll('[data-view]')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
  els.log.hidden = view !== 'web';
  els.preview.hidden = view === 'web';
  document.body.dataset.view = view;
  if (view === 'web') scrollToLatest();
  else void showPreview();
}

/** Draw the last replies as the chosen platform would; its buttons send their payloads. */
function showPreview() {
  const tap = (payload, label) => send({ payload, label });
  return renderPreview(els.preview, { view: session.view, replies: session.last, t, postJson, tap, currentView: () => session.view });
}

// ── Page chrome ─────────────────────────────────────────────────────────────────────────────

function applyLang() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  for (const node of document.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
  els.lang.textContent = lang === 'vi' ? 'EN' : 'VI';
  els.lang.setAttribute('aria-pressed', String(lang === 'en'));
  document.title = lang === 'vi' ? 'Học Số — thử trò chuyện' : 'Học Số — try the chat';
}

/** A new resident id, an empty chat and no cursor (the old id's messages are not fetched again). */
function startOver() {
  const userId = newUserId();
  localStorage.setItem(USER_KEY, userId);
  localStorage.removeItem(CURSOR_KEY);
  session = { userId, entries: [], last: [], view: session.view };
  cursor = undefined;
  readFrom = -1;
  saveSession();
}

function newResident() {
  if (busy) return;
  startOver();
  transient = [];
  render();
  void send({});
}

function init() {
  Object.assign(els, {
    log: $('log'),
    preview: $('preview'),
    input: /** @type {HTMLInputElement} */ ($('text')),
    send: /** @type {HTMLButtonElement} */ ($('send')),
    lang: $('lang'),
    lightbox: /** @type {HTMLDialogElement} */ ($('lightbox')),
    lightboxImg: /** @type {HTMLImageElement} */ ($('lightbox-img')),
  });
  session = loadSession();
  cursor = loadCursor(session.userId);
  applyLang();

  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = els.input.value.trim();
    if (!text || busy) return;
    void send({ text });
  });
  // Enter while a Vietnamese input method is still composing a letter must not send.
  els.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.isComposing) e.preventDefault();
  });
  $('new-resident').addEventListener('click', newResident);
  els.lang.addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem(LANG_KEY, lang);
    applyLang();
    render();
    if (session.view !== 'web') void showPreview();
  });
  for (const b of document.querySelectorAll('[data-view]')) b.addEventListener('click', () => setView(b.dataset.view));
  els.lightbox.addEventListener('click', () => els.lightbox.close());

  render();
  setView(session.view);
  // Opened from a lesson link (/?code=HS7K3P9Q): start with that lesson, once, then tidy the address.
  const code = new URLSearchParams(location.search).get('code');
  let start;
  if (code) {
    history.replaceState(null, '', location.pathname);
    start = send({ ref: code.slice(0, 40) });
  } else if (session.entries.length === 0) start = send({});

  // What was pushed while the page was closed comes after the greeting; then every few seconds.
  void Promise.resolve(start).then(poll);
  setInterval(poll, POLL_MS);
  document.addEventListener('visibilitychange', () => void poll());
}

init();
