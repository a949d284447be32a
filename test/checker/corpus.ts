/**
 * The labelled corpus (test/checker/corpus.yaml) and how the checker is measured on it. Shared by
 * the floor tests (corpus.test.ts) and `npm run bench:check`, so both report the same numbers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { BankScamTypeSchema } from '../../src/flows/schema.js';
import { checkMessage } from '../../src/checker/check.js';
import type { CheckerRules } from '../../src/checker/rules.js';
import type { Verdict } from '../../src/checker/types.js';
import { PROJECT_ROOT } from '../../src/paths.js';

export const CORPUS_FILE = join(PROJECT_ROOT, 'test/checker/corpus.yaml');
export const LANGS = ['vi', 'vi-nodiacritics', 'en'] as const;

const CorpusMessage = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    label: z.enum(['scam', 'legit']),
    type: BankScamTypeSchema,
    lang: z.enum(LANGS),
    text: z.string().min(1),
    /**
     * 1: written before the rules; 2: written after them and measured once before any rule changed;
     * 3: written for a QA report's misses (fee to claim a prize, balance notices whose memo says "chuyển
     * tiền"), measured once before the rules were widened for them; 4: a third QA pass's misses (fake VNeID
     * app, electricity cut-off, wrong scam type), likewise.
     */
    round: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(1),
    /**
     * What the checker must answer, beyond flagged or not (round 4 on): the risk; for a scam, the type it
     * names (`type` above unless given here; `none`: no type stands out, so the general advice); signs a
     * message must not show (a genuine message's list of signs is read as warnings even at a low risk).
     */
    expect: z
      .object({
        risk: z.enum(['high', 'medium', 'low']),
        type: z.union([BankScamTypeSchema, z.literal('none')]).optional(),
        without: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type CorpusMessage = z.infer<typeof CorpusMessage>;

export function loadCorpus(file = CORPUS_FILE): CorpusMessage[] {
  return z.object({ messages: z.array(CorpusMessage).min(1) }).strict().parse(parse(readFileSync(file, 'utf8'))).messages;
}

/** A message is flagged when its risk is medium or high: "be careful" is a flag too. */
export const flagged = (v: Pick<Verdict, 'risk'>): boolean => v.risk !== 'low';

export interface Scores {
  scams: number;
  legit: number;
  truePositives: number;
  falsePositives: number;
  /** Of the messages flagged, the share that are scams (1 when nothing is flagged and nothing should be). */
  precision: number;
  /** Of the scams, the share flagged. */
  recall: number;
  f1: number;
  /** Of the legitimate messages, the share flagged. */
  falsePositiveRate: number;
}

/** Precision, recall, F1 for the scam class and the false-positive rate on legit messages. */
export function score(results: ReadonlyArray<{ label: 'scam' | 'legit'; flagged: boolean }>): Scores {
  const scams = results.filter((r) => r.label === 'scam').length;
  const legit = results.length - scams;
  const truePositives = results.filter((r) => r.label === 'scam' && r.flagged).length;
  const falsePositives = results.filter((r) => r.label === 'legit' && r.flagged).length;
  const flaggedCount = truePositives + falsePositives;
  const precision = flaggedCount === 0 ? (scams === 0 ? 1 : 0) : truePositives / flaggedCount;
  const recall = scams === 0 ? 1 : truePositives / scams;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { scams, legit, truePositives, falsePositives, precision, recall, f1, falsePositiveRate: legit === 0 ? 0 : falsePositives / legit };
}

export interface Result extends CorpusMessage {
  verdict: Verdict;
  flagged: boolean;
}

export function runCorpus(rules: CheckerRules, corpus = loadCorpus()): Result[] {
  return corpus.map((m) => {
    const verdict = checkMessage(m.text, rules);
    return { ...m, verdict, flagged: flagged(verdict) };
  });
}

/** The floors the tests pin (issue 7: "everything is a scam" must not pass). */
export const FLOORS = { recall: 0.9, precision: 0.9, maxFalsePositiveRate: 0.1 } as const;

/**
 * How a message with an `expect` falls short of it, in words (empty when it does not): a wrong risk, a
 * scam named as another type, a sign it must not show.
 */
export function expectationMisses(r: Result): string[] {
  if (!r.expect) return [];
  const misses: string[] = [];
  if (r.verdict.risk !== r.expect.risk) misses.push(`risk ${r.verdict.risk}, expected ${r.expect.risk}`);
  if (r.label === 'scam') {
    const want = r.expect.type ?? r.type;
    const got = r.verdict.scamType ?? 'none';
    if (got !== want) misses.push(`type ${got}, expected ${want}`);
  }
  const shown = r.verdict.signals.map((s) => s.id);
  for (const id of r.expect.without ?? []) if (shown.includes(id)) misses.push(`shows ${id}`);
  return misses;
}

export function meetsFloors(s: Scores): boolean {
  return s.recall >= FLOORS.recall && s.precision >= FLOORS.precision && s.falsePositiveRate <= FLOORS.maxFalsePositiveRate;
}
