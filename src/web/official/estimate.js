// How many residents an alert reaches (POST /alerts/estimate, or /alerts/{id}/estimate), per
// channel, how many the platforms' rules keep out now and why, and whether a second official must
// approve it; marked stale once the audience on the form no longer matches it.

import { el, fill } from '../shared/dom.js';
import { num } from '../shared/format.js';
import { say, t } from '../shared/session.js';
import { audienceKey, composeAudience } from './audience.js';
import { channelName, els } from './page.js';

/** The estimate on show, and the audience it counted. */
export let lastEstimate = null;
let estimateKey = '';

export function setEstimate(estimate, key) {
  lastEstimate = estimate;
  estimateKey = key;
}

/** The estimate on show counted the audience now on the form. */
export const estimateFits = () => Boolean(lastEstimate) && estimateKey === audienceKey();

/**
 * Why there is nothing to send, if the estimate on show (for the audience now on the form) says so:
 * nobody matches (`sendNobody`), or nobody of them can be messaged now (`sendNobodyNow`): an alert
 * sent then would be "sent" to no one.
 */
export function nobodyToSend() {
  if (!estimateFits()) return undefined;
  if (estimateTotal(lastEstimate) === 0) return 'sendNobody';
  return estimateReachableNow(lastEstimate) === 0 ? 'sendNobodyNow' : undefined;
}

function estimateReachableNow(est) {
  return estimateRows(est).reduce((s, r) => s + r.reachableNow, 0);
}

/**
 * Who the alert goes to, as the headline and the "Send?" question say it: those who can be messaged
 * now (the others are never sent to), the rest named beside them; "about" when counted from a sample.
 */
export function headcount(est) {
  const reach = estimateReachableNow(est);
  const notNow = estimateTotal(est) - reach;
  const count = (n) => (est?.exact === false ? t('about')(num(n)) : num(n));
  return { reach, notNow, count };
}

/**
 * "Send" is not offered for an audience the estimate found nobody in: the button is disabled and
 * the note beside it says why and what to change. Left alone while the button is busy sending.
 */
export function renderSendState() {
  if (els.send.dataset.busy) return;
  const nobody = nobodyToSend();
  els.send.disabled = Boolean(nobody);
  // Written as it appears, so that screen readers say it (it is an alert).
  if (nobody && (els.sendNobody.hidden || els.sendNobody.dataset.why !== nobody)) say(els.sendNobody, nobody);
  if (nobody) els.sendNobody.dataset.why = nobody;
  els.sendNobody.hidden = !nobody;
  if (nobody) els.send.setAttribute('aria-describedby', 'send-nobody');
  else els.send.removeAttribute('aria-describedby');
}

/**
 * The estimate (POST /alerts/{id}/estimate) as rows per channel: residents, reachable now, not
 * reachable now, and why not (`window-closed`, `never-wrote`, `unreachable`, `not-connected`), Zalo's charged ones.
 */
function estimateRows(est) {
  const only = composeAudience().audience?.channel;
  const rows = Object.entries(est?.channels ?? {}).filter(([channel]) => !only || channel === only).map(([channel, v]) => ({
    channel,
    total: Number(v?.audience ?? 0),
    reachableNow: Number(v?.reachableNow ?? 0),
    notReachableNow: Number(v?.notReachableNow ?? 0),
    why: v?.notReachableWhy ?? {},
    charged: Number(v?.charged ?? 0),
  }));
  // A channel nobody of the audience is on is a row of zeros: left out, unless it is the one chosen.
  return rows.filter((r) => r.total > 0 || r.channel === only);
}

export function estimateTotal(est) {
  if (typeof est?.total === 'number') return est.total;
  return estimateRows(est).reduce((s, r) => s + r.total, 0);
}

