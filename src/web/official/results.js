// An alert's results once it went out: sent, failed, not reachable; shown, opened; and how many
// residents recognised the scam in the "try it" that came with it.

import { el, fill } from '../shared/dom.js';
import { num } from '../shared/format.js';
import { call, failure, t } from '../shared/session.js';
import { detail, showDetailError } from './detail.js';
import { els } from './page.js';
import { readProgress, renderProgress } from './progress.js';

export async function loadResults(id) {
  try {
    const json = await call('GET', `/alerts/${encodeURIComponent(id)}/results`);
    if (detail.id !== id) return;
    detail.results = json?.results ?? json;
    if (!detail.progress) detail.progress = { ...readProgress(detail.results), status: detail.alert?.status };
    renderProgress();
    renderResults();
  } catch (err) {
    if (!err.handled) showDetailError(failure('loadFailed', err));
  }
}

export function renderResults() {
  const r = detail.results;
  if (!r) {
    els.results.hidden = true;
    return;
  }
  els.results.hidden = false;
  const rows = ['sent', 'failed', 'unreachable', 'notReachableNow', 'shown', 'opened', 'recognised', 'missed'];
  fill(els.resultsList,
    ...rows.map((k) => el('div', { class: 'result', 'data-testid': `result-${k}`, 'data-value': Number(r[k] ?? 0) },
      el('dt', { text: t(k) }), el('dd', { text: num(Number(r[k] ?? 0)) }))),
  );
  const answered = Number(r.recognised ?? 0) + Number(r.missed ?? 0);
  els.resultsShare.textContent = answered ? t('recognisedShare')(Math.round((Number(r.recognised ?? 0) / answered) * 100)) : '';
}
