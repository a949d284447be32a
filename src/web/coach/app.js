// The coach page: a member of the commune's digital team, on their phone at a doorstep, picks the
// next lesson for a resident and gets a link, a big code and a QR code; sees their links (uses,
// how their residents are doing, revoke) and the residents their links reached. Talks to the admin
// API under /api/v1 with the coach's access token, kept in this browser's localStorage until "Sign out".
// Plain ES modules, no build step, no framework (like the simulator); signing in, API calls and DOM
// helpers are shared with the officials' console (../shared/). This entry signs in and wires the
// views, one module each (send.js, links.js, residents.js); its words are in strings.js.

import { initSession, session, startSession, t, translatePage } from '../shared/session.js';
import { forgetLinks, initLinks, linksFailed, loadLinks, renderLinks } from './links.js';
import { els, findElements } from './page.js';
import { forgetQrs, retryQrs } from './qr.js';
import { forgetResidents, initResidents, loadResidents, renderResidents, residentsFailed } from './residents.js';
import { forgetSend, initSend, lessonsMissing, loadLessons, renderLessons, renderResult } from './send.js';
import { UI } from './strings.js';
import { setTab, tab } from './tabs.js';

/**
 * Forget everything the last coach saw: the next one on this phone (a shared phone at the commune
 * office) must not see their links, private notes, residents, QR code or messages, even for a moment
 * and even if their own lists then fail to load.
 */
function signedOut() {
  forgetSend();
  forgetQrs();
  forgetLinks();
  forgetResidents();
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

function applyLang() {
  translatePage();
  for (const node of document.querySelectorAll('[data-i18n-days]')) node.textContent = t('days')(Number(node.dataset.i18nDays));
  renderWho();
  renderLessons();
  renderResult();
  renderLinks();
  renderResidents();
}

/** Back online: what could not be loaded is loaded again (the lessons, the list on show, QR codes). */
function online() {
  if (!session.me) return;
  retryQrs();
  if (lessonsMissing()) void loadLessons();
  if (tab === 'links' && linksFailed()) void loadLinks();
  if (tab === 'residents' && residentsFailed()) void loadResidents();
}

function init() {
  initSession({ page: 'coach', UI });
  findElements();
  applyLang();

  for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => setTab(b.dataset.tab));
  initSend();
  initLinks();
  initResidents();
  window.addEventListener('online', online);

  startSession({
    // A coach signed out by a stray tap at a door must paste the token again on a weak signal.
    askBeforeSignOut: true,
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
