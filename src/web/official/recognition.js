// The "Recognition" tab: per scam type, the share of quiz answers in which the area's residents
// recognised it, weakest first, as inline SVG bars and a table; what to warn residents about next.

import { el, fill, svg } from '../shared/dom.js';
import { num } from '../shared/format.js';
import { call, failure, say, session, t } from '../shared/session.js';
import { areaChoices, areaCodes, areaKey } from './audience.js';
import { els, scamName } from './page.js';

/** The figures last loaded, kept to redraw on a language switch. */
let statsCache = null;

/** Signed out: nothing of the last official's figures stays on the page. */
export function forgetStats() {
  statsCache = null;
  fill(els.stats);
  say(els.statsStatus, null);
}

export async function loadStats() {
  say(els.statsStatus, 'loading');
  const area = els.statsArea.value || areaKey(session.me.area);
  const choice = areaChoices.find((a) => areaKey(a.ref) === area) ?? areaChoices[0];
  try {
    const json = await call('GET', `/stats/recognition?area=${encodeURIComponent(areaCodes(choice.ref))}`);
    statsCache = readStats(json);
    say(els.statsStatus, null);
    renderStats();
  } catch (err) {
    if (!err.handled) say(els.statsStatus, failure('loadFailed', err));
  }
}

/** Rows `{scamType, answered, recognised, residents, share}` from GET /stats/recognition's `byScamType`. */
function readStats(json) {
  const rows = (json?.byScamType ?? []).map((v) => ({
    scamType: v.scamType,
    answered: Number(v.answers ?? 0),
    recognised: Number(v.right ?? 0),
    residents: Number(v.residents ?? 0),
    share: typeof v.share === 'number' ? v.share : null,
    margin: Number(v.margin ?? 0),
  }));
  return { rows, exact: json?.exact !== false, sampleSize: Number(json?.sampleSize ?? 0), areaResidents: Number(json?.areaResidents ?? 0) };
}

function barColour(share) {
  if (share < 0.5) return 'bar-low';
  if (share < 0.75) return 'bar-mid';
  return 'bar-high';
}

export function renderStats() {
  if (!statsCache) return;
  // Weakest first (on a tie, the one more residents answered): what to warn residents about next.
  const rows = statsCache.rows.slice().sort((a, b) => (a.share ?? 2) - (b.share ?? 2) || b.answered - a.answered);
  const answered = rows.filter((r) => r.answered > 0);
  if (!answered.length) {
    fill(els.stats, el('p', { class: 'hint', 'data-testid': 'stats-empty', text: t('statsEmpty') }));
    return;
  }
  const W = 760;
  const LABEL = 340;
  const BAR = 270;
  const ROW = 34;
  const H = rows.length * ROW + 8;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-labelledby': 'stats-chart-title', class: 'chart', 'data-testid': 'stats-chart' },
    svg('title', { id: 'stats-chart-title' }, t('statsChartLabel')),
    rows.map((r, i) => {
      const y = i * ROW + 4;
      const has = r.answered > 0 && r.share !== null;
      const pct = has ? Math.round(r.share * 100) : 0;
      return svg('g', { 'data-testid': 'stats-bar', 'data-type': r.scamType, 'data-share': has ? pct : '' },
        svg('title', {}, has ? t('statsBarLabel')(scamName(r.scamType), pct, r.answered) : `${scamName(r.scamType)}: ${t('statsNoAnswers')}`),
        svg('text', { x: LABEL - 10, y: y + ROW / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'c-label' }, scamName(r.scamType)),
        svg('rect', { x: LABEL, y: y + 5, width: BAR, height: ROW - 12, rx: 5, class: 'track' }),
        has ? svg('rect', { x: LABEL, y: y + 5, width: Math.max(2, (BAR * pct) / 100), height: ROW - 12, rx: 5, class: barColour(r.share) }) : null,
        svg('text', { x: LABEL + BAR + 10, y: y + ROW / 2, 'dominant-baseline': 'middle', class: 'c-value' },
          has ? `${pct}% · ${t('statsAnswers')(num(r.answered))}` : t('statsNoAnswers')));
    }));
  const weakest = answered[0];
  fill(els.stats,
    weakest && weakest.share < 0.75 ? el('p', { class: 'notice', 'data-testid': 'stats-weakest', text: t('statsWeakest')(scamName(weakest.scamType)) }) : null,
    el('div', { class: 'chart-box' }, chart),
    statsCache.exact ? null : el('p', { class: 'hint', text: t('statsSampled')(num(statsCache.sampleSize), num(statsCache.areaResidents)) }),
    el('details', { class: 'table-box' },
      el('summary', { text: t('statsTable') }),
      el('table', { class: 'table', 'data-testid': 'stats-table' },
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col', text: t('statsType') }),
          el('th', { scope: 'col', class: 'n', text: t('statsShare') }),
          el('th', { scope: 'col', class: 'n', text: t('statsCount') }))),
        el('tbody', {}, rows.map((r) => el('tr', {},
          el('th', { scope: 'row', text: scamName(r.scamType) }),
          el('td', { class: 'n', text: r.answered && r.share !== null ? `${Math.round(r.share * 100)}%` : '—' }),
          el('td', { class: 'n', text: num(r.answered) })))))),
  );
}
