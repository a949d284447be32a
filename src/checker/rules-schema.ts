/**
 * The shape of the checker's data files in flows/checker/, one zod schema per file. Weights and
 * thresholds live in the data, not in code, so authors can tune them; these schemas keep the data
 * well-formed, and load-rules.ts adds the cross-file checks (brands exist, lessons exist, …).
 */
import { z } from 'zod';
import { BankScamTypeSchema } from '../flows/schema.js';

const LocalText = z.object({ vi: z.string().min(1), en: z.string().min(1) }).strict();

/**
 * A name shown to residents and officials, per language like the lessons' texts (src/flows/schema.ts):
 * Vietnamese required, English when it differs (`{ vi: Bảo hiểm xã hội, en: Social Insurance }`;
 * `{ vi: Vietcombank }` reads the same in both). One language per text: load-rules.ts refuses "vi / en".
 */
const LocalNameFields = z.object({ vi: z.string().trim().min(1), en: z.string().trim().min(1).optional() }).strict();
// Checked as a map first so that the old one-string form ("Bảo hiểm xã hội / Social Insurance") is told how to write it.
const LocalName = z
  .custom<unknown>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), {
    error: 'expected a name per language, e.g. { vi: Bảo hiểm xã hội, en: Social Insurance } (en only when it differs)',
  })
  .pipe(LocalNameFields);

/** A lowercase domain without scheme or `www.`. */
const Domain = z
  .string()
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]*[a-z0-9]$/, 'expected a lowercase domain like vietcombank.com.vn (no http://, no www., no path)');
const Label = z.string().regex(/^[a-z0-9-]+$/, 'expected one lowercase part of a domain, like "vn" or "com"');
const Token = z.string().regex(/^[a-z0-9]+$/, 'expected lowercase letters and digits only, as in a web address');
const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes');
const Weight = z.number().finite().min(-20).max(20);
const LessonId = Id;

// ── allowlist.yaml ──────────────────────────────────────────────────────────────────────────────
export const AllowlistFile = z
  .object({
    domains: z.array(z.object({ domain: Domain, brand: Id, note: z.string().optional() }).strict()).min(1),
  })
  .strict();
export type AllowlistFile = z.infer<typeof AllowlistFile>;

// ── brands.yaml ─────────────────────────────────────────────────────────────────────────────────
export const BrandsFile = z
  .object({
    brands: z
      .array(z.object({ id: Id, name: LocalName, type: BankScamTypeSchema.optional(), tokens: z.array(Token).min(1) }).strict())
      .min(1),
  })
  .strict();
export type BrandsFile = z.infer<typeof BrandsFile>;

// ── links.yaml ──────────────────────────────────────────────────────────────────────────────────
/** `types`: the scam types the sign points to by itself (an .apk link: a fake app), besides the imitated brand's. */
const LinkSignal = z.object({ weight: Weight, types: z.array(BankScamTypeSchema).optional(), reason: LocalText }).strict();

/** Each thing a link can show; the key in links.yaml `signals`, and the signal id it fires. */
export const LINK_SIGNAL_IDS = {
  official: 'legit.official-link',
  unknown: 'link.unknown',
  brand: 'link.lookalike.brand',
  homoglyph: 'link.lookalike.homoglyph',
  typo: 'link.lookalike.typo',
  officialPrefix: 'link.lookalike.official-prefix',
  gov: 'link.lookalike.gov',
  shortener: 'link.suspicious.shortener',
  ip: 'link.suspicious.ip',
  punycode: 'link.suspicious.punycode',
  riskyTld: 'link.suspicious.risky-tld',
  apk: 'link.suspicious.apk',
  obfuscated: 'link.suspicious.obfuscated',
  /** Not a property of one address: the message is nothing but links, and not all of them official. */
  alone: 'link.alone',
} as const;
export type LinkSignalKey = keyof typeof LINK_SIGNAL_IDS;

