// The coach page: a member of the commune's digital team, on their phone at a doorstep, picks the
// next lesson for a resident and gets a link, a big code and a QR code; sees their links (uses,
// revoke) and the residents their links reached. Talks to the admin API under /api/v1 with the
// coach's access token, kept in this browser's localStorage until "Sign out".
// Plain ES module, no build step, no framework (like the simulator). Its words are in strings.js.

import { UI } from './strings.js';

const API = '/api/v1';
const TOKEN_KEY = 'hocso.coach.token';
const LANG_KEY = 'hocso.coach.lang';

// ── State ───────────────────────────────────────────────────────────────────────────────────

let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
let token = localStorage.getItem(TOKEN_KEY) ?? '';
/** @type {{ name: string, role: string, areaName?: string } | null} */
let me = null;
/** @type {Array<{ id: string, title: {vi: string, en?: string}, summary: {vi: string, en?: string} | string }>} */
let lessons = [];
let selectedLesson = '';
/** The link on show in "Send a lesson" (after creating it, or "Show QR code" from the list). */
let shown = null;
/** Last answers, kept to redraw on a language switch. */
let myLinks = null;
let tab = 'new';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const els = {};

function t(key) {
  return UI[lang][key];
}

/** A `{vi, en}` text from the server in the page's language. */
function loc(text) {
  if (typeof text === 'string') return text;
  return text?.[lang] ?? text?.vi ?? '';
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c) node.append(c);
  return node;
}

