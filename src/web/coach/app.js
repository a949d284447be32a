// The coach page: a member of the commune's digital team, on their phone at a doorstep, picks the
// next lesson for a resident and gets a link, a big code and a QR code; sees their links (uses,
// revoke) and the residents their links reached. Talks to the admin API under /api/v1 with the
// coach's access token, kept in this browser's localStorage until "Sign out".
// Plain ES module, no build step, no framework (like the simulator); signing in, API calls and DOM
// helpers are shared with the officials' console (../shared/). Its words are in strings.js.

import { $, el } from '../shared/dom.js';
import { relative } from '../shared/format.js';
import { call, failure, initSession, loc, say, sayShown, session, startSession, t, translatePage } from '../shared/session.js';
import { UI } from './strings.js';

// ── State ───────────────────────────────────────────────────────────────────────────────────

/** @type {Array<{ id: string, title: {vi: string, en?: string}, summary: {vi: string, en?: string} | string }>} */
let lessons = [];
let selectedLesson = '';
/** The link on show in "Send a lesson" (after creating it, or "Show QR code" from the list). */
let shown = null;
/** Last answers, kept to redraw on a language switch. */
let myLinks = null;
/** Why the lessons could not be loaded (an ApiError), to say it again in the other language. */
let lessonsError = null;
let tab = 'new';

const els = {};

// ── Signing in and out (the plumbing is shared: ../shared/session.js) ───────────────────────

/**
 * Forget everything the last coach saw: the next one on this phone (a shared phone at the commune
 * office) must not see their links, private notes, residents, QR code or messages, even for a moment
 * and even if their own lists then fail to load.
 */
function signedOut() {
  lessons = [];
  lessonsError = null;
  selectedLesson = '';
  myLinks = null;
  hideResult();
  clearResult();
  els.note.value = '';
  els.expires.value = '30';
  showCreateError(null);
  els.lessons.replaceChildren();
  els.links.replaceChildren();
  say(els.linksStatus, null);
  els.residents.replaceChildren();
  say(els.residentsStatus, null);
  els.ripple.hidden = true;
  els.ripple.replaceChildren();
  els.notFollowing.hidden = true;
  els.notFollowing.replaceChildren();
  els.who.textContent = '';
  els.whoArea.textContent = '';
  setTab('new');
}

async function showApp() {
  renderWho();
  setTab('new');
  await loadLessons();
}

function renderWho() {
  const me = session.me;
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
  lessonsError = null;
  const loading = el('p', { class: 'hint' });
  els.lessons.replaceChildren(loading);
  say(loading, 'loading');
  try {
    const json = await call('GET', '/lessons');
    lessons = Array.isArray(json?.lessons) ? json.lessons : [];
    renderLessons();
  } catch (err) {
    if (err.handled) return;
    lessonsError = err;
    renderLessons();
  }
}

function renderLessons() {
  if (lessonsError) {
    const error = el('p', { class: 'error', role: 'alert' });
    els.lessons.replaceChildren(error);
    say(error, failure('loadFailed', lessonsError));
    return;
  }
  if (!lessons.length) return;
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
            showCreateError(null);
          },
        }),
        el('span', {}, el('span', { class: 'l-title', text: loc(l.title) }), el('span', { class: 'l-summary', text: loc(l.summary) })),
      ),
    ),
  );
}

async function createLink(e) {
  e.preventDefault();
  showCreateError(null);
  if (!selectedLesson) {
    showCreateError('pickFirst');
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
    if (!err.handled) showCreateError(failure('createFailed', err));
  } finally {
    els.create.disabled = false;
    els.create.textContent = t('create');
  }
}

/** Say why no link was made (say's words), or `null` to take the message away. */
function showCreateError(words) {
  sayShown(els.createError, words);
}

/** The QR code's address: the API gives a URL (or, defensively, the SVG itself). */
function qrSource(link) {
  const svg = link?.qr?.svg;
  if (typeof svg === 'string' && svg.trimStart().startsWith('<svg')) return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return typeof svg === 'string' && svg ? svg : `/l/${encodeURIComponent(link.code)}/qr.svg`;
}

function showResult(link) {
  shown = link;
  say(els.copied, null);
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
}

function hideResult() {
  shown = null;
  say(els.copied, null);
  els.result.hidden = true;
  els.form.hidden = false;
}

/** Nothing of the last link stays in the page: its code, QR code, address and lesson. */
function clearResult() {
  els.resultLesson.textContent = '';
  els.resultCode.textContent = '';
  els.resultQr.removeAttribute('src');
  els.resultQr.alt = '';
  els.resultUrl.value = '';
  els.zaloInstruction.textContent = '';
}

async function copyLink() {
  const url = els.resultUrl.value;
  try {
    await navigator.clipboard.writeText(url);
    say(els.copied, 'copied');
  } catch {
    // Not a secure context (plain http on a LAN address), or refused: select it for the coach.
    els.resultUrl.focus();
    els.resultUrl.select();
    const ok = document.execCommand?.('copy');
    say(els.copied, ok ? 'copied' : 'copyFailed');
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
  say(els.linksStatus, 'loading');
  try {
    const json = await call('GET', '/links');
    myLinks = Array.isArray(json?.links) ? json.links : [];
    say(els.linksStatus, null);
    renderLinks();
  } catch (err) {
    if (!err.handled) say(els.linksStatus, failure('loadFailed', err));
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
    say(els.linksStatus, () => t('revokedDone')(link.code));
  } catch (err) {
    button.disabled = false;
    if (!err.handled) say(els.linksStatus, failure('revokeFailed', err));
  }
}

// ── My residents ────────────────────────────────────────────────────────────────────────────

async function loadResidents() {
  say(els.residentsStatus, 'loading');
  try {
    const view = await call('GET', `/coach/residents?lang=${session.lang}`);
    say(els.residentsStatus, null);
    renderResidents(view);
  } catch (err) {
    if (!err.handled) say(els.residentsStatus, failure('loadFailed', err));
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
  translatePage();
  for (const node of document.querySelectorAll('[data-i18n-days]')) node.textContent = t('days')(Number(node.dataset.i18nDays));
  renderWho();
  renderLessons();
  renderResult();
  renderLinks();
}

function init() {
  initSession({ page: 'coach', UI });
  Object.assign(els, {
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

  for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => setTab(b.dataset.tab));
  els.form.addEventListener('submit', createLink);
  $('another').addEventListener('click', hideResult);
  $('copy').addEventListener('click', copyLink);
  els.share.addEventListener('click', shareLink);

  startSession({
    signedIn: showApp,
    signedOut,
    langChanged: () => {
      applyLang();
      // The residents' lesson titles come from the server in one language: ask again.
      if (session.me && tab === 'residents') void loadResidents();
    },
  });
}

init();
