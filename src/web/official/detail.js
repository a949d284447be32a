// One alert's page: what it says and to whom, what the official may do with it now (edit, approve,
// cancel), its progress while it goes out (progress.js), its results (results.js), and its audit
// trail: who did what, when.

import { el, fill } from '../shared/dom.js';
import { dateTime, num } from '../shared/format.js';
import { call, failure, say, sayShown, t } from '../shared/session.js';
import { authorName, forgetAlerts, mayDo, recipientsOf } from './alerts.js';
import { audienceText } from './audience.js';
import { lessonTitle } from './catalog.js';
import { editDraft } from './compose.js';
import { els, scamName, unwrapAlert } from './page.js';
import { imageSrc } from './picture.js';
import { follow, LIVE_STATUSES, loadProgressOnce, renderProgress, stopFollowing, sumHandled } from './progress.js';
import { approve } from './queue.js';
import { loadResults, renderResults } from './results.js';
import { setTab } from './tabs.js';

/**
 * The alert on show in the detail view, how its progress is followed, and the notice above it (say's
 * words: what just happened to it).
 */
export let detail = { id: '', alert: null, progress: null, results: null, source: null, timer: 0, notice: null };

export async function openDetail(id, notice = null) {
  stopFollowing();
  detail = { id, alert: null, progress: null, results: null, source: null, timer: 0, notice };
  els.detail.dataset.alert = id;
  setTab('detail');
  emptyDetail();
  say(els.detailTitle, 'loading');
  renderNotice();
  window.scrollTo({ top: 0 });
  els.detail.focus({ preventScroll: true });
  await reloadDetail();
}

/** The alert's page without any alert: before one loads, and once its official signed out. */
function emptyDetail() {
  showDetailError(null);
  say(els.detailTitle, null);
  els.detailStatus.textContent = '';
  els.detailStatus.className = 'badge';
  delete els.detailStatus.dataset.status;
  els.detailBody.replaceChildren();
  els.detailActions.replaceChildren();
  els.audit.replaceChildren();
  els.progress.hidden = true;
  els.progressBar.replaceChildren();
  els.progressText.textContent = '';
  els.progressLegend.replaceChildren();
  say(els.progressMode, null);
  els.results.hidden = true;
  els.resultsList.replaceChildren();
  els.resultsShare.textContent = '';
}

/** Signed out: stop following, forget the alert and empty its page. */
export function forgetDetail() {
  stopFollowing();
  detail = { id: '', alert: null, progress: null, results: null, source: null, timer: 0, notice: null };
  delete els.detail.dataset.alert;
  emptyDetail();
  renderNotice();
}

function renderNotice() {
  els.detailNotice.hidden = !detail.notice;
  say(els.detailNotice, detail.notice);
}

/**
 * Load the alert, then its progress: followed live while it goes out (a done alert's stream says
 * where it stands and ends at once, then the results load); a cancelled one's counters once.
 */
async function reloadDetail() {
  const id = detail.id;
  await refreshAlert();
  const status = detail.alert?.status;
  if (detail.id !== id || !status) return;
  if (LIVE_STATUSES.has(status) || status === 'done') {
    if (!detail.source && !detail.timer) follow(id);
  } else if (status === 'cancelled') {
    stopFollowing();
    await loadProgressOnce(id);
    if (detail.progress && sumHandled(detail.progress) > 0) await loadResults(id);
  }
}

/** Reload the alert itself (status, audit, what may be done) without restarting the progress. */
export async function refreshAlert() {
  const id = detail.id;
  try {
    const alert = unwrapAlert(await call('GET', `/alerts/${encodeURIComponent(id)}`));
    if (detail.id !== id) return;
    detail.alert = alert;
    renderDetail();
  } catch (err) {
    if (!err.handled) showDetailError(failure('loadFailed', err));
  }
}