/** "vừa xong", "2 ngày trước", "hôm qua", "sau 29 ngày nữa"; lower-case, to sit inside a sentence. */
function relative(date) {
  const seconds = (new Date(date).getTime() - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  if (abs < 60) return t('justNow');
  const [value, unit] =
    abs < 3600 ? [seconds / 60, 'minute']
        : abs < 86400 ? [seconds / 3600, 'hour']
          : abs < 30 * 86400 ? [seconds / 86400, 'day']
            : abs < 365 * 86400 ? [seconds / (30 * 86400), 'month']
              : [seconds / (365 * 86400), 'year'];
  const s = rtf.format(Math.round(value), unit);
  return s.charAt(0).toLocaleLowerCase(lang) + s.slice(1);
}

// ── Talking to the server ───────────────────────────────────────────────────────────────────

class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Call the admin API; throws ApiError with the server's own message (or a network message). */
async function api(method, path, body) {
  let res;
  try {
    res = await fetch(API + path, {
      method,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(t('networkError'), 0, 'network');
  }
  let json = null;
  try {
    json = await res.json();
  } catch {
    // Not JSON (a proxy's error page): handled below.
  }
  if (!res.ok) throw new ApiError(json?.error?.message ?? `HTTP ${res.status}`, res.status, json?.error?.code);
  return json;
}

/** Any call after signing in: a 401 means the token was replaced or disabled, so ask again. */
async function call(method, path, body) {
  try {
    return await api(method, path, body);
  } catch (err) {
    if (err.status === 401) {
      signOut(`${t('sessionEnded')}: ${err.message}`);
      throw Object.assign(err, { handled: true });
    }
    throw err;
  }
}

// ── Signing in and out ──────────────────────────────────────────────────────────────────────

function showSignin(message, kind = 'error') {
  els.app.hidden = true;
  els.signin.hidden = false;
  els.signinError.hidden = !message;
  els.signinError.textContent = message ?? '';
  els.signinError.className = kind === 'error' ? 'error' : 'status';
  els.signinError.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

async function signIn(candidate) {
  token = candidate;
  els.signinBtn.disabled = true;
  els.signinBtn.textContent = t('signingIn');
  try {
    const json = await api('GET', '/me');
    me = json?.account ?? json;
    localStorage.setItem(TOKEN_KEY, candidate);
    els.tokenInput.value = '';
    await showApp();
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      token = '';
      localStorage.removeItem(TOKEN_KEY);
    } else {
      // The server could not be reached: keep the token in the box to try again.
      els.tokenInput.value = candidate;
    }
    showSignin(`${t('signinFailed')}: ${err.message}`);
    els.tokenInput.focus();
  } finally {
    els.signinBtn.disabled = false;
    els.signinBtn.textContent = t('signin');
  }
}

function signOut(message = t('signedOut')) {
  localStorage.removeItem(TOKEN_KEY);
  token = '';
  me = null;
  lessons = [];
  selectedLesson = '';
  myLinks = null;
  hideResult();
  els.note.value = '';
  els.tokenInput.value = '';
  showSignin(message, message === t('signedOut') ? 'status' : 'error');
}

async function showApp() {
  els.signin.hidden = true;
  els.app.hidden = false;
  renderWho();
  setTab('new');
  await loadLessons();
}

function renderWho() {
  if (!me) return;
  els.who.textContent = t('hello')(me.name);
  els.whoArea.textContent = me.areaName ?? '';
}

// ── Tabs ────────────────────────────────────────────────────────────────────────────────────

function setTab(name) {
  tab = name;
  for (const b of document.querySelectorAll('[data-tab]')) b.setAttribute('aria-pressed', String(b.dataset.tab === name));
  for (const id of ['new', 'links', 'residents']) $(`tab-${id}`).hidden = id !== name;
  if (name === 'links') void loadLinks();
  if (name === 'residents') void loadResidents();
}

// ── Send a lesson ───────────────────────────────────────────────────────────────────────────

async function loadLessons() {
  els.lessons.replaceChildren(el('p', { class: 'hint', text: t('loading') }));
  try {
    const json = await call('GET', '/lessons');
    lessons = Array.isArray(json?.lessons) ? json.lessons : [];
    renderLessons();
  } catch (err) {
    if (!err.handled) els.lessons.replaceChildren(el('p', { class: 'error', role: 'alert', text: `${t('loadFailed')}: ${err.message}` }));
  }
}

function renderLessons() {
  els.lessons.replaceChildren(
    ...lessons.map((l) =>
      el(
        'label',
        { class: 'lesson', 'data-testid': 'lesson', 'data-lesson': l.id },
        el('input', {
          type: 'radio',
          name: 'lesson',
          value: l.id,
          checked: l.id === selectedLesson,
          onchange: () => {
            selectedLesson = l.id;
            els.createError.hidden = true;
          },
        }),
        el('span', {}, el('span', { class: 'l-title', text: loc(l.title) }), el('span', { class: 'l-summary', text: loc(l.summary) })),
      ),
    ),
  );
}

async function createLink(e) {
  e.preventDefault();
  els.createError.hidden = true;
  if (!selectedLesson) {
    showCreateError(t('pickFirst'));
    return;
  }
  const note = els.note.value.trim();
  const body = { lessonId: selectedLesson, expiresInDays: Number(els.expires.value) };
  if (note) body.note = note;
  els.create.disabled = true;
  els.create.textContent = t('creating');
  try {
    const link = await call('POST', '/links', body);
    els.note.value = '';
    myLinks = null;
    showResult(link);
  } catch (err) {
    if (!err.handled) showCreateError(`${t('createFailed')}: ${err.message}`);
  } finally {
    els.create.disabled = false;
    els.create.textContent = t('create');
  }
}

function showCreateError(message) {
  els.createError.textContent = message;
  els.createError.hidden = false;
}

/** The QR code's address: the API gives a URL (or, defensively, the SVG itself). */
function qrSource(link) {
  const svg = link?.qr?.svg;
  if (typeof svg === 'string' && svg.trimStart().startsWith('<svg')) return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return typeof svg === 'string' && svg ? svg : `/l/${encodeURIComponent(link.code)}/qr.svg`;
}

function showResult(link) {
  shown = link;
  els.form.hidden = true;
  els.result.hidden = false;
  renderResult();
  window.scrollTo({ top: 0 });
  els.result.focus({ preventScroll: true });
}

function renderResult() {
  if (!shown) return;
  els.resultLesson.textContent = loc(shown.lessonTitle);
  els.resultCode.textContent = shown.code;
  const src = qrSource(shown);
  if (els.resultQr.getAttribute('src') !== src) els.resultQr.src = src;
  els.resultQr.alt = t('qrAlt')(shown.code);
  els.resultUrl.value = shown.landingUrl ?? '';
  els.zaloInstruction.textContent = loc(shown.open?.zalo?.instruction);
  els.share.hidden = typeof navigator.share !== 'function';
  els.copied.textContent = '';
}

function hideResult() {
  shown = null;
  els.result.hidden = true;
  els.form.hidden = false;
}

async function copyLink() {
  const url = els.resultUrl.value;
  try {
    await navigator.clipboard.writeText(url);
    els.copied.textContent = t('copied');
  } catch {
    // Not a secure context (plain http on a LAN address), or refused: select it for the coach.
    els.resultUrl.focus();
    els.resultUrl.select();
    const ok = document.execCommand?.('copy');
    els.copied.textContent = ok ? t('copied') : t('copyFailed');
  }
}

async function shareLink() {
  if (!shown || typeof navigator.share !== 'function') return;
  const title = loc(shown.lessonTitle);
  try {
    await navigator.share({ title, text: t('shareText')(title, shown.code), url: shown.landingUrl });
  } catch {
    // Cancelled by the coach, or the share sheet failed: nothing to do.
  }
}

// ── My links ────────────────────────────────────────────────────────────────────────────────

async function loadLinks() {
  els.linksStatus.textContent = t('loading');
  try {
    const json = await call('GET', '/links');
    myLinks = Array.isArray(json?.links) ? json.links : [];
    els.linksStatus.textContent = '';
    renderLinks();
  } catch (err) {
    if (!err.handled) els.linksStatus.textContent = `${t('loadFailed')}: ${err.message}`;
  }
}

function linkState(link) {
  if (link.revoked) return 'revoked';
  return new Date(link.expiresAt).getTime() <= Date.now() ? 'expired' : 'active';
}

function renderLinks() {
  if (!myLinks) return;
  if (!myLinks.length) {
    els.links.replaceChildren(el('li', { class: 'hint', text: t('noLinks') }));
    return;
  }
  els.links.replaceChildren(
    ...myLinks.map((link) => {
      const state = linkState(link);
      return el(
        'li',
        { class: `card${state === 'active' ? '' : ' inactive'}`, 'data-testid': 'link-item', 'data-code': link.code },
        el('div', { class: 'row' },
          el('span', { class: 'c-code', text: link.code }),
          el('span', { class: `badge${state === 'active' ? '' : ' off'}`, 'data-testid': 'link-state', text: t(state) })),
        el('p', { class: 'c-title', text: loc(link.lessonTitle) }),
        el('p', { class: 'c-meta', 'data-testid': 'link-uses', text: [t('uses')(link.uses ?? 0), t('created')(relative(link.createdAt)), state === 'revoked' ? null : t('expires')(relative(link.expiresAt))].filter(Boolean).join(' · ') }),
        link.note ? el('p', { class: 'c-note', text: link.note }) : null,
        state === 'active'
          ? el('div', { class: 'actions' },
            el('button', { type: 'button', class: 'secondary', 'data-testid': 'show-qr', text: t('showQr'), onclick: () => { setTab('new'); showResult(link); } }),
            el('button', { type: 'button', class: 'secondary danger', 'data-testid': 'revoke', text: t('revoke'), onclick: (e) => revoke(link, e.currentTarget) }))
          : null,
      );
    }),
  );
}

async function revoke(link, button) {
  if (!window.confirm(t('revokeConfirm')(link.code))) return;
  button.disabled = true;
  try {
    await call('POST', `/links/${encodeURIComponent(link.code)}/revoke`);
    if (shown?.code === link.code) hideResult();
    await loadLinks();
    els.linksStatus.textContent = t('revokedDone')(link.code);
  } catch (err) {
    button.disabled = false;
    if (!err.handled) els.linksStatus.textContent = `${t('revokeFailed')}: ${err.message}`;
  }
}

// ── My residents ────────────────────────────────────────────────────────────────────────────

async function loadResidents() {
  els.residentsStatus.textContent = t('loading');
  try {
    const view = await call('GET', `/coach/residents?lang=${lang}`);
    els.residentsStatus.textContent = '';
    renderResidents(view);
  } catch (err) {
    if (!err.handled) els.residentsStatus.textContent = `${t('loadFailed')}: ${err.message}`;
  }
}

function renderResidents(view) {
  const residents = Array.isArray(view?.residents) ? view.residents : [];
  const ripple = view?.ripple ?? { neighbours: 0, deepest: 0 };
  const notFollowing = view?.notFollowing ?? 0;

  els.ripple.hidden = false;
  els.ripple.replaceChildren(
    ...(ripple.neighbours > 0
      ? [el('strong', { text: t('ripple')(ripple.neighbours) }), ripple.deepest > 1 ? el('p', { class: 'hint', text: t('rippleDepth')(ripple.deepest) }) : null]
      : [el('p', { text: t('rippleNone') })]),
  );

  const titles = (list) => (list ?? []).map((l) => l.title).join(', ');
  els.residents.replaceChildren(
    ...(residents.length
      ? residents.map((r) =>
        el('li', { class: 'card', 'data-testid': 'resident' },
          el('p', { class: 'r-name', text: r.label }),
          r.finished?.length ? el('p', { class: 'r-line' }, el('b', { text: `${t('finished')}: ` }), titles(r.finished)) : null,
          r.started?.length ? el('p', { class: 'r-line' }, el('b', { text: `${t('started')}: ` }), titles(r.started)) : null,
          el('p', { class: 'c-meta', text: t('lastActive')(relative(r.lastActive)) })))
      : [el('li', { class: 'hint', text: t('noResidents') })]),
  );

  els.notFollowing.hidden = notFollowing === 0;
  els.notFollowing.replaceChildren(el('strong', { text: t('notFollowing')(notFollowing) }), el('p', { class: 'hint', text: t('notFollowingHint') }));
}

// ── Page chrome ─────────────────────────────────────────────────────────────────────────────

function applyLang() {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  for (const node of document.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
  for (const node of document.querySelectorAll('[data-i18n-days]')) node.textContent = t('days')(Number(node.dataset.i18nDays));
  els.lang.textContent = lang === 'vi' ? 'EN' : 'VI';
  els.lang.setAttribute('aria-pressed', String(lang === 'en'));
  renderWho();
  renderLessons();
  renderResult();
  renderLinks();
}

function init() {
  Object.assign(els, {
    lang: $('lang'),
    signin: $('signin'),
    app: $('app'),
    tokenInput: /** @type {HTMLInputElement} */ ($('token')),
    signinBtn: /** @type {HTMLButtonElement} */ ($('signin-btn')),
    signinError: $('signin-error'),
    who: $('who'),
    whoArea: $('who-area'),
    form: $('new-link'),
    lessons: $('lessons'),
    note: /** @type {HTMLInputElement} */ ($('note')),
    expires: /** @type {HTMLSelectElement} */ ($('expires')),
    create: /** @type {HTMLButtonElement} */ ($('create')),
    createError: $('create-error'),
    result: $('result'),
    resultLesson: $('result-lesson'),
    resultCode: $('result-code'),
    resultQr: /** @type {HTMLImageElement} */ ($('result-qr')),
    resultUrl: /** @type {HTMLInputElement} */ ($('result-url')),
    share: $('share'),
    copied: $('copied'),
    zaloInstruction: $('zalo-instruction'),
    links: $('links'),
    linksStatus: $('links-status'),
    residents: $('residents'),
    residentsStatus: $('residents-status'),
    ripple: $('ripple'),
    notFollowing: $('not-following'),
  });
  applyLang();

  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const candidate = els.tokenInput.value.trim();
    if (!candidate) {
      showSignin(t('signinEmpty'));
      return;
    }
    void signIn(candidate);
  });
  $('signout').addEventListener('click', () => signOut());
  els.lang.addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem(LANG_KEY, lang);
    applyLang();
    if (!els.app.hidden && tab === 'residents') void loadResidents();
  });
  for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => setTab(b.dataset.tab));
  els.form.addEventListener('submit', createLink);
  $('another').addEventListener('click', hideResult);
  $('copy').addEventListener('click', copyLink);
  els.share.addEventListener('click', shareLink);

  if (token) void signIn(token);
  else showSignin();
}

init();
