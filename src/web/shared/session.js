// What the staff pages (the coach page, the officials' console) share about being signed in: the
// access token an admin gave (kept in this browser's localStorage until "Sign out"), the page's
// language, calls to the admin API under /api/v1, and the sign-in panel. Each page starts it with
// its own words (its strings.js) and its own storage keys, so signing out of one leaves the other.

import { $ } from './dom.js';

export const API = '/api/v1';

/** The page's language, token and account. Read by the page's modules; changed only here. */
export const session = { lang: 'vi', token: '', me: null };

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

class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Call the admin API (or, with `url`, another JSON endpoint of this server); throws ApiError with
 * the server's own message (or a network message).
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
export async function call(method, path, body) {
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
    showSignin(`${t('signinFailed')}: ${err.message}`);
    els.tokenInput.focus();
  } finally {
    els.signinBtn.disabled = false;
    els.signinBtn.textContent = t('signin');
  }
}

function signOut(message = t('signedOut')) {
  forgetToken();
  session.me = null;
  hooks.signedOut();
  els.tokenInput.value = '';
  showSignin(message, message === t('signedOut') ? 'status' : 'error');
}

/**
 * Wire the sign-in form, "Sign out" and the language button, then sign in with the remembered
 * token (or ask for one). `accept` may turn an account away with a message (a coach on the
 * officials' console); `signedIn` draws the page, `signedOut` forgets what it showed.
 */
export function startSession({ accept = () => '', signedIn, signedOut, langChanged }) {
  hooks = { accept, signedIn, signedOut, langChanged };
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
    session.lang = session.lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem(keys.lang, session.lang);
    hooks.langChanged();
  });
  if (session.token) void signIn(session.token);
  else showSignin();
}
