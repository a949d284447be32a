// The web simulator: a phone-sized chat with the Học Số bot over POST /channels/web/messages,
// what the server sent by itself (an alert, a reminder) fetched from GET /channels/web/messages,
// and a "View as" switch that draws the last replies as Zalo or Messenger would send them
// (preview.js). The chat itself is drawn by chat.js. Plain ES module, no build step, no framework.
//
// Whose page this is. Residents land here from a coach's lesson link ("Mở bài học" on /l/<code>
// opens /?code=<code>); staff try the bot here too. The staff tools, "Người mới" (start over as a
// new resident, which loses the chat) and the "Xem như" (View as) bar, are no place for a resident:
//  - opened with ?code=… : this browser is a resident's. The tools are hidden, now and on every
//    later visit (localStorage 'hocso.sim.tools' = 'off');
//  - opened with ?tools=1 : they are shown again, and that is remembered ('on'). Staff who
//    followed a lesson link to check it come back with /?tools=1.
// Without either the last choice holds; a browser that never had one shows them (a newcomer's
// try-out). "Người mới" asks first in any case.

import * as chat from './chat.js';
import { renderPreview } from './preview.js';
import { UI } from './strings.js';

const MESSAGES_URL = '/channels/web/messages';
const USER_KEY = 'hocso.sim.userId';
const LANG_KEY = 'hocso.sim.lang';
const SESSION_KEY = 'hocso.sim.session';
const CURSOR_KEY = 'hocso.sim.cursor';
const TOOLS_KEY = 'hocso.sim.tools';
const POLL_MS = 5000;
/** A poll that hangs would hold up every later one (they never overlap): give up on it. */
const POLL_TIMEOUT_MS = 15_000;

// ── State ───────────────────────────────────────────────────────────────────────────────────

/** @type {{ userId: string, entries: Array<{from:'bot', reply: any} | {from:'user', text: string}>, last: any[], view: string }} */
let session;
let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
let busy = false;
/** Bubbles that live only on screen (typing, an error), after the conversation. @type {import('./chat.js').Transient[]} */
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
 * Send one resident message: `{ text }`, `{ payload, label }`, `{ ref }` (start from a lesson link) or `{}` (start);
 * `chip: true` when a chip in the chat was tapped (the focus follows the answer).
 * The resident's words stay in the text box until the server has answered. A message that did not
 * go through is offered again ("Gửi lại" in the error bubble), exactly as it was.
 */
async function send(message) {
  if (busy) return;
  busy = true;
  setBusy(true);
  const shown = message.label ?? message.text;
  if (shown !== undefined) session.entries.push({ from: 'user', text: shown });
  transient = [{ kind: 'typing' }];
  render();
  if (message.chip) chat.focusOwnAnswer();
  // "Gửi lại" sends the same id: had the first try reached the server, it answers what it answered then, once.
  const body = { userId: session.userId, messageId: message.messageId ?? uuid() };
  if (message.payload !== undefined) body.payload = message.payload;
  else if (message.text !== undefined) body.text = message.text;
  else if (message.ref !== undefined) body.ref = message.ref;
  readFrom = -1;
  let answered = [];
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
    // Emptied only if it still holds what was sent (not something typed meanwhile).
    if (message.text !== undefined && els.input.value.trim() === message.text) setInput('');
    saveSession();
    answered = replies;
  } catch (err) {
    // Take the resident's bubble back: it was not delivered (a typed text is still in the box).
    if (shown !== undefined) session.entries.pop();
    const kept = message.text !== undefined && els.input.value.trim() !== '';
    transient = [{ kind: 'error', detail: err?.fromServer ? err.message : undefined, kept, message: { ...message, messageId: body.messageId } }];
  } finally {
    busy = false;
    setBusy(false);
    render();
    if (session.view !== 'web') void showPreview();
    if (message.text !== undefined) els.input.focus();
    // After a chip the focus moves on to the answer, which is read there (not twice); otherwise it is announced.
    const moved = message.chip && chat.focusAnswer();
    if (answered.length || moved) chat.announce(moved ? [] : answered);
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
  chat.announce(replies);
  if (session.view !== 'web') void showPreview();
}

