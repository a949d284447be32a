// What the staff pages (the coach page, the officials' console) share about being signed in: the
// access token an admin gave (kept in this browser's localStorage until "Sign out"), the page's
// language, calls to the admin API under /api/v1 (the request itself is in api.js), the sign-in
// panel, and the panel shown while a remembered token is checked or the server cannot be reached.
// Each page starts it with its own words (its strings.js) and its own storage keys, so signing out
// of one leaves the other.

import { API, api } from './api.js';
import { askFirst, closeQuestions } from './ask.js';
import { $ } from './dom.js';
import { COMMON_ERRORS, COMMON_WORDS } from './errors.js';

export { API, api };

/**
 * The page's language, token and account, and the districts and communes inside the account's area
 * (GET /me's `areas`). `epoch` changes at each sign-out, so an
 * answer to the last person's request is never shown to the next. Read by the page's modules;
 * changed only here.
 */
export const session = { lang: 'vi', token: '', me: null, areas: [], epoch: 0 };

/** @type {{ vi: Record<string, any>, en: Record<string, any> }} */
let words = { vi: {}, en: {} };
const keys = { token: '', lang: '' };
/** @type {{ accept: (account: any) => string, signedIn: () => Promise<void> | void, signedOut: () => void, langChanged: () => void }} */
let hooks = { accept: () => '', signedIn: () => {}, signedOut: () => {}, langChanged: () => {} };
const els = {};

/** Read the remembered language and token; before anything is drawn, so the first words are right. */
export function initSession({ page, UI }) {
  words = UI;
  keys.token = `hocso.${page}.token`;
  keys.lang = `hocso.${page}.lang`;
  session.lang = localStorage.getItem(keys.lang) === 'en' ? 'en' : 'vi';
  session.token = localStorage.getItem(keys.token) ?? '';
  Object.assign(els, {
    lang: $('lang'),
    signin: $('signin'),
    app: $('app'),
    tokenInput: /** @type {HTMLInputElement} */ ($('token')),
    signinBtn: /** @type {HTMLButtonElement} */ ($('signin-btn')),
    signinError: $('signin-error'),
    connecting: $('connecting'),
    connectingStatus: $('connecting-status'),
    connectingError: $('connecting-error'),
    connectingRetry: /** @type {HTMLButtonElement} */ ($('connecting-retry')),
    connectingSignout: $('connecting-signout'),
  });
}

/** The page's words for `key`, or the words every staff page shares (../shared/errors.js COMMON_WORDS). */
export function t(key) {
  return words[session.lang][key] ?? COMMON_WORDS[session.lang][key];
}

// ── Messages that follow the language ───────────────────────────────────────────────────────

/** What each node that `say` wrote shows, to write it again in the other language. */
const saying = new WeakMap();

/**
 * Show a message in `node`, in the page's language now and again after a language switch:
 * `words` is a key of the page's strings, or a function giving the text (`() => t('x')(code)`);
 * `null` or `''` empties the node. Status lines and errors are written with it, never directly.
 */
export function say(node, words) {
  if (!node) return;
  const render = typeof words === 'function' ? words : words ? () => t(words) : null;
  if (!render) {
    saying.delete(node);
    node.removeAttribute('data-said');
    node.textContent = '';
    return;
  }
  saying.set(node, render);
  node.setAttribute('data-said', '');
  node.textContent = render();
}

/** `say` into a node that is shown only while it has something to say (an error line). */
export function sayShown(node, words) {
  say(node, words);
  node.hidden = !words;
}

/** Every message `say` wrote, in the page's language. */
function sayAgain() {
  for (const node of document.querySelectorAll('[data-said]')) {
    const render = saying.get(node);
    if (render) node.textContent = render();
  }
}

/**
 * What went wrong with a call, in the page's words: by the API's stable error code (the page's
 * `errors` strings), else by the HTTP status, else a general sentence. Never the server's own
 * message, which is English and may name fields and files.
 */
