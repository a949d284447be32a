/**
 * Spaced review of quiz-bank items, and drawing the questions for a quiz-draw step.
 *
 * An item answered wrongly comes back at the resident's next session, then after 1, 3 and 7 days
 * while it keeps being answered right; a wrong answer starts it over. Retrieval practice spaced
 * out like this is what makes recognition last (shared/content-brief.md §3).
 */
import type { QuizItem } from '../flows/quiz-bank.js';
import type { BankScamType } from '../flows/schema.js';
import type { QuizHistory, ResidentState } from './state.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** Gap before the next review, by box. Box 1 is "the next session": a few hours later at the earliest. */
export const REVIEW_GAPS_MS: readonly number[] = [0, 6 * HOUR, 1 * DAY, 3 * DAY, 7 * DAY];
const LAST_BOX = REVIEW_GAPS_MS.length - 1;

/** The history key of a quiz-bank item (lesson quiz steps use `<flow>/<step>`). */
export const bankKey = (itemId: string) => `bank/${itemId}`;

/** The item's history after an answer. */
export function afterAnswer(prior: QuizHistory | undefined, correct: boolean, now: number, isBankItem: boolean): QuizHistory {
  const h = prior ?? { right: 0, wrong: 0, lastAt: 0, lastCorrect: false, box: 0 };
  const next: QuizHistory = {
    right: h.right + (correct ? 1 : 0),
    wrong: h.wrong + (correct ? 0 : 1),
    lastAt: now,
    lastCorrect: correct,
    box: h.box,
  };
  if (!isBankItem) return next;
  if (!correct) {
    next.box = 1;
    next.due = now + REVIEW_GAPS_MS[1]!;
  } else if (h.box > 0 && h.box < LAST_BOX) {
    next.box = h.box + 1;
    next.due = now + REVIEW_GAPS_MS[next.box]!;
  } else {
    // Right the first time, or right after the longest gap: learned, nothing more to review.
    next.box = 0;
  }
  return next;
}

/** Quiz-bank items due for review now, most overdue first. */
export function dueItems(state: ResidentState, bank: ReadonlyMap<string, QuizItem>, now: number): string[] {
  return Object.entries(state.quiz)
    .filter(([key, h]) => key.startsWith('bank/') && h.due !== undefined && h.due <= now && bank.has(key.slice(5)))
    .sort((a, b) => a[1].due! - b[1].due!)
    .map(([key]) => key.slice(5));
}

/** A small deterministic generator (mulberry32), seeded from the turn, so `step()` stays pure. */
export function seededRandom(seedText: string): () => number {
  let seed = 2166136261;
  for (let i = 0; i < seedText.length; i++) seed = Math.imul(seed ^ seedText.charCodeAt(i), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface DrawRequest {
  count: number;
  scamTypes?: readonly BankScamType[] | undefined;
  now: number;
  seed: string;
}

/**
 * The items to ask: due reviews first, then items never seen (easier first, shuffled within a
 * difficulty), then the least recently seen. Never the item asked last, never one twice; when the
 * draw has room, at least one genuine look-alike, so residents do not learn "everything is a scam".
 */
export function drawItems(state: ResidentState, bank: ReadonlyMap<string, QuizItem>, req: DrawRequest): string[] {
  const random = seededRandom(req.seed);
  const fits = (item: QuizItem) => !req.scamTypes || req.scamTypes.includes(item.scamType);
  const pool = [...bank.values()].filter((item) => fits(item) && item.id !== state.lastQuizItem);

  const due = new Set(dueItems(state, bank, req.now));
  const seen = (item: QuizItem) => state.quiz[bankKey(item.id)] !== undefined;
  const reviews = pool.filter((item) => due.has(item.id)).sort((a, b) => state.quiz[bankKey(a.id)]!.due! - state.quiz[bankKey(b.id)]!.due!);
  const fresh = shuffled(pool.filter((item) => !seen(item)), random).sort((a, b) => a.difficulty - b.difficulty);
  const old = pool
    .filter((item) => seen(item) && !due.has(item.id))
    .sort((a, b) => state.quiz[bankKey(a.id)]!.lastAt - state.quiz[bankKey(b.id)]!.lastAt);

  const picked = [...reviews, ...fresh, ...old].slice(0, req.count);
  if (picked.length >= 3 && !picked.some((i) => i.verdict === 'legit')) {
    const legit = [...fresh, ...old].find((i) => i.verdict === 'legit');
    if (legit) picked[picked.length - 1] = legit;
  }
  // Reviews keep their order up front; the rest is mixed so scams and genuine ones alternate unpredictably.
  const head = picked.filter((i) => due.has(i.id));
  const tail = shuffled(picked.filter((i) => !due.has(i.id)), random);
  return [...head, ...tail].map((i) => i.id);
}

/** When the resident's next quiz-bank review falls due, if any: when a follow-up could be offered. */
export function nextReviewAt(state: ResidentState, bank: ReadonlyMap<string, QuizItem>): number | undefined {
  let next: number | undefined;
  for (const [key, h] of Object.entries(state.quiz)) {
    if (!key.startsWith('bank/') || h.due === undefined || !bank.has(key.slice(5))) continue;
    if (next === undefined || h.due < next) next = h.due;
  }
  return next;
}