export function renderEstimate() {
  const box = els.estimate;
  if (!lastEstimate) {
    box.hidden = true;
    box.replaceChildren();
    renderSendState();
    return;
  }
  const rows = estimateRows(lastEstimate);
  const total = estimateTotal(lastEstimate);
  // Why some cannot be reached now, channel by channel, in plain words.
  const why = rows.flatMap((r) => {
    const name = channelName(r.channel);
    const lines = [];
    const closed = Number(r.why['window-closed'] ?? 0);
    const never = Number(r.why['never-wrote'] ?? 0);
    const blocked = Number(r.why.unreachable ?? 0);
    const notConnected = Number(r.why['not-connected'] ?? 0);
    const other = Math.max(0, r.notReachableNow - closed - never - blocked - notConnected);
    const whyClosed = { zalo: t('estimateWhyZalo'), messenger: t('estimateWhyMessenger'), web: t('estimateWhyWeb') }[r.channel];
    if (closed) lines.push(whyClosed ? whyClosed(num(closed)) : t('estimateWhyOther')(name, num(closed)));
    if (never) lines.push(t('estimateNeverWrote')(name, num(never)));
    if (blocked) lines.push(t('estimateUnreachable')(name, num(blocked)));
    if (notConnected) lines.push(t('estimateNotConnected')(name, num(notConnected)));
    if (other) lines.push(t('estimateWhyOther')(name, num(other)));
    if (r.charged) lines.push(t('estimateCharged')(num(r.charged)));
    return lines;
  });
  const notNow = rows.some((r) => r.notReachableNow > 0);
  const headline = () => {
    const h = headcount(lastEstimate);
    if (total === 0) return t('estimateNobody');
    if (h.reach === 0) return t('estimateTotalNoneNow')(h.count(h.notNow));
    return h.notNow > 0 ? t('estimateTotalSome')(h.count(h.reach), h.count(h.notNow)) : t('estimateTotal')(h.count(h.reach));
  };
  const optedOut = Number(lastEstimate.alertsOff ?? 0);
  const threshold = lastEstimate.approvalThreshold;
  const needsApproval = lastEstimate.needsApproval ?? (typeof threshold === 'number' && total > threshold);
  box.hidden = false;
  fill(box,
    el('h3', { text: t('estimateTitle') }),
    el('p', { class: 'big', 'data-testid': 'estimate-total', text: headline() }),
    rows.length
      ? el('div', { class: 'table-scroll' }, el('table', { class: 'table', 'data-testid': 'estimate-table' },
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col', text: t('estimateChannel') }),
          el('th', { scope: 'col', class: 'n', text: t('estimateMatching') }),
          el('th', { scope: 'col', class: 'n', text: t('estimateReachable') }),
          el('th', { scope: 'col', class: 'n', text: t('estimateNotNow') }))),
        el('tbody', {}, rows.map((r) => el('tr', { 'data-testid': 'estimate-row', 'data-channel': r.channel },
          el('th', { scope: 'row', text: channelName(r.channel) }),
          el('td', { class: 'n', text: num(r.total) }),
          el('td', { class: 'n', text: num(r.reachableNow) }),
          el('td', { class: 'n', text: num(r.notReachableNow) }))))))
      : null,
    why.length ? el('ul', { class: 'why', 'data-testid': 'estimate-why' }, why.map((w) => el('li', { text: w }))) : null,
    notNow ? el('p', { class: 'hint', text: t('estimateNotNowNote') }) : null,
    lastEstimate.exact === false ? el('p', { class: 'hint', text: t('estimateSampled')(num(lastEstimate.sampleSize ?? 0), num(lastEstimate.margin ?? 0)) }) : null,
    optedOut > 0 ? el('p', { class: 'hint', text: t('estimateOptedOut')(num(optedOut)) }) : null,
    needsApproval ? el('p', { class: 'notice', 'data-testid': 'estimate-approval', text: t('estimateNeedsApproval')(num(threshold ?? 0)) }) : null,
    el('p', { class: 'status warn', 'data-testid': 'estimate-stale', text: t('estimateStale') }),
  );
  markStaleEstimate();
}

/** The estimate on show no longer fits the audience chosen: say so once (it is a live region). */
export function markStaleEstimate() {
  renderSendState();
  if (!lastEstimate) return;
  const stale = estimateKey !== audienceKey();
  els.estimate.classList.toggle('stale', stale);
  const note = els.estimate.querySelector('[data-testid="estimate-stale"]');
  if (note) note.hidden = !stale;
}