export function errorText(err) {
  const texts = { ...COMMON_ERRORS[session.lang], ...(t('errors') ?? {}) };
  const byCode = err?.code ? texts[err.code] : undefined;
  if (byCode) return typeof byCode === 'function' ? byCode(err.details) : byCode;
  const status = Number(err?.status ?? 0);
  if (status >= 500) return texts.server;
  if (status === 401) return texts.invalid_token;
  if (status === 403) return texts.forbidden;
  if (status === 404) return texts.not_found;
  if (status === 409) return texts.state_changed;
  if (status === 413) return texts.payload_too_large;
  return texts.unknown;
}

/** "Could not load: <why>" for `say`, in whichever language the page is in when it is shown. */
export const failure = (key, err) => () => `${t(key)}: ${errorText(err)}`;

/** A `{vi, en}` text from the server in the page's language. */
export function loc(text) {
  if (typeof text === 'string') return text;
  return text?.[session.lang] ?? text?.vi ?? '';
}

/** The words of the page's own markup (`data-i18n…`), and the language button. */
export function translatePage() {
  document.documentElement.lang = session.lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  for (const node of document.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
  els.lang.textContent = session.lang === 'vi' ? 'EN' : 'VI';
  els.lang.setAttribute('aria-pressed', String(session.lang === 'en'));
}

// ── Talking to the server (api() and its errors are in ./api.js) ───────────────────────────

/**
 * Any call after signing in: a 401 means the token was replaced or disabled, so ask again. An answer
 * that arrives after its caller signed out is dropped (thrown as handled): the next person on this
 * device never sees it. `options` are api's (`timeout`, `shape`).
 */
export async function call(method, path, body, options = {}) {
  const epoch = session.epoch;
  let json;
  try {
    json = await api(method, path, body, options);
  } catch (err) {
    if (session.epoch !== epoch) throw Object.assign(err, { handled: true });
    if (err.status === 401) {
      signOut(failure('sessionEnded', err));
      throw Object.assign(err, { handled: true });
    }
    throw err;
  }
  if (session.epoch !== epoch) throw Object.assign(new Error('signed out meanwhile'), { handled: true });
  return json;
}

// ── Signing in and out ──────────────────────────────────────────────────────────────────────

/** How long checking a token may take before the page says the server cannot be reached (a slow line held it ~15 s). */
const ME_TIMEOUT_MS = 20_000;
/** Waits before the page checks a remembered token again by itself while the server cannot be reached. */
const RETRY_AFTER_MS = [15_000, 30_000, 60_000];
let retryTimer = 0;
let retries = 0;
/** A check of the token is under way (so a retry does not start a second one). */
let checking = false;

/** Show one of the page's panels: `signin`, `connecting` (a remembered token being checked) or `app`. */
function showPanel(which) {
  closeQuestions();
  els.signin.hidden = which !== 'signin';
  els.connecting.hidden = which !== 'connecting';
  els.app.hidden = which !== 'app';
}

/** The sign-in panel, with a message (`say`'s words) under the button. */
function showSignin(words, kind = 'error') {
  showPanel('signin');
  sayShown(els.signinError, words);
  els.signinError.className = kind === 'error' ? 'error' : 'status';
  els.signinError.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

/**
 * The remembered token being checked ("Connecting…", busy), or, given `err`, why the server could
 * not be reached: still signed in, with "Try again". Not the sign-in panel, which looked like being
 * signed out and asked for a token the phone still has.
 */
function showConnecting(err) {
  showPanel('connecting');
  els.connecting.setAttribute('aria-busy', String(!err));
  say(els.connectingStatus, err ? 'stillSignedIn' : 'connecting');
  sayShown(els.connectingError, err ? failure('connectFailed', err) : null);
  els.connectingRetry.hidden = !err;
}

function forgetToken() {
  session.token = '';
  localStorage.removeItem(keys.token);
}

/** Is the answer to GET /me an account? */
const isMe = (json) => {
  const account = json.account ?? json;
  return typeof account?.name === 'string' && typeof account?.role === 'string';
};

/**
 * Check `candidate` with the server and open the page. A token typed in the form that cannot be
 * checked stays in the box; a `remembered` one (this browser's, at load) stays signed in, since
 * only a 401 says a token is wrong: the page says the server cannot be reached, and tries again
 * (by itself after a while, when the phone is back online or the page shown again, or on "Try again").
 */
async function signIn(candidate, { remembered = false } = {}) {
  clearTimeout(retryTimer);
  const epoch = session.epoch;
  checking = true;
  session.token = candidate;
  if (remembered) showConnecting();
  els.signinBtn.disabled = true;
  els.signinBtn.textContent = t('signingIn');
  try {
    const json = await api('GET', '/me', undefined, { timeout: ME_TIMEOUT_MS, shape: isMe });
    // Signed out meanwhile ("Sign out" on the connecting panel): the answer is the last person's.
    if (session.epoch !== epoch) return;
    const account = json.account ?? json;
    const refused = hooks.accept(account);
    if (refused) {
      forgetToken();
      showSignin(refused);
      return;
    }
    retries = 0;
    session.me = account;
    session.areas = Array.isArray(json?.areas) ? json.areas : [];
    localStorage.setItem(keys.token, candidate);
    els.tokenInput.value = '';
    showPanel('app');
    await hooks.signedIn();
  } catch (err) {
    if (session.epoch !== epoch) return;
    if (err.status === 401 || (!remembered && err.status === 403)) {
      forgetToken();
      showSignin(failure(remembered ? 'sessionEnded' : 'signinFailed', err));
      els.tokenInput.focus();
    } else if (remembered) {
      showConnecting(err);
      scheduleRetry();
    } else {
      // The server could not be reached: keep the token in the box to try again.
      els.tokenInput.value = candidate;
      showSignin(failure('signinFailed', err));
      els.tokenInput.focus();
    }
  } finally {
    checking = false;
    els.signinBtn.disabled = false;
    els.signinBtn.textContent = t('signin');
  }
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  retryTimer = window.setTimeout(retryNow, RETRY_AFTER_MS[Math.min(retries, RETRY_AFTER_MS.length - 1)]);
  retries += 1;
}

/** Check the remembered token again, if the page is waiting for the server (not signed in or out meanwhile). */
function retryNow() {
  if (checking || session.me || !session.token || els.connecting.hidden) return;
  void signIn(session.token, { remembered: true });
}

/** Forget the token and everything the page showed; `why` (say's words) is said on the sign-in panel. */
function signOut(why) {
  clearTimeout(retryTimer);
  retries = 0;
  forgetToken();
  session.me = null;
  session.areas = [];
  session.epoch += 1;
  hooks.signedOut();
  els.tokenInput.value = '';
  if (why) showSignin(why, 'error');
  else showSignin('signedOut', 'status');
}

/**
 * Wire the sign-in form, "Sign out" and the language button, then sign in with the remembered
 * token (or ask for one). `accept` may turn an account away with the key of a message (a coach on
 * the officials' console); `signedIn` draws the page; `signedOut` forgets everything it showed
 * (lists, forms, status lines, pictures), since the next person may use the same device;
 * `langChanged` redraws what the page drew (what `say` wrote is redrawn here); `askBeforeSignOut`
 * asks "Sign out?" in the page first (./ask.js), with the page's `signoutAsk`, `signoutStay` and
 * `signoutYes`.
 */
export function startSession({ accept = () => '', signedIn, signedOut, langChanged, askBeforeSignOut = false }) {
  hooks = { accept, signedIn, signedOut, langChanged };
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const candidate = els.tokenInput.value.trim();
    if (!candidate) {
      showSignin('signinEmpty');
      return;
    }
    void signIn(candidate);
  });
  const ask = (button) => askFirst(button, { ask: 'signoutAsk', stay: 'signoutStay', yes: 'signoutYes', onYes: () => signOut() });
  for (const button of [$('signout'), els.connectingSignout]) button.addEventListener('click', () => (askBeforeSignOut ? ask(button) : signOut()));
  els.connectingRetry.addEventListener('click', retryNow);
  // Back online, or back to this page after a while: the server may be reachable again.
  window.addEventListener('online', retryNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') retryNow();
  });
  els.lang.addEventListener('click', () => {
    session.lang = session.lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem(keys.lang, session.lang);
    hooks.langChanged();
    sayAgain();
  });
  if (session.token) void signIn(session.token, { remembered: true });
  else showSignin();
}
