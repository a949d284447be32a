/**
 * Residents' reports of suspicious messages, for officials: the groups reported in their area (by
 * likeness, with counts over time), one group, and "make a draft alert from this group". Only
 * officials and admins, each within their own area; the pool of reports from residents who gave no
 * commune (`?area=unknown`) is open to all of them. The grouping itself is in src/reports/store.ts.
 */
import type { Request } from 'express';
import { type Account, type AreaRef } from '../accounts/schema.js';
import { AlertMatch, NewAlert } from '../broadcast/alert.js';
import { BankScamTypeSchema } from '../flows/schema.js';
import { provinceOfGroup, scopeOf, UNKNOWN_AREA, type GroupSummary, type ReportScope, type ReportStore } from '../reports/store.js';
import { alertView, broadcast, refused } from './alerts.js';
import { areaWithin } from './area-param.js';
import { DraftFromGroup, ReportAreaQuery, ReportGroupDetail, ReportGroupList, ReportGroupParams, ReportListQuery, type ReportGroupView } from './report-schemas.js';
import { ApiError, route, type ApiDeps } from './route.js';
import { iso } from './schemas.js';

const REPORT_ROLES = ['official', 'admin'] as const;
const ALERT_TEXT_MAX = 1000;
const DRAFT_PHRASES = 4;

function reports(deps: ApiDeps): ReportStore {
  if (!deps.reports) throw new ApiError(503, 'reports_unavailable', 'Reports are not available on this server.');
  return deps.reports;
}

/** The area looked at: the account's own, a part of it, or the pool of unknown areas (`undefined`). */
function areaAsked(account: Account, area: string | undefined, deps: ApiDeps): AreaRef | undefined {
  if (area === UNKNOWN_AREA) return undefined;
  return area ? areaWithin(account, area, deps) : account.area;
}

function areaName(area: AreaRef | undefined, deps: ApiDeps): string {
  return area ? deps.areas.describeArea(area) : 'unknown';
}

/** The scope for one group: its own pool for an unknown-area group, else the asked area in the group's province. */
function scopeForGroup(account: Account, id: string, area: string | undefined, deps: ApiDeps): ReportScope {
  const province = provinceOfGroup(id);
  if (province === UNKNOWN_AREA) return scopeOf(undefined);
  const asked = areaAsked(account, area === UNKNOWN_AREA ? undefined : area, deps)!;
  if (asked.province !== province) {
    throw new ApiError(403, 'out_of_area', `Report group ${id} is outside your area (${deps.areas.describeArea(account.area)}).`);
  }
  return scopeOf(asked);
}

export function groupView(g: GroupSummary): ReportGroupView {
  return {
    id: g.id,
    sample: g.sample,
    risk: g.risk,
    ...(g.scamType ? { scamType: g.scamType } : {}),
    signals: g.signals.map((s) => ({ id: s.id, reason: { vi: s.vi, en: s.en } })),
    domains: g.domains,
    phrases: g.phrases,
    counts: g.counts,
    days: g.days,
    firstSeen: iso(g.firstSeen),
    lastSeen: iso(g.lastSeen),
    alerts: g.alerts.map((a) => ({ alertId: a.alertId, by: a.by, byName: a.byName, at: iso(a.at) })),
  };
}

/** The draft's words: the warning around the reported message, cut to fit an alert. */
export function draftText(sample: string, locale: 'vi' | 'en'): string {
  const [lead, tail] =
    locale === 'vi'
      ? ['⚠️ Cảnh báo lừa đảo: nhiều người dân nhận được tin nhắn như sau:\n«', '»\nĐây là tin lừa đảo. Đừng bấm link, đừng gọi lại, đừng chuyển tiền hay đọc mã OTP cho ai. Nếu đã lỡ làm theo, hãy báo ngay cho công an xã.']
      : ['⚠️ Scam alert: many residents got a message like this:\n“', '”\nIt is a scam. Don\'t tap the link, call back, send money or read out an OTP code to anyone. If you already did, tell the commune police at once.'];
  const room = ALERT_TEXT_MAX - lead.length - tail.length;
  const body = sample.length > room ? `${sample.slice(0, room - 1).trimEnd()}…` : sample;
  return `${lead}${body}${tail}`;
}

