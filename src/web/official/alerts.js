// The "Alerts" tab: every alert of the official's area, newest first, as cards (also used by the
// approval queue) that open the alert's page.

import { el, fill } from '../shared/dom.js';
import { num, relative } from '../shared/format.js';
import { call, failure, loc, say, t } from '../shared/session.js';
import { audienceText } from './audience.js';
import { openDetail } from './detail.js';
import { els } from './page.js';
import { approve } from './queue.js';

/** The list last loaded, kept to redraw on a language switch. */
let alertsCache = null;

/** The list changed (an alert was sent, approved, cancelled): load it afresh when next shown. */
export function forgetAlerts() {
  alertsCache = null;
}

/** Signed out: nothing of the last official's alerts stays on the page. */
export function clearAlerts() {
  alertsCache = null;
  fill(els.alerts);
  say(els.alertsStatus, null);
}

export async function fetchAlerts(query = '') {
  const json = await call('GET', `/alerts${query}`);
  return Array.isArray(json?.alerts) ? json.alerts : Array.isArray(json) ? json : [];
}

export async function loadAlerts() {
  say(els.alertsStatus, 'loading');
  try {
    alertsCache = await fetchAlerts();
    say(els.alertsStatus, null);
    renderAlerts();
  } catch (err) {
    if (!err.handled) say(els.alertsStatus, failure('loadFailed', err));
  }
}

export const authorName = (a) => a.createdByName ?? '';
/** Residents counted when it was submitted; unknown for a draft. */
export const recipientsOf = (a) => a.submittedAudience ?? null;
/** What the caller may do with an alert now, as the server says (its author may not approve it, …). */
export const mayDo = (a) => a.may ?? {};

export function alertCard(a, { queue = false } = {}) {
  const status = a.status ?? 'draft';
  const n = recipientsOf(a);
  return el('li', { class: 'card', 'data-testid': queue ? 'queue-item' : 'alert-item', 'data-id': a.id, 'data-status': status },
    el('div', { class: 'row-between' },
      el('span', { class: `badge s-${status}`, 'data-testid': 'alert-status', text: t('status')[status] ?? status }),
      el('span', { class: 'c-meta', text: [n == null ? null : t('recipients')(num(n)), a.createdAt ? t('createdAt')(relative(a.createdAt)) : null].filter(Boolean).join(' · ') })),
    el('p', { class: 'c-text', text: loc(a.text) }),
    el('p', { class: 'c-meta', text: [authorName(a) ? t('by')(authorName(a)) : null, audienceText(a.audience, a.audienceName)].filter(Boolean).join(' · ') }),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary small', 'data-testid': 'open-alert', text: t('open'), onclick: () => void openDetail(a.id) }),
      queue ? el('button', { type: 'button', class: 'primary small', 'data-testid': 'approve', text: t('approve'), onclick: (e) => void approve(a, e.currentTarget) }) : null),
  );
}

export function renderAlerts() {
  if (!alertsCache) return;
  fill(els.alerts,
    ...(alertsCache.length ? alertsCache.map((a) => alertCard(a)) : [el('li', { class: 'hint', text: t('noAlerts') })]),
  );
}
