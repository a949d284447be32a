/**
 * The lesson flow format: one zod schema that types the engine, validates the YAML files
 * and is exported as JSON Schema (`flows/schema.json`) for authors' editors.
 *
 * A flow is one lesson. Steps are listed in order; a step without `next` goes on to the
 * step below it, so a straight lesson needs no `next` at all.
 */
import { z } from 'zod';
import { ADDRESS_VARIABLES } from '../engine/address.js';

export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const LocaleSchema = z.enum(LOCALES);

export const SKILL_TAGS = ['smartphone', 'public-services', 'documents', 'payments', 'security'] as const;
export const SCAM_TYPES = [
  'bank', 'vneid', 'police', 'relative', 'bill', 'task', 'investment', 'loan', 'delivery',
  'prize', 'benefit', 'otp', 'app', 'account', 'romance', 'legit',
] as const;
/** The scam types a quiz-bank item can train (a genuine look-alike carries the type it resembles). */
export const BANK_SCAM_TYPES = SCAM_TYPES.filter((t): t is Exclude<(typeof SCAM_TYPES)[number], 'legit'> => t !== 'legit');
export type BankScamType = (typeof BANK_SCAM_TYPES)[number];
export const BankScamTypeSchema = z.enum(BANK_SCAM_TYPES as [BankScamType, ...BankScamType[]]);

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes, e.g. "ask-otp"')
  .max(60);

/** Text in each language, side by side. Vietnamese is required; English is expected (flows:check). */
export const LocalText = z
  .object({
    vi: z.string().min(1).describe('Vietnamese text (required). {{variables}} are filled in.'),
    en: z.string().min(1).optional().describe('English text (expected; flows:check reports it missing).'),
  })
  .strict();
export type LocalText = z.infer<typeof LocalText>;

/** Words a resident might type for an option, per language; matched without diacritics or case. */
const Synonyms = z
  .object({ vi: z.array(z.string().min(1)).optional(), en: z.array(z.string().min(1)).optional() })
  .strict();

const image = z
  .string()
  .regex(/^media\/[A-Za-z0-9._\/-]+\.(png|jpg|jpeg)$/, 'an image path like "media/lock-screen.png" (PNG or JPEG, under flows/media)')
  .describe('Picture shown with the step, relative to the flows folder.');

const next = id.describe('Id of the step to go to. Without it, the step below is next.');

const optionBase = {
  label: LocalText.describe('Button text; keep it within 20 characters (Messenger cuts longer ones).'),
  detail: LocalText.optional().describe('Longer wording, listed with numbers in the message above the buttons.'),
  synonyms: Synonyms.optional(),
  means: z.enum(['yes', 'no']).optional().describe('Accept the everyday words for yes/no ("vâng", "dạ có", "ok", "không ạ").'),
};

export const MessageStep = z
  .object({
    id,
    kind: z.literal('message'),
    text: LocalText,
    image: image.optional(),
    link: z
      .object({
        url: z.string().regex(/^https:\/\/[^\s]+$/, 'an https:// address').max(500),
        label: LocalText.describe('What the link opens, within 20 characters, e.g. "Cổng Dịch vụ công".'),
      })
      .strict()
      .optional()
      .describe('A web page to open, shown as a tappable line under the text.'),
    next: next.optional(),
    wait: z.boolean().default(true).describe('Wait for "next" before going on (default). false shows the next step at once.'),
  })
  .strict();

export const ChoiceOption = z.object({ ...optionBase, next: next.optional() }).strict();
export const ChoiceStep = z
  .object({
    id,
    kind: z.literal('choice'),
    text: LocalText,
    image: image.optional(),
    options: z.array(ChoiceOption).min(1),
    next: next.optional().describe('Where options without their own `next` go.'),
  })
  .strict();

