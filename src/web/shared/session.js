// What the staff pages (the coach page, the officials' console) share about being signed in: the
// access token an admin gave (kept in this browser's localStorage until "Sign out"), the page's
// language, calls to the admin API under /api/v1, and the sign-in panel. Each page starts it with
// its own words (its strings.js) and its own storage keys, so signing out of one leaves the other.

import { $ } from './dom.js';
import { COMMON_ERRORS } from './errors.js';

export const API = '/api/v1';

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
  });
}

export function t(key) {
  return words[session.lang][key];
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

// ── Talking to the server ───────────────────────────────────────────────────────────────────

/**
 * A call that failed: `code` is the API's stable error code (`network` when the server could not be
 * reached), `message` says it in the page's words (errorText); the server's own English message is
 * kept as `serverMessage` for whoever debugs, never shown.
 */
class ApiError extends Error {
  constructor({ status, code, details, serverMessage }) {
    super('');
    this.status = status;
    this.code = code;
    this.details = details;
    this.serverMessage = serverMessage;
    this.message = errorText(this);
  }
}

/**
 * Call the admin API (or, with `url`, another JSON endpoint of this server); throws ApiError.
 */
export async function api(method, path, body, { auth = true, url = API + path } = {}) {
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(auth ? { authorization: `Bearer ${session.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError({ status: 0, code: 'network' });
  }
  let json = null;
  try {
    json = await res.json();
  } catch {
    // Not JSON (a proxy's error page): handled below.
  }
  if (!res.ok) {
    const error = json?.error ?? {};
    throw new ApiError({ status: res.status, code: typeof error.code === 'string' ? error.code : undefined, details: error.details, serverMessage: error.message ?? `HTTP ${res.status}` });
  }
  return json;
}

/**
 * Any call after signing in: a 401 means the token was replaced or disabled, so ask again. An answer
 * that arrives after its caller signed out is dropped (thrown as handled): the next person on this
 * device never sees it.
 */
export async function call(method, path, body) {
  const epoch = session.epoch;
  let json;
  try {
    json = await api(method, path, body);
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

/** The sign-in panel, with a message (`say`'s words) under the button. */
function showSignin(words, kind = 'error') {
  els.app.hidden = true;
  els.signin.hidden = false;
  sayShown(els.signinError, words);
  els.signinError.className = kind === 'error' ? 'error' : 'status';
  els.signinError.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

function forgetToken() {
  session.token = '';
  localStorage.removeItem(keys.token);
}

async function signIn(candidate) {
  session.token = candidate;
  els.signinBtn.disabled = true;
  els.signinBtn.textContent = t('signingIn');
  try {
    const json = await api('GET', '/me');
    const account = json?.account ?? json;
    const refused = hooks.accept(account);
    if (refused) {
      forgetToken();
      showSignin(refused);
      return;
    }
    session.me = account;
    session.areas = Array.isArray(json?.areas) ? json.areas : [];
    localStorage.setItem(keys.token, candidate);
    els.tokenInput.value = '';
    els.signin.hidden = true;
    els.app.hidden = false;
    await hooks.signedIn();
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      forgetToken();
    } else {
      // The server could not be reached: keep the token in the box to try again.
      els.tokenInput.value = candidate;
    }
    showSignin(failure('signinFailed', err));
    els.tokenInput.focus();
  } finally {
    els.signinBtn.disabled = false;
    els.signinBtn.textContent = t('signin');
  }
}

/** Forget the token and everything the page showed; `why` (say's words) is said on the sign-in panel. */
function signOut(why) {
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
 * `langChanged` redraws what the page drew (what `say` wrote is redrawn here).
 */
export function startSession({ accept = () => '', signedIn, signedOut, langChanged }) {
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
  $('signout').addEventListener('click', () => signOut());
  els.lang.addEventListener('click', () => {
    session.lang = session.lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem(keys.lang, session.lang);
    hooks.langChanged();
    sayAgain();
  });
  if (session.token) void signIn(session.token);
  else showSignin();
}
