// An alert's progress while it goes out: sent, failed, unreachable, not reachable now, skipped, and
// still waiting, as a bar and a legend; pushed by server-sent events, or polled when they do not
// get through (a proxy that buffers the stream).

import { el, fill } from '../shared/dom.js';
import { num } from '../shared/format.js';
import { API, call, say, session, t } from '../shared/session.js';
import { detail, refreshAlert } from './detail.js';
import { els } from './page.js';
import { loadResults } from './results.js';
import { tab } from './tabs.js';

const POLL_MS = 1500;
export const LIVE_STATUSES = new Set(['scheduled', 'sending']);
/** The progress counters, as the bar shows them (skipped: cancelled meanwhile, or alerts turned off). */
const COUNTERS = ['sent', 'failed', 'unreachable', 'notReachableNow', 'skipped'];
const SEGMENT_CLASS = { sent: 'seg-sent', failed: 'seg-failed', unreachable: 'seg-unreachable', notReachableNow: 'seg-notnow', skipped: 'seg-skipped' };
const HINTS = { unreachable: 'unreachableHint', notReachableNow: 'notReachableNowHint', skipped: 'skippedHint' };

/** GET /alerts/{id}/progress (and each event of the stream): counters, the audience found so far, in flight. */
export function readProgress(json) {
  const p = json?.progress ?? json ?? {};
  const out = { status: p.status, total: p.audience ?? null, inFlight: Number(p.inFlight ?? 0), planned: p.planned !== false };
  for (const k of COUNTERS) out[k] = Number(p[k] ?? 0);
  return out;
}

export const sumHandled = (p) => COUNTERS.reduce((s, k) => s + (p[k] ?? 0), 0);

/** Nothing more will change: cancelled, or done with nobody left in a platform's queue. */
const isSettled = (p) => p?.status === 'cancelled' || (p?.status === 'done' && !p.inFlight);

/**
 * Follow an alert while it goes out: the event stream (`?token=`, as EventSource cannot send a
 * header) pushes each change and an `end` event; if the stream cannot be opened or breaks (a proxy
 * that buffers it), poll GET /progress instead.
 */
export function follow(id) {
  els.progress.hidden = false;
  if (typeof EventSource !== 'function') {
    startPolling(id);
    return;
  }
  const source = new EventSource(`${API}/alerts/${encodeURIComponent(id)}/events?token=${encodeURIComponent(session.token)}`);
  detail.source = source;
  say(els.progressMode, 'live');
  const read = (e) => {
    try {
      return JSON.parse(e.data);
    } catch {
      return null;
    }
  };
  source.addEventListener('message', (e) => {
    const json = read(e);
    if (json && detail.id === id) applyProgress(json);
  });
  source.addEventListener('end', (e) => {
    // The server is done with this alert: close before EventSource reconnects by itself.
    source.close();
    if (detail.source === source) detail.source = null;
    const json = read(e);
    if (detail.id !== id) return;
    if (json) applyProgress(json);
    void finish(id);
  });
  source.addEventListener('error', () => {
    if (detail.source !== source) return;
    source.close();
    detail.source = null;
    if (detail.id !== id) return;
    if (isSettled(detail.progress)) void finish(id);
    else startPolling(id);
  });
}

function applyProgress(json) {
  const p = readProgress(json);
  const before = detail.alert?.status;
  detail.progress = p;
  if (detail.alert && p.status) detail.alert.status = p.status;
  renderProgress();
  // A new state (sending → done, cancelled by a colleague): the alert's page and audit change too.
  if (p.status && before && p.status !== before) void refreshAlert();
}

function startPolling(id) {
  say(els.progressMode, 'polling');
  const tick = async () => {
    detail.timer = 0;
    if (detail.id !== id) return;
    try {
      applyProgress(await call('GET', `/alerts/${encodeURIComponent(id)}/progress`));
    } catch (err) {
      if (err.handled) return;
    }
    if (detail.id !== id || tab !== 'detail') return;
    if (isSettled(detail.progress)) void finish(id);
    else detail.timer = setTimeout(tick, POLL_MS);
  };
  detail.timer = setTimeout(tick, 0);
}

/** The alert went out (or was cancelled): its final state, counters and results. */
async function finish(id) {
  stopFollowing();
  await refreshAlert();
  if (detail.id === id) await loadResults(id);
}

export async function loadProgressOnce(id) {
  try {
    const p = readProgress(await call('GET', `/alerts/${encodeURIComponent(id)}/progress`));
    if (detail.id !== id) return;
    detail.progress = p;
    renderProgress();
  } catch {
    // The results below say the same.
  }
}

export function stopFollowing() {
  if (detail.source) detail.source.close();
  if (detail.timer) clearTimeout(detail.timer);
  detail.source = null;
  detail.timer = 0;
}

export function renderProgress() {
  const p = detail.progress;
  const status = detail.alert?.status;
  if (!p || !(LIVE_STATUSES.has(status) || status === 'done' || (status === 'cancelled' && sumHandled(p) > 0))) {
    els.progress.hidden = true;
    return;
  }
  els.progress.hidden = false;
  const handled = sumHandled(p);
  const total = Math.max(p.total ?? 0, handled);
  const pct = total ? Math.floor((handled / total) * 100) : status === 'done' ? 100 : 0;
  els.progress.dataset.status = status;
  els.progressBar.setAttribute('aria-valuenow', String(pct));
  els.progressBar.setAttribute('aria-valuetext', `${pct}% — ${t('progressOf')(num(handled), num(total))}`);
  fill(els.progressBar,
    ...COUNTERS.filter((k) => p[k] > 0).map((k) =>
      el('span', { class: `part ${SEGMENT_CLASS[k]}`, style: `width:${total ? (p[k] / total) * 100 : 0}%`, title: `${t(k)}: ${num(p[k])}` })),
  );
  els.progressText.textContent = `${pct}% · ${t('progressOf')(num(handled), num(total))}`;
  if (isSettled(p)) say(els.progressMode, () => t('status')[status] ?? status);
  fill(els.progressLegend,
    ...COUNTERS.filter((k) => k !== 'skipped' || p[k] > 0).map((k) => el('li', { 'data-testid': `progress-${k}`, 'data-value': p[k] },
      el('span', { class: `swatch ${SEGMENT_CLASS[k]}`, 'aria-hidden': 'true' }),
      el('span', { class: 'l-name', text: t(k) }),
      el('strong', { text: num(p[k]) }),
      HINTS[k] ? el('span', { class: 'hint', text: `(${t(HINTS[k])})` }) : null)),
    total > handled ? el('li', { 'data-testid': 'progress-waiting', 'data-value': total - handled },
      el('span', { class: 'swatch seg-waiting', 'aria-hidden': 'true' }),
      el('span', { class: 'l-name', text: t('waiting') }),
      el('strong', { text: num(total - handled) })) : null,
  );
}