export const QuizOption = z.object({ ...optionBase, correct: z.boolean().default(false) }).strict();
export const QuizStep = z
  .object({
    id,
    kind: z.literal('quiz'),
    text: LocalText,
    image: image.optional(),
    scamType: z.enum(SCAM_TYPES).describe('Scam type this question trains (shared/content-brief.md); "legit" for a genuine message.'),
    asks: z
      .enum(['scam', 'legit'])
      .optional()
      .describe(
        'For options that name things (Tin A, Link B) rather than give the verdict: what the right option is, "scam" for "Tin nào là lừa đảo?", "legit" for "Link nào là trang thật?". A typed answer that names an option while calling it the other ("tin thật là tin B") is then read as the other option when there are two, and asked again otherwise. Leave it out where the question is not which one ("Bạn làm gì?"): a verdict in the answer is then the reason given ("không bấm, lừa đảo đấy").',
      ),
    options: z.array(QuizOption).min(2),
    explanation: LocalText.describe('Shown after any answer: the red flags, or why it is genuine.'),
    review: z
      .boolean()
      .default(true)
      .describe(
        'Answered wrongly, the question comes back in the review days later, asked alone (default). ' +
          'Set false when it needs the lesson around it ("another message", "a few days later").',
      ),
    next: next.optional(),
  })
  .strict();

export const AnswerStep = z
  .object({
    id,
    kind: z.literal('answer'),
    text: LocalText,
    image: image.optional(),
    accept: Synonyms.describe('Accepted answers per language, compared without diacritics, case or spaces at the ends.'),
    save: z.string().regex(/^[a-z][a-zA-Z0-9]*$/).optional().describe('Keep what the resident typed as {{this}}.'),
    correct: LocalText.optional().describe('Said when the answer is accepted.'),
    retry: LocalText.describe('Said when it is not; the resident may try again or tap "skip".'),
    next: next.optional(),
  })
  .strict();

export const EndStep = z
  .object({
    id,
    kind: z.literal('end'),
    text: LocalText.describe('The recap. {{right}} and {{total}} hold the quiz score.'),
    image: image.optional(),
    suggest: z.array(id).default([]).describe('Lesson ids to learn next.'),
  })
  .strict();

export const QuizDrawStep = z
  .object({
    id,
    kind: z.literal('quiz-draw'),
    text: LocalText.describe('Said before the first question, e.g. "5 câu hỏi: tin nào lừa đảo?"'),
    image: image.optional(),
    scamTypes: z.array(BankScamTypeSchema).min(1).optional().describe('Draw only items of these scam types (all types when left out).'),
    count: z.number().int().min(1).max(20).default(5).describe('How many questions to draw from flows/quiz-bank/.'),
    next: next.optional(),
  })
  .strict()
  .describe('Questions drawn from the quiz bank: items due for review first, then ones not seen yet, never the same item twice in a row.');

export const Step = z.discriminatedUnion('kind', [MessageStep, ChoiceStep, QuizStep, AnswerStep, EndStep, QuizDrawStep]);
export type Step = z.infer<typeof Step>;
export type StepKind = Step['kind'];

/** A lesson a resident's own words open from anywhere, e.g. "bị lừa rồi" → what to do after a scam. */
const OpensOn = z
  .object({
    phrases: Synonyms.describe('Said anywhere in a short message of theirs (not negated, and not an answer to the step they are on), these open the lesson at once.'),
    say: LocalText.optional().describe('Said first when the lesson is opened this way: what matters most, before the first step.'),
  })
  .strict()
  .describe('Words that open this lesson from anywhere. Keep the phrases specific ("bị lừa rồi", not "lừa"): they interrupt other lessons.');

export const Flow = z
  .object({
    $schema: z.string().optional(),
    id,
    version: z.number().int().min(1).describe('Raise it when steps change; residents mid-lesson are moved on sensibly.'),
    title: LocalText,
    summary: LocalText,
    tags: z.array(z.enum(SKILL_TAGS)).min(1),
    order: z.number().int().default(100).describe('Position in the menu (smaller first).'),
    opensOn: OpensOn.optional(),
    steps: z.array(Step).min(1),
  })
  .strict();
export type Flow = z.infer<typeof Flow>;
export type FlowInput = z.input<typeof Flow>;

/**
 * Built-in variables every text may use: the resident's name, the score, the lesson's title, and how the
 * bot says "you" and "I" to this resident (`ADDRESS_VARIABLES`). `answer` steps add their `save` names.
 */
export const BUILTIN_VARIABLES = ['name', 'right', 'total', 'lesson', ...ADDRESS_VARIABLES] as const;
