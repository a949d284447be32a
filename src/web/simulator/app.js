// The web simulator: a phone-sized chat with the Học Số bot over POST /channels/web/messages,
// and a "View as" switch that draws the last replies as Zalo or Messenger would send them
// (POST /channels/web/preview). Plain ES module, no build step, no framework.

import { el } from '/shared/dom.js';

const MESSAGES_URL = '/channels/web/messages';
const PREVIEW_URL = '/channels/web/preview';
const USER_KEY = 'hocso.sim.userId';
const LANG_KEY = 'hocso.sim.lang';
const SESSION_KEY = 'hocso.sim.session';

// ── Page chrome strings (the bot's own words come from the server) ─────────────────────────────

const UI = {
  vi: {
    subtitle: 'Trò chuyện thử',
    newResident: 'Người mới',
    langAria: 'Đổi ngôn ngữ trang sang tiếng Anh',
    viewAs: 'Xem như',
    inputLabel: 'Tin nhắn của bạn',
    placeholder: 'Nhập tin nhắn…',
    send: 'Gửi',
    close: 'Đóng',
    picture: 'Hình minh hoạ',
    openPicture: 'Xem ảnh lớn',
    typing: 'Đang trả lời…',
    choices: 'Các lựa chọn',
    networkError: 'Không kết nối được máy chủ. Tin của bạn vẫn còn trong ô nhập, hãy bấm Gửi lại.',
    serverError: 'Chưa gửi được',
    keptText: 'Tin của bạn vẫn còn trong ô nhập.',
    previewEmpty: 'Chưa có tin trả lời nào để xem.',
    previewLoading: 'Đang dựng bản xem trước…',
    previewError: 'Không dựng được bản xem trước',
    previewIntro: 'Tin trả lời gần nhất, gửi đúng như sau:',
    messages: (n) => `${n} tin nhắn`,
    msgrLimits: 'Giới hạn Messenger: văn bản ≤ 2000 ký tự mỗi tin; nút trả lời nhanh ≤ 13, tiêu đề ≤ 20 ký tự; mẫu nút: văn bản ≤ 640 ký tự, 1–3 nút.',
    msgrStyle: {
      quick_replies: 'Lựa chọn hiện thành nút trả lời nhanh.',
      button_template: 'Lựa chọn hiện thành mẫu nút (tiêu đề cắt còn 20 ký tự).',
      numbered: 'Lựa chọn quá dài hoặc quá nhiều: danh sách đánh số, nút “1”, “2”… (tối đa 13).',
      none: 'Không có lựa chọn.',
    },
    zaloLimits: 'Giới hạn Zalo: văn bản ≤ 2000 ký tự mỗi tin (dài hơn bị từ chối, nên được cắt); tối đa 5 nút, tiêu đề giữ ≤ 20 ký tự.',
    zaloStyle: {
      buttons: 'Lựa chọn hiện thành nút bên dưới tin.',
      numbered_buttons: 'Nhãn dài: danh sách đánh số kèm nút “1”, “2”…',
      numbered: 'Hơn 5 lựa chọn: chỉ có danh sách đánh số, người dùng gõ số.',
      none: 'Không có lựa chọn.',
    },
    split: (n) => `Văn bản được cắt thành ${n} phần.`,
    reset: 'Bắt đầu với một người dùng mới.',
  },
  en: {
    subtitle: 'Try the chat',
    newResident: 'New resident',
    langAria: 'Switch the page language to Vietnamese',
    viewAs: 'View as',
    inputLabel: 'Your message',
    placeholder: 'Type a message…',
    send: 'Send',
    close: 'Close',
    picture: 'Illustration',
    openPicture: 'Open full size',
    typing: 'Replying…',
    choices: 'Choices',
    networkError: 'Could not reach the server. Your message is still in the box; press Send again.',
    serverError: 'Not sent',
    keptText: 'Your message is still in the box.',
    previewEmpty: 'No bot replies to show yet.',
    previewLoading: 'Building the preview…',
    previewError: 'Could not build the preview',
    previewIntro: 'The last replies, sent exactly like this:',
    messages: (n) => `${n} message${String(n) === '1' ? '' : 's'}`,
    msgrLimits: 'Messenger limits: text ≤ 2000 chars per message; quick replies ≤ 13, titles ≤ 20 chars; button template text ≤ 640 chars, 1–3 buttons.',
    msgrStyle: {
      quick_replies: 'Choices shown as quick replies.',
      button_template: 'Choices shown as a button template (titles cut to 20 chars).',
      numbered: 'Labels too long or too many choices: numbered list, quick replies “1”, “2”… (at most 13).',
      none: 'No choices.',
    },
    zaloLimits: 'Zalo limits: text ≤ 2000 chars per message (longer is rejected, so it is split); at most 5 buttons, titles kept ≤ 20 chars.',
    zaloStyle: {
      buttons: 'Choices shown as buttons under the message.',
      numbered_buttons: 'Long labels: numbered list with buttons “1”, “2”…',
      numbered: 'More than 5 choices: numbered list only; the resident types the number.',
      none: 'No choices.',
    },
    split: (n) => `The text was split into ${n} parts.`,
    reset: 'Started over as a new resident.',
  },
};