/** The group's domains and words, as far as an alert accepts them. */
function draftMatch(g: GroupSummary): AlertMatch | undefined {
  const domains = g.domains.filter((d) => AlertMatch.safeParse({ domains: [d] }).success).slice(0, 10);
  const phrases = g.phrases.filter((p) => AlertMatch.safeParse({ phrases: [p] }).success).slice(0, DRAFT_PHRASES);
  if (domains.length + phrases.length === 0) return undefined;
  return AlertMatch.parse({ domains, phrases });
}

const listGroups = route({
  method: 'get', path: '/reports/groups', operationId: 'listReportGroups', tag: 'reports',
  summary: 'Residents\' reports of suspicious messages in your area, grouped by likeness, most reported in the last 24 hours first',
  description:
    'Groups reported in the area in the last 30 days. Each group has a masked sample, the checker\'s signs and risk, the domains found, ' +
    'counts for your area (last 24 hours, last 7 days, total) and reports per day for the last 14 days. ' +
    '`?area=unknown` lists the reports of residents who never gave their commune (open to every official).',
  roles: REPORT_ROLES, query: ReportListQuery, response: ReportGroupList, status: 200, errors: [403, 503],
  handle: async ({ account, query, deps }) => {
    const area = areaAsked(account, query.area, deps);
    const page = await reports(deps).list(scopeOf(area), { limit: query.limit, offset: query.offset });
    return { area: area ?? null, areaName: areaName(area, deps), total: page.total, offset: query.offset, limit: query.limit, groups: page.groups.map(groupView) };
  },
});

const getGroup = route({
  method: 'get', path: '/reports/groups/{id}', operationId: 'getReportGroup', tag: 'reports',
  summary: 'One group of reports: counts in your area, the latest masked reports, the drafts made from it',
  roles: REPORT_ROLES, params: ReportGroupParams, query: ReportAreaQuery, response: ReportGroupDetail, status: 200, errors: [403, 404, 503],
  handle: async ({ account, params, query, deps }) => {
    const group = await findGroup(reports(deps), account, params.id, query.area, deps);
    return { group: { ...groupView(group), recent: group.recent.map((r) => ({ at: iso(r.at), text: r.text })), provinceCount: group.provinceCount } };
  },
});

async function findGroup(store: ReportStore, account: Account, id: string, area: string | undefined, deps: ApiDeps) {
  const group = await store.get(scopeForGroup(account, id, area, deps), id);
  if (!group) throw new ApiError(404, 'report_group_not_found', `No reports of group ${id} in your area.`);
  return group;
}

async function createDraft(account: Account, id: string, area: string | undefined, req: Request, deps: ApiDeps) {
  const store = reports(deps);
  const group = await findGroup(store, account, id, area, deps);
  const scamType = BankScamTypeSchema.safeParse(group.scamType);
  const match = draftMatch(group);
  const body = NewAlert.parse({
    text: { vi: draftText(group.sample, 'vi'), en: draftText(group.sample, 'en') },
    audience: { area: account.area },
    ...(scamType.success && deps.flows.bankTypes.has(scamType.data) ? { scamType: scamType.data } : {}),
    ...(match ? { match } : {}),
  });
  const alert = await refused(() => broadcast(deps).create(account, body));
  const link = { alertId: alert.id, by: account.id, byName: account.name, at: alert.createdAt };
  await store.linkAlert(id, link);
  return { alert: alertView(alert, account, req, deps), group: groupView({ ...group, alerts: [...group.alerts, link] }) };
}

const draftFromGroup = route({
  method: 'post', path: '/reports/groups/{id}/draft-alert', operationId: 'draftAlertFromReports', tag: 'reports',
  summary: 'Make a draft alert from a group of reports, for your area',
  description:
    'The draft warns about the group\'s (masked) sample message, practises its scam type when the quiz bank has it, and recognises the wave in ' +
    'residents\' checks by the group\'s domains and quoted words (`match`) once sent. Nothing is sent: edit the draft, then submit it as any alert. ' +
    'The group lists the drafts made from it.',
  roles: REPORT_ROLES, params: ReportGroupParams, query: ReportAreaQuery, response: DraftFromGroup, status: 201, errors: [403, 404, 503],
  handle: async ({ account, params, query, req, deps }) => createDraft(account, params.id, query.area, req, deps),
});

export const reportRoutes = [listGroups, getGroup, draftFromGroup];
