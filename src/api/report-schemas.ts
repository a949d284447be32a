/**
 * The shapes of the report operations (src/api/reports.ts): residents' reports of suspicious
 * messages, grouped by likeness, as officials see them (masked texts, counts, ISO dates).
 */
import { z } from 'zod';
import { AccountId, AreaRef } from '../accounts/schema.js';
import { AlertId } from '../broadcast/alert.js';
import { AlertView } from './alert-schemas.js';

export const ReportGroupId = z
  .string()
  .regex(/^(?:[0-9]{2,5}|unknown)-[0-9]{1,9}$/, 'a report group id such as 01-17 (or unknown-3)');

export const ReportGroupParams = z.object({ id: ReportGroupId }).strict();

const AreaQuery = z
  .string()
  .regex(/^(?:unknown|[0-9]{2,5}(\/[0-9]{0,5}){0,2})$/, 'an area as codes with slashes (01, 01/00004, 02/026/00715), or unknown')
  .optional()
  .describe('Default: your own area. A part of it by its codes; or `unknown`: reports of residents who never gave their commune, which every official may see.');

export const ReportListQuery = z.object({
  area: AreaQuery,
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Groups per page (at most 100).'),
  offset: z.coerce.number().int().min(0).max(10_000).default(0).describe('Groups to skip.'),
});

export const ReportAreaQuery = z.object({ area: AreaQuery });

const Counts = z
  .object({
    last24h: z.number().int().describe('Reports in your area in the last 24 hours.'),
    last7d: z.number().int().describe('In the last 7 days (Vietnam time, today included).'),
    total: z.number().int().describe('Ever.'),
  })
  .strict();

export const ReportGroupView = z
  .object({
    id: ReportGroupId,
    sample: z.string().describe('The first report\'s message, masked: phone, account, card and ID numbers, emails, OTP codes and names replaced by [SĐT], [STK], [CCCD], [email], [mã], [tên].'),
    risk: z.enum(['high', 'medium', 'low']).describe('The highest risk the checker gave a report of the group.'),
    scamType: z.string().optional().describe('The checker\'s guess at the scam type.'),
    signals: z
      .array(z.object({ id: z.string(), reason: z.object({ vi: z.string(), en: z.string() }).strict() }).strict())
      .describe('The warning signs the checker found in the group\'s reports.'),
    domains: z.array(z.string()).describe('Hosts of the links in the reports that are not official addresses.'),
    phrases: z.array(z.string()).describe('Words the checker quoted, offered as an alert\'s match phrases.'),
    counts: Counts,
    days: z.array(z.object({ day: z.iso.date(), count: z.number().int() }).strict()).describe('Reports per day in your area, the last 14 days, oldest first.'),
    firstSeen: z.iso.datetime().describe('First report in your area.'),
    lastSeen: z.iso.datetime().describe('Last report in your area.'),
    alerts: z
      .array(z.object({ alertId: AlertId, by: AccountId, byName: z.string(), at: z.iso.datetime() }).strict())
      .describe('Draft alerts made from this group, oldest first.'),
  })
  .strict();
export type ReportGroupView = z.infer<typeof ReportGroupView>;

export const ReportGroupList = z
  .object({
    area: AreaRef.nullable().describe('The area looked at; null for the pool of unknown areas.'),
    areaName: z.string(),
    total: z.number().int().describe('Groups reported in the area in the last 30 days.'),
    offset: z.number().int(),
    limit: z.number().int(),
    groups: z.array(ReportGroupView).describe('Most reported in the last 24 hours first, then in the last 7 days, then the most recent.'),
  })
  .strict();

export const ReportGroupDetail = z
  .object({
    group: ReportGroupView.extend({
      recent: z.array(z.object({ at: z.iso.datetime(), text: z.string() }).strict()).describe('The latest reports in your area, masked, newest first (at most 10).'),
      provinceCount: z.number().int().describe('Reports of this group in the whole province (or in the pool of unknown areas).'),
    }),
  })
  .strict();

export const DraftFromGroup = z
  .object({
    alert: AlertView.describe('The new draft: edit it, then submit it as any alert.'),
    group: ReportGroupView,
  })
  .strict();