// ── State ───────────────────────────────────────────────────────────────────────────────────

/** @type {{ userId: string, entries: Array<{from:'bot', reply: any} | {from:'user', text: string}>, last: any[], view: string }} */
let session;
let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
let busy = false;
/** Bubbles that live only on screen (errors, typing), kept after re-rendering. */
let transient = [];
/**
 * The first of the bot's replies to the resident's last message (its index in session.entries), or
 * -1: the chat scrolls so that it is in view, since the resident reads the answer from its start
 * ("✅ Đúng rồi!", a check's verdict) down, not from its last message up.
 */
let readFrom = -1;

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
    if (session.view !== 'web') void renderPreview();
    if (message.text !== undefined) els.input.focus();
  }
}

function setBusy(on) {
  els.send.disabled = on;
  for (const chip of document.querySelectorAll('[data-testid="choice"]')) chip.disabled = on;
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
  else void renderPreview();
}

let previewSeq = 0;

async function renderPreview() {
  const view = session.view;
  const seq = ++previewSeq;
  const box = els.preview;
  box.className = `preview ${view}`;
  if (!session.last.length) {
    box.replaceChildren(el('p', { class: 'caption', text: t('previewEmpty') }));
    return;
  }
  box.replaceChildren(el('p', { class: 'caption', text: t('previewLoading') }));
  try {
    const json = await postJson(PREVIEW_URL, { replies: session.last });
    if (seq !== previewSeq || session.view !== view) return;
    const messages = view === 'zalo' ? json.zalo : json.messenger;
    const thread = el('div', { class: 'thread' }, messages.map((m) => (view === 'zalo' ? zaloMessage(m) : messengerMessage(m))));
    box.replaceChildren(
      el('p', { class: 'caption', text: `${t('previewIntro')} ${t('messages')(messages.length)}` }),
      thread,
      el('p', { class: 'caption limits', 'data-testid': 'preview-caption', text: captionFor(view, messages) }),
    );
    box.scrollTop = 0;
  } catch (err) {
    if (seq !== previewSeq) return;
    box.replaceChildren(el('p', { class: 'bubble error', role: 'alert', text: `${t('previewError')}: ${err.message}` }));
  }
}

/** Tapping a drawn button sends its payload, as the platform would. */
function tapButton(title, payload) {
  return () => send({ payload, label: title });
}

