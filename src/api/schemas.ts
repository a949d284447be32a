/**
 * The shapes the admin API accepts and answers, as zod schemas. The account shapes come from
 * src/accounts/schema.ts and the coach view from src/coaching/coach-view.ts; these are the rest.
 * The OpenAPI document is generated from them (bodies as input, responses as output).
 */
import { z } from 'zod';
import { AccountId, AreaRef, PublicAccount } from '../accounts/schema.js';
import { LinkResidents } from '../coaching/coach-view.js';
import { LinkCode } from '../coaching/link.js';
import { AddressForm } from '../engine/address.js';
import { LocaleSchema, SKILL_TAGS } from '../flows/schema.js';

export const ErrorBody = z
  .object({
    error: z
      .object({
        code: z.string().describe('Stable, for programs: "unauthenticated", "invalid_request", "unknown_lesson", …'),
        message: z.string().describe('For people: what went wrong and what to do.'),
        details: z.unknown().optional(),
      })
      .strict(),
  })
  .strict();

/** A time in the API's answers (`z.iso.datetime()`): epoch milliseconds as ISO 8601, UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** A text in Vietnamese and, where there is one, English. */
export const Text = z.object({ vi: z.string(), en: z.string().optional() }).strict();

export const AccountView = PublicAccount.extend({
  areaName: z.string().describe('The area for display, most precise first: "Phường Ba Đình, Thành phố Hà Nội".'),
});
export type AccountView = z.infer<typeof AccountView>;

export const AccountResponse = z.object({ account: AccountView }).strict();
/** A district or commune inside an account's area, as the deployment's list (AREAS_FILE) names it. */
export const AreaWithin = z
  .object({
    area: AreaRef,
    name: z.string().describe('As in the list, without its parents: "Xã Lũng Cú".'),
    kind: z.enum(['district', 'commune']),
  })
  .strict();
export type AreaWithin = z.infer<typeof AreaWithin>;
export const MeResponse = z
  .object({
    account: AccountView,
    areas: z
      .array(AreaWithin)
      .describe('The districts and communes inside the account\'s area, in the list\'s order (a district before its communes): what an official may narrow an alert\'s audience to. Empty for a commune\'s account.'),
  })
  .strict();
export const AccountWithToken = z
  .object({
    account: AccountView,
    token: z.string().describe('The bearer token, shown this once: only its hash is stored.'),
  })
  .strict();
export const AccountList = z.object({ accounts: z.array(AccountView) }).strict();
export const AccountParams = z.object({ id: AccountId }).strict();

export const Lesson = z
  .object({
    id: z.string(),
    title: Text,
    summary: Text,
    tags: z.array(z.enum(SKILL_TAGS)),
  })
  .strict();
export const LessonList = z.object({ lessons: z.array(Lesson).describe('In menu order.') }).strict();

export const NewLink = z
  .object({
    lessonId: z.string().min(1).max(60).describe('A lesson id from GET /lessons.'),
    note: z.string().trim().max(200).optional().describe('For the coach: who it was for, or why.'),
    address: AddressForm.optional().describe('How the bot should address the resident in Vietnamese, as the coach knows them: bac, co, chu (the bot is "cháu"), anh, chi ("em") or ban ("mình"). Left out: the bot says "bạn" until the resident chooses. A choice of the resident\'s own is never overridden.'),
    expiresInDays: z.number().int().min(1).max(90).optional().describe('Default 30.'),
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,64}$/, '16–64 letters, digits, "_" or "-"')
      .optional()
      .describe('One random key per link the caller means to make, sent again with every retry of it: a repeated key answers the link it made the first time (kept 24 hours) instead of making another; the same key with another lesson, note, form of address or duration is 409 `idempotency_key_reused`.'),
  })
  .strict();
export type NewLink = z.infer<typeof NewLink>;

export const LinkView = z
  .object({
    code: LinkCode,
    lessonId: z.string(),
    lessonTitle: Text,
    note: z.string().optional(),
    address: AddressForm.optional(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    uses: z.number().int().min(0).describe('How many times a resident opened the lesson with it.'),
    revoked: z.boolean(),
    landingUrl: z.string().describe('The page to give the resident (and what the QR codes open).'),
    open: z
      .object({
        web: z.string().describe('The web chat, opening the lesson.'),
        messenger: z.string().nullable().describe('m.me link with the code as `ref`; null when MESSENGER_PAGE_NAME is not set.'),
        zalo: z
          .object({
            url: z.string().nullable().describe('The Official Account; null when ZALO_OA_ID is not set.'),
            instruction: z.object({ vi: z.string(), en: z.string() }).strict().describe('Zalo has no deep link for OAs: the resident sends the code.'),
          })
          .strict(),
      })
      .strict(),
    qr: z
      .object({
        svg: z.string().describe('The QR code as SVG: opens landingUrl.'),
        png: z.string().describe('The same as PNG, at least 512 px wide (for printing).'),
        inlineSvg: z.string().optional().describe('POST /links only: the SVG itself, so that a page can show the QR code without fetching it (the connection may drop right after).'),
      })
      .strict(),
    residents: LinkResidents.optional().describe('GET /links to a coach or an admin: how the residents this link brought are doing with its lesson (those who did not agree to be followed only counted).'),
  })
  .strict();
export type LinkView = z.infer<typeof LinkView>;

export const LinkList = z.object({ links: z.array(LinkView).describe('Newest first.') }).strict();
export const LinkParams = z.object({ code: LinkCode }).strict();

export const LangQuery = z.object({ lang: LocaleSchema.default('vi').describe('Language of lesson titles and resident labels.') });

/** The OpenAPI document itself. */
export const OpenApiDocument = z.record(z.string(), z.unknown());
