/**
 * Spaced review of quiz-bank items and of lessons' own questions, and drawing the questions for a
 * quiz-draw step.
 *
 * A question answered wrongly comes back at the resident's next session, then after 1, 3 and 7 days
 * while it keeps being answered right; a wrong answer starts it over. Retrieval practice spaced
 * out like this is what makes recognition last (shared/content-brief.md §3). A lesson's quiz step
 * comes back in the same review as the bank's items, asked on its own (see `LessonQuestion`).
 *
 * A draw holds ids: a quiz-bank item's id, or a lesson question's history key `<flow>/<step>`.
 */
import type { QuizItem } from '../flows/quiz-bank.js';
import type { BankScamType } from '../flows/schema.js';
import type { FlowSet } from './flowset.js';
import type { QuizHistory, ResidentState } from './state.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** Gap before the next review, by box. Box 1 is "the next session": a few hours later at the earliest. */
export const REVIEW_GAPS_MS: readonly number[] = [0, 6 * HOUR, 1 * DAY, 3 * DAY, 7 * DAY];
const LAST_BOX = REVIEW_GAPS_MS.length - 1;

const BANK_PREFIX = 'bank/';

/** The history key of a quiz-bank item (lesson questions use `<flow>/<step>`, see `lessonKey`). */
export const bankKey = (itemId: string) => `${BANK_PREFIX}${itemId}`;

/** The quiz-bank item a history key names, if it names one. */
export const bankItemOf = (key: string) => (key.startsWith(BANK_PREFIX) ? key.slice(BANK_PREFIX.length) : undefined);

/** What a review can ask: the quiz bank, and the lessons' questions that stand alone. */
export type ReviewSources = Pick<FlowSet, 'bank' | 'questions'>;

/** A lesson question's draw id is its history key; a quiz-bank item's is its own id. */
const isLessonQuestion = (drawId: string) => drawId.includes('/');

/** The history key (`ResidentState.quiz`) of a drawn question. */
export const historyKey = (drawId: string) => (isLessonQuestion(drawId) ? drawId : bankKey(drawId));

/** The draw id of a history key, when it can still be asked (an item or a step removed since is not). */
function askableId(key: string, sources: ReviewSources): string | undefined {
  const itemId = bankItemOf(key);
  if (itemId !== undefined) return sources.bank.has(itemId) ? itemId : undefined;
  return sources.questions.has(key) ? key : undefined;
}

/** Whether answering this question schedules its review: quiz-bank items, and lesson questions that stand alone. */
export function isScheduled(key: string, sources: ReviewSources): boolean {
  return askableId(key, sources) !== undefined;
}

/** The question's history after an answer (`scheduled`: it takes part in the review). */
export function afterAnswer(prior: QuizHistory | undefined, correct: boolean, now: number, scheduled: boolean): QuizHistory {
  const h = prior ?? { right: 0, wrong: 0, lastAt: 0, lastCorrect: false, box: 0 };
  const next: QuizHistory = {
    right: h.right + (correct ? 1 : 0),
    wrong: h.wrong + (correct ? 0 : 1),
    lastAt: now,
    lastCorrect: correct,
    box: h.box,
  };
  if (!scheduled) return next;
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

/**
 * When a question is due. A miss always schedules one now; a lesson question missed before lessons'
 * questions were reviewed has none (box 0, answered wrong), and is taken as scheduled then.
 */
function dueAt(h: QuizHistory): number | undefined {
  if (h.due !== undefined) return h.due;
  return !h.lastCorrect && h.box === 0 && h.wrong > 0 ? h.lastAt + REVIEW_GAPS_MS[1]! : undefined;
}

/** Questions due for review now, most overdue first, as draw ids; ones removed from the lessons or the bank are left out. */
export function dueItems(state: ResidentState, sources: ReviewSources, now: number): string[] {
  const due: { id: string; at: number }[] = [];
  for (const [key, h] of Object.entries(state.quiz)) {
    const at = dueAt(h);
    if (at === undefined || at > now) continue;
    const id = askableId(key, sources);
    if (id !== undefined) due.push({ id, at });
  }
  return due.sort((a, b) => a.at - b.at).map((d) => d.id);
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
 * The questions to ask: due reviews first (quiz-bank items and lesson questions, most overdue first),
 * then items never seen (easier first, shuffled within a difficulty), then the least recently seen.
 * Never the item asked last (unless it is due for review), never one twice; when the draw has room, at least one genuine
 * look-alike, so residents do not learn "everything is a scam". Lesson questions come only as reviews.
 */
export function drawItems(state: ResidentState, sources: ReviewSources, req: DrawRequest): string[] {
  const random = seededRandom(req.seed);
  const fits = (scamType: string) => !req.scamTypes || (req.scamTypes as readonly string[]).includes(scamType);
  const pool = [...sources.bank.values()].filter((item) => fits(item.scamType) && item.id !== state.lastQuizItem);

  // A due review is asked even if it was the last question asked: it is due hours after that answer,
  // and the menu's "🔁 Ôn tập (N)" counted it.
  const reviews = dueItems(state, sources, req.now).filter((id) =>
    fits(isLessonQuestion(id) ? sources.questions.get(id)!.step.scamType : sources.bank.get(id)!.scamType),
  );
  const due = new Set(reviews);
  const seen = (item: QuizItem) => state.quiz[bankKey(item.id)] !== undefined;
  const fresh = shuffled(pool.filter((item) => !seen(item)), random).sort((a, b) => a.difficulty - b.difficulty);
  const old = pool
    .filter((item) => seen(item) && !due.has(item.id))
    .sort((a, b) => state.quiz[bankKey(a.id)]!.lastAt - state.quiz[bankKey(b.id)]!.lastAt);

  const picked = [...reviews, ...[...fresh, ...old].map((item) => item.id)].slice(0, req.count);
  const genuine = (id: string) =>
    isLessonQuestion(id) ? sources.questions.get(id)!.step.scamType === 'legit' : sources.bank.get(id)!.verdict === 'legit';
  if (picked.length >= 3 && !picked.some(genuine)) {
    const legit = [...fresh, ...old].find((i) => i.verdict === 'legit');
    if (legit) picked[picked.length - 1] = legit.id;
  }
  // Reviews keep their order up front; the rest is mixed so scams and genuine ones alternate unpredictably.
  const head = picked.filter((id) => due.has(id));
  const tail = shuffled(picked.filter((id) => !due.has(id)), random);
  return [...head, ...tail];
}

/** When the resident's next review falls due, if any: when a follow-up could be offered. */
export function nextReviewAt(state: ResidentState, sources: ReviewSources): number | undefined {
  let next: number | undefined;
  for (const [key, h] of Object.entries(state.quiz)) {
    const at = dueAt(h);
    if (at === undefined || askableId(key, sources) === undefined) continue;
    if (next === undefined || at < next) next = at;
  }
  return next;
}

/** Whether this run of a lesson (started at `since`) missed one of its questions that will come back for review. */
export function missedForReview(state: ResidentState, sources: ReviewSources, flowId: string, since: number): boolean {
  for (const [key, h] of Object.entries(state.quiz)) {
    if (key.startsWith(`${flowId}/`) && sources.questions.has(key) && !h.lastCorrect && h.due !== undefined && h.lastAt >= since) return true;
  }
  return false;
}