export const LinksFile = z
  .object({
    knownTlds: z.array(Label).min(1),
    needPathTlds: z.array(Label),
    multiLabelSuffixes: z.array(Domain),
    shorteners: z.array(Domain),
    riskyTlds: z.array(Label),
    govTokens: z.array(Token).min(1),
    homoglyphs: z.record(
      z.string().min(1).max(2, 'a homoglyph key is one or two characters'),
      z.string().regex(/^[a-z0-9]$/, 'fold to one lowercase ASCII letter or digit'),
    ),
    lookalike: z
      .object({ distance1From: z.int().min(2), distance2From: z.int().min(3), insideFrom: z.int().min(3) })
      .strict()
      .refine((l) => l.distance2From > l.distance1From, { message: 'distance2From must be larger than distance1From', path: ['distance2From'] }),
    signals: z
      .object({
        official: LinkSignal,
        unknown: LinkSignal,
        brand: LinkSignal,
        homoglyph: LinkSignal,
        typo: LinkSignal,
        officialPrefix: LinkSignal,
        gov: LinkSignal,
        shortener: LinkSignal,
        ip: LinkSignal,
        punycode: LinkSignal,
        riskyTld: LinkSignal,
        apk: LinkSignal,
        obfuscated: LinkSignal,
        alone: LinkSignal,
      })
      .strict(),
  })
  .strict();
export type LinksFile = z.infer<typeof LinksFile>;

// ── patterns.yaml ───────────────────────────────────────────────────────────────────────────────
/** `ask.otp`; the group before the dot says what kind of sign it is. */
const PatternId = z
  .string()
  .regex(/^(?:ask|threat|urgent|context|legit)\.[a-z0-9-]+$/, 'expected group.name with group one of ask, threat, urgent, context, legit (e.g. ask.otp)');
/** A sign id, or a group ending in "." (`link.`, `ask.`). */
const SignalRef = z.string().regex(/^[a-z0-9.-]+$/, 'expected a sign id like ask.otp, or a group like "link."');

export const Pattern = z
  .object({
    id: PatternId,
    weight: Weight,
    types: z.array(BankScamTypeSchema).optional(),
    negatable: z.boolean().optional(),
    notIfDone: z.boolean().optional(),
    phrases: z.array(z.string().min(1)).optional(),
    exact: z.array(z.string().min(1)).optional(),
    regex: z.array(z.string().min(1)).optional(),
    except: z.array(z.string().min(1)).optional(),
    unless: z.array(SignalRef).optional(),
    requires: z.array(SignalRef).optional(),
    reason: LocalText,
  })
  .strict()
  .refine((p) => (p.phrases?.length ?? 0) + (p.exact?.length ?? 0) + (p.regex?.length ?? 0) > 0, {
    message: 'a pattern needs at least one of phrases, exact or regex',
    path: ['phrases'],
  })
  .refine((p) => p.id.startsWith('legit.') === p.weight < 0, {
    message: 'signs of a genuine message (legit.*) need a negative weight, and only they may have one',
    path: ['weight'],
  });
export type Pattern = z.infer<typeof Pattern>;

export const PatternsFile = z
  .object({
    negation: z
      .object({
        words: z.array(z.string().min(1)).min(1),
        notAfter: z.array(z.string().min(1)),
        window: z.int().min(1).max(10),
        conditional: z.array(z.string().min(1)).optional(),
      })
      .strict(),
    done: z
      .object({
        before: z.array(z.string().min(1)),
        window: z.int().min(1).max(10),
        after: z.array(z.string().min(1)),
        particles: z.array(z.string().min(1)),
      })
      .strict()
      .optional(),
    patterns: z.array(Pattern).min(1),
  })
  .strict();
export type PatternsFile = z.infer<typeof PatternsFile>;

// ── genuine.yaml ────────────────────────────────────────────────────────────────────────────────
/** Signs of a genuine message (legit.*), kept apart from the warning signs so each file stays readable. */
export const GenuineFile = z.object({ patterns: z.array(Pattern).min(1) }).strict();
export type GenuineFile = z.infer<typeof GenuineFile>;

// ── verdict.yaml ────────────────────────────────────────────────────────────────────────────────
export const VerdictFile = z
  .object({
    thresholds: z
      .object({ medium: z.number().finite(), high: z.number().finite() })
      .strict()
      .refine((t) => t.high > t.medium, { message: 'high must be above medium', path: ['high'] }),
    alerts: z.object({ weight: Weight.min(0), keywordShare: z.number().gt(0).max(1), reason: LocalText }).strict(),
    fallbackLesson: z.object({ withLink: LessonId, otherwise: LessonId }).strict(),
    types: z.record(BankScamTypeSchema, z.object({ lesson: LessonId, advice: LocalText }).strict()),
    advice: z.object({ high: LocalText, medium: LocalText, low: LocalText }).strict(),
  })
  .strict();
export type VerdictFile = z.infer<typeof VerdictFile>;
