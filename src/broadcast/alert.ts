/**
 * An official's scam alert, as stored (`keys.alert(id)`, JSON) and as the API accepts it. One zod
 * schema per shape; the store, the API, the OpenAPI document and the workers all use these.
 *
 * Lifecycle: draft → (submit) pending_approval → (approve) scheduled | sending → done, or cancelled
 * from any state before done. Small alerts skip pending_approval. Every transition is appended to the
 * alert's audit stream.
 *
 * @example
 * const alert = Alert.parse(JSON.parse(await redis.get(keys.alert(id))));
 * if (alert.status === 'sending') …
 */
import { z } from 'zod';
import { AccountId, AreaRef } from '../accounts/schema.js';
import { BankScamTypeSchema, LocaleSchema } from '../flows/schema.js';
import { PUSH_CHANNELS } from '../channels/window.js';

export const ALERT_STATUSES = ['draft', 'pending_approval', 'scheduled', 'sending', 'done', 'cancelled'] as const;
export const AlertStatus = z.enum(ALERT_STATUSES);
export type AlertStatus = z.infer<typeof AlertStatus>;

/** States in which the alert may still be cancelled. */
export const CANCELLABLE: ReadonlySet<AlertStatus> = new Set(['draft', 'pending_approval', 'scheduled', 'sending']);

export const AlertId = z.string().regex(/^[a-z0-9]{12}$/, 'an alert id: 12 lowercase letters and digits');

/** The channels an alert can go out on: the ones the bot may write to first (channels/window.ts). */
export { PUSH_CHANNELS };
export const PushChannel = z.enum(PUSH_CHANNELS);
export type PushChannel = z.infer<typeof PushChannel>;

const lessonRef = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lesson id from GET /lessons').max(60);

/**
 * Who receives it: the residents of `area` (which must lie in the sender's own area), narrowed by
 * the other fields when given. Residents who turned alerts off are never included.
 */
export const Audience = z
  .object({
    area: AreaRef.describe('A province, district or commune inside your own area.'),
    finished: lessonRef.optional().describe('Only residents who finished this lesson.'),
    notFinished: lessonRef.optional().describe('Only residents who have not finished this lesson.'),
    locale: LocaleSchema.optional().describe('Only residents who chose this language.'),
    channel: PushChannel.optional().describe('Only residents on this channel.'),
  })
  .strict();
export type Audience = z.infer<typeof Audience>;

export const AlertText = z
  .object({
    vi: z.string().trim().min(1, 'write the alert in Vietnamese').max(1000, 'at most 1,000 characters'),
    en: z.string().trim().min(1).max(1000, 'at most 1,000 characters').optional(),
  })
  .strict();

