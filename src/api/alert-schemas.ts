/**
 * The shapes of the alert operations (src/api/alerts.ts). Request bodies come from the alert schema
 * itself (src/broadcast/alert.ts); these are the answers, as the API shows them (ISO dates, names
 * for display, what the caller may do next).
 */
import { z } from 'zod';
import { AccountId, AreaRef } from '../accounts/schema.js';
import { ALERT_COUNTERS } from '../broadcast/contract.js';
import { AlertId, AlertMatch, AlertStatus, AlertText, Audience, ImageType } from '../broadcast/alert.js';
import { BANK_SCAM_TYPES } from '../flows/schema.js';

export const AlertParams = z.object({ id: AlertId }).strict();

export const AlertListQuery = z.object({
  status: AlertStatus.optional().describe('Only alerts in this state (e.g. pending_approval: the approval queue).'),
});

export const AuditView = z
  .object({
    at: z.iso.datetime(),
    by: z.string().describe('An account id, or "system" for the workers.'),
    byName: z.string(),
    action: z.string().describe('created, edited, submitted, approved, sending, done, cancelled, batch_failed'),
    from: AlertStatus.optional(),
    to: AlertStatus.optional(),
    note: z.string().optional(),
  })
  .strict();

export const AlertView = z
  .object({
    id: AlertId,
    status: AlertStatus,
    createdBy: AccountId,
    createdByName: z.string(),
    fromName: z.string().describe('Who residents are told it comes from: "UBND Xã Lũng Cú".'),
    text: AlertText,
    image: z.object({ type: ImageType, bytes: z.number().int() }).strict().optional(),
    imagePath: z.string().optional().describe('alerts/<id>/image, relative to the bot\'s public address (what the platforms fetch).'),
    imageUrl: z.string().optional(),
    scamType: z.enum(BANK_SCAM_TYPES).optional(),
    lessonId: z.string().optional(),
    match: AlertMatch.optional().describe('What residents\' scam checks recognise as this alert\'s wave.'),
    audience: Audience,
    audienceName: z.string().describe('The audience\'s area for display.'),
    scheduledAt: z.iso.datetime().optional(),
    approvals: z.array(z.object({ by: AccountId, byName: z.string(), at: z.iso.datetime() }).strict()),
    submittedAudience: z.number().int().optional().describe('Residents counted when it was submitted.'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    may: z
      .object({ edit: z.boolean(), submit: z.boolean(), approve: z.boolean(), cancel: z.boolean() })
      .strict()
      .describe('What the caller may do with it now.'),
  })
  .strict();
export type AlertView = z.infer<typeof AlertView>;

export const AlertDetail = AlertView.extend({ audit: z.array(AuditView).describe('Every transition, oldest first.') });
export const AlertResponse = z.object({ alert: AlertDetail }).strict();
export const AlertList = z.object({ alerts: z.array(AlertView).describe('Newest first.') }).strict();

const ChannelEstimate = z
  .object({
    audience: z.number().int(),
    reachableNow: z.number().int(),
    notReachableNow: z.number().int(),
    notReachableWhy: z.record(z.string(), z.number().int()).describe('window-closed, never-wrote, unreachable, not-connected (this server has no credentials for the channel)'),
    charged: z.number().int().optional().describe('Zalo: reachable but charged (48 h – 7 days since their last message).'),
  })
  .strict();

export const EstimateView = z
  .object({
    total: z.number().int().describe('Residents the alert would go to.'),
    reachableNow: z.number().int(),
    notReachableNow: z.number().int().describe('The platforms\' rules do not let us write to them now; they are not sent to.'),
    channels: z.object({ messenger: ChannelEstimate, zalo: ChannelEstimate, web: ChannelEstimate.describe('The web chat (its mailbox): everyone who used it in the last 30 days.') }).strict(),
    alertsOff: z.number().int().describe('Residents of the area left out because they turned alerts off.'),
    areaResidents: z.number().int(),
    exact: z.boolean().describe('false: estimated from a random sample of sampleSize residents.'),
    sampleSize: z.number().int(),
    margin: z.number().int().describe('± residents on each count at 95 % confidence (0 when exact).'),
    approvalThreshold: z.number().int(),
    needsApproval: z.boolean(),
  })
  .strict();

export const EstimateBody = z.object({ audience: Audience }).strict();

export const ProgressView = z
  .object({
    id: AlertId,
    status: AlertStatus,
    planned: z.boolean().describe('The whole audience has been gone through.'),
    audience: z.number().int().describe('Residents of the audience found so far.'),
    queued: z.number().int().describe('Residents whose inbox got the alert.'),
    notReachableNow: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    unreachable: z.number().int(),
    skipped: z.number().int().describe('Not shown: cancelled meanwhile, or alerts turned off.'),
    inFlight: z.number().int().describe('Queued and not yet sent, failed, unreachable or skipped.'),
    batches: z.object({ planned: z.number().int(), finished: z.number().int(), failed: z.number().int() }).strict(),
  })
  .strict();

export const ResultsView = z
  .object({
    ...Object.fromEntries(ALERT_COUNTERS.map((c) => [c, z.number().int()])),
    queued: z.number().int(),
    audience: z.number().int(),
    recognisedShare: z.number().nullable().describe('recognised / (recognised + missed) among answers to the attached quiz.'),
  })
  .strict();

export const RecognitionQuery = z.object({
  area: z
    .string()
    .regex(/^[0-9]{2,5}(\/[0-9]{0,5}){0,2}$/, 'an area as codes with slashes: 01, 01/00004 or 02/026/00715')
    .optional()
    .describe('Default: your own area.'),
});

export const RecognitionView = z
  .object({
    area: AreaRef,
    areaName: z.string(),
    areaResidents: z.number().int(),
    exact: z.boolean().describe('false: from a random sample of sampleSize residents.'),
    sampleSize: z.number().int(),
    byScamType: z.array(
      z
        .object({
          scamType: z.enum(BANK_SCAM_TYPES),
          residents: z.number().int().describe('Residents who answered at least one question of this type.'),
          answers: z.number().int(),
          right: z.number().int(),
          share: z.number().nullable().describe('right / answers'),
          margin: z.number().describe('± on share at 95 % when sampled (approximate), else 0.'),
        })
        .strict(),
    ),
  })
  .strict();
