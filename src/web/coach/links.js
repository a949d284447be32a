// "My links": each link the coach made, whether it still works, how often it was opened and how
// its residents are doing with its lesson; "Show QR code" and "Revoke"; "Reload". On a weak
// connection: a list that could not be loaded again stays, marked as maybe out of date, with the
// reason in red; an answer older than one already shown (a slow load overtaken by another, or
// asked before a revoke) never replaces it.

import { askFirst } from '../shared/ask.js';
import { el } from '../shared/dom.js';
import { timeOfDay } from '../shared/format.js';
import { call, failure, loc, say, sayShown, t } from '../shared/session.js';
import { CALL_TIMEOUT_MS, els, when } from './page.js';
import { dropQr, keepQrs } from './qr.js';
import { hideResultOf, showResult } from './send.js';
import { isLink, isLinkList } from './shapes.js';
import { setTab } from './tabs.js';

/** The list on show (null: none loaded yet), when it was loaded, and why the last load failed. */
let myLinks = null;
let loadedAt = 0;
let loadError = null;
/** Why the last revoke failed (`{ code, err }`), said in the same red box. */
let revokeError = null;
/** Each load's number; `changedAt`: the last load asked before a change the page already shows. */
let seq = 0;
let changedAt = 0;

export function forgetLinks() {
  myLinks = null;
  loadedAt = 0;
  loadError = null;
  revokeError = null;
  els.links.replaceChildren();
  say(els.linksStatus, null);
  renderProblems();
}

export async function loadLinks() {
  const mine = ++seq;
  say(els.linksStatus, 'loading');
  try {
    const json = await call('GET', '/links', undefined, { timeout: CALL_TIMEOUT_MS, shape: isLinkList });
    // A newer load is out: its answer decides, so an older, slower one cannot undo it.
    if (mine !== seq) return;
    // Asked before a revoke or a new link the page already shows: it may not have them. Ask again.
    if (mine <= changedAt) {
      void loadLinks();
      return;
    }
    myLinks = json.links;
    // Fetched now, while there is signal, to be shown at a door where there may be none.
    keepQrs(myLinks.filter((l) => linkState(l) === 'active').map((l) => l.code));
    loadedAt = Date.now();
    loadError = null;
    revokeError = null;
    say(els.linksStatus, null);
    renderLinks();
  } catch (err) {
    if (err.handled || mine !== seq) return;
    loadError = err;
    say(els.linksStatus, null);
    renderLinks();
  }
}

/** A link made on "Send a lesson": at the top of the list, whether or not the list loads again. */
export function linkCreated(link) {
  changedAt = seq;
  if (myLinks && !myLinks.some((l) => l.code === link.code)) myLinks = [link, ...myLinks];
  renderLinks();
}

function linkState(link) {
  if (link.revoked) return 'revoked';
  return new Date(link.expiresAt).getTime() <= Date.now() ? 'expired' : 'active';
}

/** The red box (a failed load or revoke) and, over a list kept from before, "may be out of date". */
function renderProblems() {
  const words = revokeError ? failure('revokeFailed', revokeError.err) : loadError ? failure('loadFailed', loadError) : null;
  sayShown(els.linksError, words);
  const stale = Boolean(loadError && myLinks);
  sayShown(els.linksStale, stale ? () => t('staleList')(timeOfDay(loadedAt)) : null);
  els.links.classList.toggle('stale', stale);
}

/** "Đã học xong: 1 · Đang học: 1 (bước 3/8)", and those who did not agree to be followed, counted. */
function residentsLine(r) {
  if (!r) return null;
  const parts = [];
  if (r.finished) parts.push(t('progressFinished')(r.finished));
  if (r.learning.length) parts.push(t('progressLearning')(r.learning.length, r.learning));
  if (r.notStarted) parts.push(t('progressNotStarted')(r.notStarted));
  if (r.notFollowing) parts.push(t('progressNotFollowing')(r.notFollowing));
  return parts.length ? el('p', { class: 'c-progress', 'data-testid': 'link-residents', text: parts.join(' · ') }) : null;
}

export function renderLinks() {
  renderProblems();
  if (!myLinks) return;
  if (!myLinks.length) {
    els.links.replaceChildren(el('li', { class: 'hint', text: t('noLinks') }));
    return;
  }
  els.links.replaceChildren(
    ...myLinks.map((link) => {
      const state = linkState(link);
      const expires = state === 'expired' ? when('expiredAgo', link.expiresAt) : when('expires', link.expiresAt);
      return el(
        'li',
        { class: `card${state === 'active' ? '' : ' inactive'}`, 'data-testid': 'link-item', 'data-code': link.code },
        el('div', { class: 'row' },
          el('span', { class: 'c-code', text: link.code }),
          el('span', { class: `badge${state === 'active' ? '' : ' off'}`, 'data-testid': 'link-state', text: t(state) })),
        el('p', { class: 'c-title', text: loc(link.lessonTitle) }),
        link.note ? el('p', { class: 'c-note', text: link.note }) : null,
        el('p', { class: 'c-meta', 'data-testid': 'link-uses', text: [t('uses')(link.uses ?? 0), when('created', link.createdAt), state === 'revoked' ? null : expires].filter(Boolean).join(' · ') }),
        residentsLine(link.residents),
        state === 'active'
          ? el('div', { class: 'actions' },
            el('button', { type: 'button', class: 'secondary', 'data-testid': 'show-qr', text: t('showQr'), onclick: () => { setTab('new'); showResult(link); } }),
            el('button', { type: 'button', class: 'secondary danger', 'data-testid': 'revoke', text: t('revoke'), onclick: (e) => askRevoke(link, e.currentTarget) }))
          : null,
      );
    }),
  );
}

/** "Revoke the link HS…?" under the card's buttons (in the page: see ../shared/ask.js). */
function askRevoke(link, button) {
  askFirst(button, {
    ask: () => t('revokeConfirm')(link.code),
    stay: 'revokeStay',
    yes: 'revoke',
    onYes: () => void revoke(link, button),
  });
}

/**
 * Revoke a link and show it revoked from the server's own answer: reloading the list afterwards
 * could fail on a weak connection and leave "Revoked" above a card still saying "Valid".
 */
async function revoke(link, button) {
  button.disabled = true;
  try {
    const revoked = await call('POST', `/links/${encodeURIComponent(link.code)}/revoke`, undefined, { timeout: CALL_TIMEOUT_MS, shape: isLink });
    changedAt = seq;
    // The revoke's answer has no residents: keep the ones the list said.
    myLinks = (myLinks ?? [revoked]).map((l) => (l.code === revoked.code ? { ...l, ...revoked } : l));
    revokeError = null;
    hideResultOf(link.code);
    dropQr(link.code);
    renderLinks();
    say(els.linksStatus, () => t('revokedDone')(link.code));
  } catch (err) {
    button.disabled = false;
    if (err.handled) return;
    revokeError = { code: link.code, err };
    say(els.linksStatus, null);
    renderProblems();
  }
}

export function initLinks() {
  els.reloadLinks.addEventListener('click', () => void loadLinks());
}

/** After a failed load (the phone back online): try again. */
export function linksFailed() {
  return loadError !== null;
}
