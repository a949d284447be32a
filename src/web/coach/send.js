// "Send a lesson": the lessons to pick from, the note and how long the link works, "Create link",
// and the new link on show (a big code, the QR code, copy, share, how to open it in Zalo).

import { $, el } from '../shared/dom.js';
import { call, failure, loc, say, sayShown, t } from '../shared/session.js';
import { linkCreated } from './links.js';
import { CALL_TIMEOUT_MS, els } from './page.js';
import { initQrs, keepQrs, keepQrSvg, qrFor } from './qr.js';
import { isLessonList, isLink } from './shapes.js';

/** @type {Array<{ id: string, title: {vi: string, en?: string}, summary: {vi: string, en?: string} | string }>} */
let lessons = [];
let selectedLesson = '';
/** Why the lessons could not be loaded (an ApiError), to say it again in the other language. */
let lessonsError = null;
/** The load of the lessons under way, so that a retry while it runs does not start another. */
let lessonsLoading = null;
/** The link on show (after creating it, or "Show QR code" from the list). */
let shown = null;
/**
 * The link being made: its idempotency key, kept across retries of the same form (the answer to
 * the last try may have been lost after the server made it), and what the form said then; a new
 * key for a changed form or after a link was made.
 */
let pending = null;
let creating = false;

/** Forget everything of the last coach (see app.js signedOut). */
export function forgetSend() {
  lessons = [];
  lessonsError = null;
  selectedLesson = '';
  pending = null;
  hideResult();
  clearResult();
  els.note.value = '';
  els.address.value = '';
  els.expires.value = '30';
  showCreateError(null);
  els.lessons.replaceChildren();
}

/** The lessons have not come yet (or could not): load them (again). */
export function lessonsMissing() {
  return lessons.length === 0;
}

/**
 * Load the lessons to pick from. Called at sign-in, and again, while they are missing, when the tab
 * is opened, on "Try again", when the phone is back online, and on "Create link": one failed load
 * at sign-in used to leave nothing to choose until the page was reloaded.
 */
export function loadLessons() {
  lessonsLoading ??= (async () => {
    lessonsError = null;
    if (!lessons.length) {
      const loading = el('p', { class: 'hint' });
      els.lessons.replaceChildren(loading);
      say(loading, 'loading');
    }
    try {
      const json = await call('GET', '/lessons', undefined, { timeout: CALL_TIMEOUT_MS, shape: isLessonList });
      lessons = json.lessons;
      showCreateError(null);
    } catch (err) {
      if (err.handled) return;
      lessonsError = err;
    } finally {
      lessonsLoading = null;
    }
    renderLessons();
  })();
  return lessonsLoading;
}

export function renderLessons() {
  if (lessonsError && !lessons.length) {
    const error = el('p', { 'data-testid': 'lessons-error' });
    say(error, failure('lessonsFailed', lessonsError));
    els.lessons.replaceChildren(
      el('div', { class: 'error', role: 'alert' }, error,
        el('button', { type: 'button', class: 'secondary retry', 'data-testid': 'lessons-retry', text: t('retry'), onclick: () => void loadLessons() })),
    );
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

/** Sixteen random bytes as hex: `crypto.randomUUID` exists only on https, and a LAN test server is plain http. */
function newKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function createLink(e) {
  e.preventDefault();
  if (creating) return;
  showCreateError(null);
  if (!lessons.length) {
    showCreateError(lessonsError ? failure('lessonsFailed', lessonsError) : 'lessonsLoading');
    void loadLessons();
    return;
  }
  if (!selectedLesson) {
    showCreateError('pickFirst');
    return;
  }
  const note = els.note.value.trim();
  const body = { lessonId: selectedLesson, expiresInDays: Number(els.expires.value) };
  if (note) body.note = note;
  if (els.address.value) body.address = els.address.value;
  const form = JSON.stringify(body);
  if (pending?.form !== form) pending = { form, key: newKey() };
  creating = true;
  els.create.disabled = true;
  els.create.textContent = t('creating');
  try {
    const link = await call('POST', '/links', { ...body, idempotencyKey: pending.key }, { timeout: CALL_TIMEOUT_MS, shape: isLink });
    pending = null;
    els.note.value = '';
    els.address.value = '';
    linkCreated(link);
    showResult(link);
  } catch (err) {
    // The note and the choices stay, and so does the key: "Create link" again is safe.
    if (!err.handled) showCreateError(failure('createFailed', err));
  } finally {
    creating = false;
    els.create.disabled = false;
    els.create.textContent = t('create');
  }
}

/** Say why no link was made (say's words), or `null` to take the message away. */
function showCreateError(words) {
  sayShown(els.createError, words);
}

/** What the page says instead of the QR code while it has none to show (qr.js qrFor's states). */
const QR_MISSING = { loading: 'qrLoading', failed: 'qrFailed', gone: 'qrGone' };

export function showResult(link) {
  shown = link;
  // From the answer that made it (nothing to fetch), or kept since the list was loaded; else fetched now.
  keepQrSvg(link.code, link.qr?.inlineSvg);
  keepQrs([link.code], { first: true });
  say(els.copied, null);
  els.form.hidden = true;
  els.result.hidden = false;
  renderResult();
  window.scrollTo({ top: 0 });
  els.result.focus({ preventScroll: true });
}

export function renderResult() {
  if (!shown) return;
  els.resultLesson.textContent = loc(shown.lessonTitle);
  els.resultCode.textContent = shown.code;
  renderQr();
  els.resultUrl.value = shown.landingUrl ?? '';
  els.zaloInstruction.textContent = loc(shown.open?.zalo?.instruction);
  els.share.hidden = typeof navigator.share !== 'function';
}

/**
 * The QR code from memory (qr.js), never straight from the network: an address the phone cannot
 * reach showed a broken picture at a door without signal. Until it is kept, why not, in words.
 */
function renderQr() {
  const qr = qrFor(shown.code);
  if (qr.src) {
    if (els.resultQr.getAttribute('src') !== qr.src) els.resultQr.src = qr.src;
    els.resultQr.alt = t('qrAlt')(shown.code);
  } else {
    els.resultQr.removeAttribute('src');
    els.resultQr.alt = '';
  }
  els.resultQr.hidden = !qr.src;
  sayShown(els.resultQrMissing, qr.src ? null : QR_MISSING[qr.state]);
}

/** The link on show was revoked: back to the form. */
export function hideResultOf(code) {
  if (shown?.code === code) hideResult();
}

export function hideResult() {
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
  sayShown(els.resultQrMissing, null);
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

export function initSend() {
  // A QR code arrived (or could not): the link on show may be waiting for it.
  initQrs((code) => {
    if (shown?.code === code) renderQr();
  });
  els.form.addEventListener('submit', createLink);
  $('another').addEventListener('click', hideResult);
  $('copy').addEventListener('click', copyLink);
  els.share.addEventListener('click', shareLink);
}