function messengerMessage(m) {
  const wrap = el('div', { class: 'pm msgr' });
  const att = m.attachment;
  if (att?.type === 'image') {
    wrap.append(el('img', { class: 'pm-img', src: att.payload.url, alt: t('picture') }));
  } else if (att?.type === 'template' && att.payload.template_type === 'button') {
    wrap.append(
      el('div', { class: 'card' },
        el('div', { class: 'card-text', text: att.payload.text }),
        att.payload.buttons.map((b) => el('button', { type: 'button', class: 'card-btn', text: b.title, title: b.payload, onclick: tapButton(b.title, b.payload) })),
      ),
    );
  } else if (typeof m.text === 'string') {
    wrap.append(el('div', { class: 'pm-bubble', text: m.text }));
  }
  if (m.quick_replies?.length) {
    wrap.append(
      el('div', { class: 'pills' },
        m.quick_replies.map((q) => el('button', { type: 'button', class: 'pill', text: q.title, title: q.payload, onclick: tapButton(q.title, q.payload) })),
      ),
    );
  }
  return wrap;
}

function zaloMessage(m) {
  const wrap = el('div', { class: 'pm zalo' });
  const card = el('div', { class: 'pm-bubble' });
  const att = m.attachment;
  if (att?.payload?.template_type === 'media') {
    for (const e of att.payload.elements) card.append(el('img', { class: 'pm-img', src: e.url, alt: t('picture') }));
  }
  if (typeof m.text === 'string') card.append(el('div', { class: 'pm-text', text: m.text }));
  if (att?.payload?.buttons) {
    card.append(
      el('div', { class: 'zbtns' },
        att.payload.buttons.map((b) => el('button', { type: 'button', class: 'zbtn', text: b.title, title: b.payload, onclick: tapButton(b.title, b.payload) })),
      ),
    );
  }
  wrap.append(card);
  return wrap;
}

/** Which of the renderer's rules fired, read back from the payloads. */
function captionFor(view, messages) {
  // Text parts: text messages and button templates (a Zalo picture's caption is not a part).
  const kind = (m) => m.attachment?.payload?.template_type;
  const textParts = messages.filter((m) => kind(m) === 'button' || (typeof m.text === 'string' && kind(m) !== 'media')).length;
  const repliesWithText = session.last.filter((r) => r.text?.trim()).length;
  const lines = [];
  if (view === 'messenger') {
    lines.push(t('msgrLimits'));
    const last = messages.at(-1) ?? {};
    const qr = messages.flatMap((m) => m.quick_replies ?? []);
    const style = messages.some((m) => m.attachment?.payload?.template_type === 'button')
      ? 'button_template'
      : qr.length && qr.every((q, i) => q.title === String(i + 1)) && /\n1\. /.test(last.text ?? '')
        ? 'numbered'
        : qr.length
          ? 'quick_replies'
          : 'none';
    lines.push(t('msgrStyle')[style]);
  } else {
    lines.push(t('zaloLimits'));
    const buttons = messages.flatMap((m) => m.attachment?.payload?.buttons ?? []);
    const last = messages.at(-1) ?? {};
    const numbered = /(^|\n)1\. /.test(last.text ?? '');
    const style = buttons.length
      ? buttons.every((b, i) => b.title === String(i + 1)) && numbered ? 'numbered_buttons' : 'buttons'
      : numbered && session.last.at(-1)?.choices?.length > 5 ? 'numbered' : 'none';
    lines.push(t('zaloStyle')[style]);
  }
  if (textParts > repliesWithText) lines.push(t('split')(textParts));
  return lines.join(' ');
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

function newResident() {
  if (busy) return;
  const userId = newUserId();
  localStorage.setItem(USER_KEY, userId);
  session = { userId, entries: [], last: [], view: session.view };
  transient = [];
  readFrom = -1;
  saveSession();
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
    if (session.view !== 'web') void renderPreview();
  });
  for (const b of document.querySelectorAll('[data-view]')) b.addEventListener('click', () => setView(b.dataset.view));
  els.lightbox.addEventListener('click', () => els.lightbox.close());

  render();
  setView(session.view);
  // Opened from a lesson link (/?code=HS7K3P9Q): start with that lesson, once, then tidy the address.
  const code = new URLSearchParams(location.search).get('code');
  if (code) {
    history.replaceState(null, '', location.pathname);
    void send({ ref: code.slice(0, 40) });
  } else if (session.entries.length === 0) void send({});
}

init();