/** A domain as officials type it ("https://www.Vcb-Secure.example/login" → "vcb-secure.example"). */
const MatchDomain = z
  .string()
  .transform((d) => d.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/[/?#].*$/, '').replace(/^www\./, '').replace(/\.$/, ''))
  .pipe(
    z
      .string()
      .max(253, 'a domain of at most 253 characters')
      .regex(/^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}[\p{L}\p{N}-]{1,62}$/u, 'a domain such as vcb-secure.example'),
  );

/** A phrase of the scam wave, compared without diacritics or case ("tạm khoá" also finds "tam khoa"). */
const MatchPhrase = z
  .string()
  .trim()
  .min(2, 'a phrase of at least 2 characters')
  .max(60, 'a phrase of at most 60 characters')
  .refine((p) => /[\p{L}\p{N}]/u.test(p), 'a phrase with letters or digits');

/**
 * What makes a resident's "Is this a scam?" check recognise this alert's wave: a link on one of the
 * `domains` (or a subdomain), or at least half of the `phrases` (one at least).
 */
export const AlertMatch = z
  .object({
    domains: z.array(MatchDomain).max(10, 'at most 10 domains').default([]).describe('Domains the scam uses; a link on one of them (or a subdomain) matches.'),
    phrases: z.array(MatchPhrase).max(10, 'at most 10 phrases').default([]).describe('Words of the scam message; at least half of them must appear (compared without diacritics).'),
  })
  .strict();
export type AlertMatch = z.infer<typeof AlertMatch>;

export const ImageType = z.enum(['image/png', 'image/jpeg']);
export type ImageType = z.infer<typeof ImageType>;

/** What the alert keeps of its picture (the bytes are in `keys.alertImage(id)`). */
export const StoredImage = z
  .object({ type: ImageType, bytes: z.number().int().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
  .strict();
export type StoredImage = z.infer<typeof StoredImage>;

export const Approval = z.object({ by: AccountId, byName: z.string(), at: z.number().int() }).strict();

export const Alert = z
  .object({
    id: AlertId,
    /** Optimistic-concurrency counter: every write checks and raises it (see store.ts). */
    rev: z.number().int().min(1),
    createdBy: AccountId,
    createdByName: z.string(),
    /** Who residents are told it comes from: "UBND Xã Lũng Cú". */
    fromName: z.string(),
    text: AlertText,
    image: StoredImage.optional(),
    scamType: BankScamTypeSchema.optional(),
    lessonId: lessonRef.optional(),
    /** What residents' scam checks recognise as this alert's wave. */
    match: AlertMatch.optional(),
    audience: Audience,
    status: AlertStatus,
    /** ms; when sending starts (absent: at once). */
    scheduledAt: z.number().int().optional(),
    approvals: z.array(Approval),
    /** The audience size measured when it was submitted (what the approval threshold was compared with). */
    submittedAudience: z.number().int().min(0).optional(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .strict();
export type Alert = z.infer<typeof Alert>;

/** One line of the audit log. `by` is an account id, or `system` for the workers. */
export interface AuditEntry {
  at: number;
  by: string;
  byName: string;
  action: string;
  from?: AlertStatus | undefined;
  to?: AlertStatus | undefined;
  note?: string | undefined;
}

/**
 * A picture as the API takes it: base64 (or a `data:image/png;base64,…` URL), PNG or JPEG, at most
 * 1 MB once decoded. The type is read from the bytes themselves.
 */
export const ImageUpload = z
  .string()
  .max(1_500_000, 'a picture of at most 1 MB (base64)')
  .describe('PNG or JPEG, at most 1 MB, as base64 or a data: URL.');

const alertFields = {
  text: AlertText,
  image: ImageUpload.optional(),
  scamType: BankScamTypeSchema.optional().describe('"Would you recognise it?": practise the quiz items of this scam type.'),
  lessonId: lessonRef.optional().describe('Or: open this lesson.'),
  match: AlertMatch.optional().describe('What residents\' scam checks recognise as this wave, once the alert is sent (for 30 days).'),
  audience: Audience,
  scheduledAt: z.iso.datetime({ offset: true }).optional().describe('When to start sending (ISO 8601); at once when left out.'),
};

const oneTryThis = (a: { scamType?: unknown; lessonId?: unknown }) => a.scamType == null || a.lessonId == null;
const oneTryThisIssue = { message: 'give scamType or lessonId, not both', path: ['lessonId'] };

export const NewAlert = z.object(alertFields).strict().refine(oneTryThis, oneTryThisIssue);
export type NewAlert = z.infer<typeof NewAlert>;

/** Changes to a draft: fields left out stay; `null` removes an optional one. */
export const AlertPatch = z
  .object({
    text: AlertText.optional(),
    image: ImageUpload.nullable().optional(),
    scamType: BankScamTypeSchema.nullable().optional(),
    lessonId: lessonRef.nullable().optional(),
    match: AlertMatch.nullable().optional(),
    audience: Audience.optional(),
    scheduledAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict()
  .refine(oneTryThis, oneTryThisIssue);
export type AlertPatch = z.infer<typeof AlertPatch>;
