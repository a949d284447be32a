// The approval queue: alerts over the threshold, waiting for a second official; their count on the
// tab (kept current, as a colleague may send one at any time), and "Approve".

import { el, fill } from '../shared/dom.js';
import { num } from '../shared/format.js';
import { call, failure, say, session, t } from '../shared/session.js';
import { alertCard, fetchAlerts, forgetAlerts, mayDo, recipientsOf } from './alerts.js';
import { openDetail, showDetailError } from './detail.js';
import { els } from './page.js';
import { tab } from './tabs.js';

const QUEUE_REFRESH_MS = 30_000;

let queueCache = null;
let queueTimer = 0;

/** Waiting for approval, and the caller may approve it (never their own: the server refuses that too). */
async function fetchQueue() {
  const all = await fetchAlerts('?status=pending_approval');
  return all.filter((a) => a.status === 'pending_approval' && mayDo(a).approve);
}

export async function loadQueue() {
  say(els.queueStatus, 'loading');
  try {
    queueCache = await fetchQueue();
    say(els.queueStatus, null);
    renderQueue();
  } catch (err) {
    if (!err.handled) say(els.queueStatus, failure('loadFailed', err));
  }
}

export function renderQueue() {
  if (!queueCache) return;
  setQueueBadge(queueCache.length);
  fill(els.queue,
    ...(queueCache.length ? queueCache.map((a) => alertCard(a, { queue: true })) : [el('li', { class: 'hint', text: t('noQueue') })]),
  );
}

async function refreshQueueBadge() {
  if (!session.me) return;
  try {
    setQueueBadge((await fetchQueue()).length);
  } catch {
    // The badge is a convenience; the tab shows any error.
  }
}

/** Count the queue now and every QUEUE_REFRESH_MS while signed in. */
export function followQueue() {
  void refreshQueueBadge();
  // A colleague may send an alert for approval at any time: keep the queue's count current.
  clearInterval(queueTimer);
  queueTimer = setInterval(() => void refreshQueueBadge(), QUEUE_REFRESH_MS);
}

/** Signed out: stop counting, show no count, and nothing of the last official's queue. */
export function forgetQueue() {
  clearInterval(queueTimer);
  queueCache = null;
  setQueueBadge(0);
  fill(els.queue);
  say(els.queueStatus, null);
}

function setQueueBadge(n) {
  els.queueBadge.hidden = !n;
  els.queueBadge.textContent = String(n);
  // Screen readers hear it in words, as part of the tab's name.
  els.queueBadgeWords.textContent = n ? `, ${t('queueCount')(n)}` : '';
}

/** The queue's count in the page's language. */
export function renderQueueBadge() {
  if (queueCache) setQueueBadge(queueCache.length);
}

export async function approve(a, button) {
  if (!window.confirm(t('confirmApprove')(recipientsOf(a) == null ? null : num(recipientsOf(a))))) return;
  const before = button.textContent;
  button.disabled = true;
  button.textContent = t('approving');
  try {
    await call('POST', `/alerts/${encodeURIComponent(a.id)}/approve`);
    forgetAlerts();
    if (tab === 'queue') {
      await loadQueue();
      say(els.queueStatus, 'approved');
    } else {
      await openDetail(a.id, 'approved');
    }
  } catch (err) {
    button.disabled = false;
    button.textContent = before;
    if (err.handled) return;
    const message = failure('approveFailed', err);
    if (tab === 'queue') {
      // Cancelled, approved or changed meanwhile by someone else: the list shows it as it is now.
      if (err.code === 'not_pending' || err.code === 'state_changed') {
        forgetAlerts();
        await loadQueue();
      }
      say(els.queueStatus, message);
    } else showDetailError(message);
  }
}