/** What went wrong on the alert's page (say's words), or `null` to take it away. */
export function showDetailError(words) {
  sayShown(els.detailError, words);
}

export function renderDetail() {
  const a = detail.alert;
  if (!a) return;
  const status = a.status ?? 'draft';
  const title = a.text?.vi ?? '';
  say(els.detailTitle, () => (title.length > 70 ? `${title.slice(0, 70)}…` : title));
  els.detailStatus.textContent = t('status')[status] ?? status;
  els.detailStatus.className = `badge s-${status}`;
  els.detailStatus.dataset.status = status;
  const n = recipientsOf(a);
  const image = imageSrc(a);
  fill(els.detailBody,
    el('p', { class: 'c-text', 'data-testid': 'detail-text', text: a.text?.vi ?? '' }),
    a.text?.en ? el('p', { class: 'c-text en', lang: 'en', text: a.text.en }) : null,
    image ? el('img', { class: 'thumb', src: image, alt: t('picture') }) : null,
    el('dl', { class: 'facts' },
      a.scamType ? [el('dt', { text: t('scamTypeLabel') }), el('dd', { text: scamName(a.scamType) })] : null,
      a.lessonId ? [el('dt', { text: t('lessonLabel') }), el('dd', { text: lessonTitle(a.lessonId) })] : null,
      [el('dt', { text: t('audienceSummary') }), el('dd', { 'data-testid': 'detail-audience', text: [audienceText(a.audience, a.audienceName), n == null ? null : t('recipients')(num(n))].filter(Boolean).join(' · ') })],
      authorName(a) ? [el('dt', { text: t('author') }), el('dd', { text: authorName(a) })] : null,
      a.approvals?.length ? [el('dt', { text: t('approvedBy') }), el('dd', { 'data-testid': 'detail-approvals', text: a.approvals.map((x) => x.byName).join(', ') })] : null),
  );
  const may = mayDo(a);
  fill(els.detailActions,
    may.edit ? el('button', { type: 'button', class: 'secondary', 'data-testid': 'edit', text: t('edit'), onclick: () => editDraft(a) }) : null,
    may.approve ? el('button', { type: 'button', class: 'primary', 'data-testid': 'detail-approve', text: t('approve'), onclick: (e) => void approve(a, e.currentTarget) }) : null,
    may.cancel ? el('button', { type: 'button', class: 'secondary danger', 'data-testid': 'cancel', text: t('cancel'), onclick: (e) => void cancel(a, e.currentTarget) }) : null,
  );
  renderAudit(a.audit ?? a.auditLog ?? []);
  renderProgress();
  renderResults();
}

function renderAudit(entries) {
  fill(els.audit,
    ...(entries.length
      ? entries.map((e) => {
        const who = e.by === 'system' ? t('system') : e.byName || e.by;
        const key = e.action === 'submitted' && e.to === 'pending_approval' ? 'submittedForApproval' : e.action;
        const what = t('auditWhat')[key] ?? e.action;
        return el('li', { 'data-testid': 'audit-entry', 'data-action': e.action },
          el('time', { datetime: e.at, text: dateTime(e.at) }),
          el('span', {}, el('b', { text: who }), ` ${what}`),
          e.to ? el('span', { class: 'hint', text: `→ ${t('status')[e.to] ?? e.to}` }) : null);
      })
      : [el('li', { class: 'hint', text: t('auditEmpty') })]),
  );
}

async function cancel(a, button) {
  if (!window.confirm(t('confirmCancel'))) return;
  button.disabled = true;
  button.textContent = t('cancelling');
  try {
    await call('POST', `/alerts/${encodeURIComponent(a.id)}/cancel`);
    forgetAlerts();
    detail.notice = 'cancelled';
    renderNotice();
    stopFollowing();
    await reloadDetail();
  } catch (err) {
    button.disabled = false;
    button.textContent = t('cancel');
    if (!err.handled) showDetailError(failure('cancelFailed', err));
  }
}
