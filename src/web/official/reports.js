// The officials' console's "Reports" tab: residents' reports of suspicious messages, grouped by
// likeness (GET /api/v1/reports/groups), each with its counts (last 24 hours, last 7 days, total), a
// small chart of reports per day, the masked sample, the checker's signs and the websites found, and
// "Make a draft alert" (POST …/draft-alert), which opens the new draft in the compose tab.

import { $, el, fill, svg } from '../shared/dom.js';
import { num, relative } from '../shared/format.js';
import { call, errorText, loc, say, session, t } from '../shared/session.js';
import { editDraft } from './compose.js';
import { openDetail } from './detail.js';
import { scamName } from './page.js';

const PAGE_SIZE = 20;
const UNKNOWN = 'unknown';
const CHART = { bar: 12, gap: 3, height: 44 };
const SIGNS_SHOWN = 4;

const els = {};
/** What the tab shows: whose reports, which page, the answer, or why there is none (an ApiError). */
let view = { area: '', offset: 0, data: null, error: null, loading: false };

/** Signed out: nothing of the last official's reports stays on the page. */
export function forgetReports() {
  view = { area: '', offset: 0, data: null, error: null, loading: false };
  if (!els.list) return;
  fill(els.area);
  fill(els.list);
  fill(els.pager);
  els.status.textContent = '';
  els.status.classList.remove('error');
}

export function initReports() {
  Object.assign(els, {
    area: /** @type {HTMLSelectElement} */ ($('reports-area')),
    status: $('reports-status'),
    list: $('reports'),
    pager: $('reports-pager'),
  });
  els.area.addEventListener('change', () => {
    view = { ...view, area: els.area.value, offset: 0 };
    void loadReports();
  });
}

// ── The Reports tab ─────────────────────────────────────────────────────────────────────────

export async function loadReports() {
  if (!els.list) return;
  renderAreaSelect();
  view.loading = true;
  view.error = null;
  renderReports();
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(view.offset) });
  if (view.area === UNKNOWN) params.set('area', UNKNOWN);
  try {
    view.data = await call('GET', `/reports/groups?${params}`);
  } catch (err) {
    if (!err.handled) view.error = err;
  }
  view.loading = false;
  renderReports();
}

function renderAreaSelect() {
  const me = session.me;
  const current = view.area;
  fill(els.area,
    el('option', { value: '', text: t('reportsOwn')(me?.areaName ?? '') }),
    el('option', { value: UNKNOWN, text: t('reportsUnknown') }));
  els.area.value = current;
}

export function renderReports() {
  if (!els.list) return;
  renderAreaSelect();
  const data = view.data;
  els.status.textContent = view.loading ? t('reportsLoading') : view.error ? `${t('loadFailed')}: ${errorText(view.error)}` : data ? t('reportsCount')(data.total) : '';
  els.status.classList.toggle('error', Boolean(view.error));
  if (!data) {
    fill(els.list);
    fill(els.pager);
    return;
  }
  fill(els.list,
    view.area === UNKNOWN ? el('li', { class: 'hint wide', text: t('reportsUnknownHint') }) : null,
    ...(data.groups.length ? data.groups.map(groupCard) : [el('li', { class: 'hint wide', 'data-testid': 'reports-empty', text: t('reportsEmpty') })]),
  );
  renderPager(data);
}

function renderPager(data) {
  if (data.total <= data.limit) {
    fill(els.pager);
    return;
  }
  const from = data.offset + 1;
  const to = Math.min(data.offset + data.groups.length, data.total);
  const go = (offset) => () => {
    view.offset = offset;
    void loadReports();
  };
  fill(els.pager,
    el('button', { type: 'button', class: 'secondary small', 'data-testid': 'reports-prev', disabled: data.offset === 0, text: t('reportsPrev'), onclick: go(Math.max(0, data.offset - data.limit)) }),
    el('span', { class: 'c-meta', text: t('reportsPage')(num(from), num(to), num(data.total)) }),
    el('button', { type: 'button', class: 'secondary small', 'data-testid': 'reports-next', disabled: to >= data.total, text: t('reportsNext'), onclick: go(data.offset + data.limit) }));
}

/** `25/11`: a day of the chart. */
function shortDay(iso) {
  const [, m, d] = iso.split('-');
  return `${d}/${m}`;
}

/** Reports per day as small bars, with each day's count for screen readers and on hover. */
function dayChart(days) {
  const max = Math.max(1, ...days.map((d) => d.count));
  const width = days.length * (CHART.bar + CHART.gap);
  const label = t('reportsChart')(days.map((d) => `${shortDay(d.day)} ${d.count}`).join(', '));
  return svg('svg', { class: 'day-chart', viewBox: `0 0 ${width} ${CHART.height}`, width, height: CHART.height, role: 'img', 'aria-label': label, 'data-testid': 'report-chart' },
    ...days.map((d, i) => {
      const h = d.count ? Math.max(3, Math.round((d.count / max) * (CHART.height - 2))) : 1;
      return svg('rect', { class: d.count ? 'day-bar' : 'day-none', x: i * (CHART.bar + CHART.gap), y: CHART.height - h, width: CHART.bar, height: h, 'data-count': d.count },
        svg('title', {}, t('reportsDay')(shortDay(d.day), d.count)));
    }));
}