function render() {
  chat.render({ entries: session.entries, readFrom, transient, busy, lang });
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
  for (const b of document.querySelectorAll('button[data-view]')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
  els.log.hidden = view !== 'web';
  els.preview.hidden = view === 'web';
  if (view === 'web') chat.scrollToLatest();
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
  // Its name starts with what it shows ("EN – …"), so that saying "EN" to a voice control finds it.
  els.lang.textContent = lang === 'vi' ? 'EN' : 'VI';
  document.title = lang === 'vi' ? 'Học Số — thử trò chuyện' : 'Học Số — try the chat';
}

/** Whether the staff tools are shown in this browser (see the top of this file): `?code=` and `?tools=1` are remembered. */
function staffTools(params) {
  try {
    if (params.get('tools') === '1') localStorage.setItem(TOOLS_KEY, 'on');
    else if (params.has('code')) localStorage.setItem(TOOLS_KEY, 'off');
    return localStorage.getItem(TOOLS_KEY) !== 'off';
  } catch {
    return !params.has('code');
  }
}

/** The text box grows with what is in it (a pasted SMS), up to the few lines its CSS allows. */
function setInput(value) {
  if (value !== undefined) els.input.value = value;
  els.input.style.height = 'auto';
  const border = els.input.offsetHeight - els.input.clientHeight;
  els.input.style.height = `${els.input.scrollHeight + border}px`;
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

/** Staff only (hidden on a resident's phone), and asked first: the resident's chat is lost to this page. */
function newResident() {
  if (busy || !window.confirm(t('newResidentConfirm'))) return;
  startOver();
  transient = [];
  render();
  void send({});
}

function init() {
  Object.assign(els, {
    log: $('log'),
    preview: $('preview'),
    input: /** @type {HTMLTextAreaElement} */ ($('text')),
    form: /** @type {HTMLFormElement} */ ($('composer')),
    send: /** @type {HTMLButtonElement} */ ($('send')),
    lang: $('lang'),
    lightbox: /** @type {HTMLDialogElement} */ ($('lightbox')),
    lightboxImg: /** @type {HTMLImageElement} */ ($('lightbox-img')),
  });
  const params = new URLSearchParams(location.search);
  const tools = staffTools(params);
  session = loadSession();
  cursor = loadCursor(session.userId);
  // A resident's page has no "View as": always the chat.
  if (!tools) session.view = 'web';
  $('new-resident').hidden = !tools;
  $('views').hidden = !tools;
  chat.setupChat({
    log: els.log,
    live: $('announcer'),
    t,
    tap: (choice) => void send({ ...choice, chip: true }),
    retry: (message) => void send(message),
    openPicture,
  });
  applyLang();

  els.form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = els.input.value.trim();
    if (!text || busy) return;
    void send({ text });
  });
  // Enter sends, Shift+Enter starts a new line; Enter while a Vietnamese input method is still
  // composing a letter is the input method's (it ends the letter), never a send.
  els.input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    els.form.requestSubmit();
  });
  els.input.addEventListener('input', () => setInput());
  $('new-resident').addEventListener('click', newResident);
  els.lang.addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem(LANG_KEY, lang);
    applyLang();
    render();
    if (session.view !== 'web') void showPreview();
  });
  for (const b of document.querySelectorAll('button[data-view]')) b.addEventListener('click', () => setView(b.dataset.view));
  els.lightbox.addEventListener('click', () => els.lightbox.close());

  render();
  setView(session.view);
  // Opened from a lesson link (/?code=HS7K3P9Q): start with that lesson, once, then tidy the address.
  const code = params.get('code');
  if (code || params.has('tools')) history.replaceState(null, '', location.pathname);
  let start;
  if (code) start = send({ ref: code.slice(0, 40) });
  else if (session.entries.length === 0) start = send({});

  // What was pushed while the page was closed comes after the greeting; then every few seconds.
  void Promise.resolve(start).then(poll);
  setInterval(poll, POLL_MS);
  document.addEventListener('visibilitychange', () => void poll());
}

init();
