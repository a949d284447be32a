/**
 * The scam-recognition quiz bank: realistic messages, scams and genuine look-alikes, in their own
 * YAML files under `flows/quiz-bank/`. Lessons draw items from it by scam type (a `quiz-draw` step),
 * and items answered wrongly come back for review days later.
 *
 * Each item's picture is generated from its text (`npm run media:quiz`), one per language, at
 * `media/quiz/<id>.<locale>.png`: the message as it appears on a phone, marked as an example.
 */
import { z } from 'zod';
import { BankScamTypeSchema, LocalText } from './schema.js';

export { BANK_SCAM_TYPES, type BankScamType } from './schema.js';

export const ARRIVES_BY = ['sms', 'call', 'zalo', 'messenger', 'email', 'web'] as const;

export const QuizItem = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes').max(60),
    scamType: BankScamTypeSchema.describe('The scam type this item trains (shared/content-brief.md §1). A genuine look-alike carries the type it resembles.'),
    verdict: z.enum(['scam', 'legit']).describe('scam, or legit for a genuine message that looks like one.'),
    difficulty: z.number().int().min(1).max(3).describe('1 obvious, 2 needs a look, 3 subtle (a real sender name, no spelling mistakes).'),
    arrivesBy: z.enum(ARRIVES_BY).describe('How the message arrives; shown above it.'),
    from: LocalText.describe('The sender as the phone shows it (made up: "NH-ABC", "0900 000 123").'),
    message: LocalText.describe('The message itself. Made-up names, .example domains, 0900 000 xxx numbers; never a real brand.'),
    signs: z
      .array(LocalText)
      .min(1)
      .max(4)
      .describe('Scam: the red flags, each pointing at the exact words. Legit: why it is genuine. One short sentence each.'),
    advice: LocalText.describe('What to do with a message like this.'),
  })
  .strict();
export type QuizItem = z.infer<typeof QuizItem>;

export const QuizBankFile = z
  .object({
    $schema: z.string().optional(),
    items: z.array(QuizItem).min(1),
  })
  .strict();
export type QuizBankFile = z.infer<typeof QuizBankFile>;

/** Where an item's picture is, relative to the flows folder. */
export function quizItemImage(id: string, locale: 'vi' | 'en'): string {
  return `media/quiz/${id}.${locale}.png`;
}