function countChip(label, value, testid) {
  return el('div', { class: 'chip', 'data-testid': testid }, el('span', { class: 'chip-n', text: num(value) }), el('span', { class: 'chip-l', text: label }));
}

function groupCard(g) {
  const signs = g.signals.slice(0, SIGNS_SHOWN);
  return el('li', { class: 'card report', 'data-testid': 'report-group', 'data-id': g.id },
    el('div', { class: 'row-between' },
      el('span', {},
        el('span', { class: `badge risk-${g.risk}`, 'data-testid': 'report-risk', text: t('reportsRisk')[g.risk] ?? g.risk }),
        g.scamType ? el('span', { class: 'c-meta scam-type', 'data-testid': 'report-type', text: scamName(g.scamType) }) : null),
      el('span', { class: 'c-meta', text: t('reportsSeen')(relative(g.firstSeen), relative(g.lastSeen)) })),
    el('div', { class: 'chips' },
      countChip(t('reports24h'), g.counts.last24h, 'report-24h'),
      countChip(t('reports7d'), g.counts.last7d, 'report-7d'),
      countChip(t('reportsTotal'), g.counts.total, 'report-total'),
      dayChart(g.days)),
    el('p', { class: 'c-text sample', 'data-testid': 'report-sample', text: g.sample }),
    signs.length
      ? el('div', {}, el('p', { class: 'c-meta', text: t('reportsSigns') }),
        el('ul', { class: 'signs', 'data-testid': 'report-signs' }, ...signs.map((s) => el('li', { text: loc(s.reason) }))),
        g.signals.length > SIGNS_SHOWN ? el('p', { class: 'c-meta', text: t('reportsMoreSigns')(g.signals.length - SIGNS_SHOWN) }) : null)
      : null,
    g.domains.length
      ? el('p', { class: 'c-meta' }, `${t('reportsDomains')}: `, ...g.domains.flatMap((d, i) => [i ? ', ' : '', el('code', { 'data-testid': 'report-domain', text: d })]))
      : null,
    ...g.alerts.map((a) => el('p', { class: 'notice linked', 'data-testid': 'report-linked' },
      `${t('reportsLinked')(a.byName, relative(a.at))} `,
      el('button', { type: 'button', class: 'plain', text: t('reportsOpenAlert'), onclick: () => void openDetail(a.alertId) }))),
    el('details', { class: 'recent', ontoggle: (e) => e.currentTarget.open && void loadRecent(g, e.currentTarget) },
      el('summary', { text: t('reportsRecent') }),
      el('ol', { class: 'recent-list', 'data-testid': 'report-recent' })),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'primary small', 'data-testid': 'report-draft', text: t('reportsDraft'), onclick: (e) => void makeDraft(g, e.currentTarget) })),
    el('p', { class: 'error', role: 'alert', 'data-testid': 'report-error', hidden: true }));
}

async function loadRecent(g, details) {
  const list = details.querySelector('ol');
  fill(list, el('li', { class: 'hint', text: t('reportsLoading') }));
  try {
    const json = await call('GET', `/reports/groups/${encodeURIComponent(g.id)}`);
    const recent = json?.group?.recent ?? [];
    fill(list, ...(recent.length
      ? recent.map((r) => el('li', {}, el('span', { class: 'c-meta', text: relative(r.at) }), el('span', { class: 'c-text', text: r.text })))
      : [el('li', { class: 'hint', text: t('reportsRecentEmpty') })]));
  } catch (err) {
    if (!err.handled) fill(list, el('li', { class: 'error', text: `${t('loadFailed')}: ${errorText(err)}` }));
  }
}

async function makeDraft(g, button) {
  const card = button.closest('[data-testid="report-group"]');
  const error = card?.querySelector('[data-testid="report-error"]');
  if (error) error.hidden = true;
  button.disabled = true;
  button.textContent = t('reportsDrafting');
  try {
    const json = await call('POST', `/reports/groups/${encodeURIComponent(g.id)}/draft-alert`);
    view.data = null;
    editDraft(json.alert);
    say($('compose-status'), 'reportsDraftMade');
  } catch (err) {
    if (!err.handled && error) {
      error.textContent = `${t('reportsDraftFailed')}: ${errorText(err)}`;
      error.hidden = false;
    }
  } finally {
    button.disabled = false;
    button.textContent = t('reportsDraft');
  }
}
