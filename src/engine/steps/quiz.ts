/** `quiz`: a question with right and wrong options; the explanation follows any answer. */
import type { z } from 'zod';
import type { QuizStep } from '../../flows/schema.js';
import { lessonKey } from '../flowset.js';
import { saysWord } from '../match.js';
import type { Turn } from '../turn.js';
import type { Reply } from '../types.js';
import { verdictIn } from '../verdicts.js';
import type { StepBehaviour, StepInput } from './behaviour.js';
import { pickedOption, showWithOptions } from './options.js';

type Quiz = z.infer<typeof QuizStep>;

/**
 * The option the input picks, also when the question is asked in a review (quiz-draw); 'opposite':
 * understood, but as the opposite of what the question asks (see `pickedJudged`).
 */
export function pickedAnswer(step: Quiz, input: StepInput, turn: Turn): number | 'opposite' | undefined {
  // "Dạ", "ok" after the last explanation acknowledge it; they do not answer this question ("có" does).
  if (input.type === 'text' && saysWord(turn.env.texts, 'words.ack', input.text)) return undefined;
  return input.type === 'text' ? pickedJudged(step, input.text, turn) : pickedOption(step.options, input, turn);
}

/** An answer understood as the opposite of what is asked: what the question asks, and its buttons (no miss). */
export function askedAgain(step: Quiz, turn: Turn): Reply {
  return { text: turn.t(`quiz.asks_${step.asks}`), choices: showWithOptions(step, turn).choices ?? [] };
}

/** Right or not, then the explanation, which speaks to every option. */
export function quizFeedback(step: Quiz, correct: boolean, turn: Turn): Reply {
  return { text: `${turn.t(correct ? 'quiz.right' : 'quiz.wrong')}\n${turn.text(step.explanation)}` };
}

export const quiz: StepBehaviour<Quiz> = {
  kind: 'quiz',
  hintKey: 'hint.options',
  show: showWithOptions,
  answer(step, input, turn, compiled) {
    const index = pickedAnswer(step, input, turn);
    if (index === 'opposite') return { type: 'stay', replies: [askedAgain(step, turn)] };
    if (index === undefined) return { type: 'unplaced' };
    const correct = step.options[index]!.correct;
    turn.score(lessonKey(compiled.flow.id, step.id), correct);
    turn.emit({ type: 'quiz_answered', flowId: compiled.flow.id, stepId: step.id, scamType: step.scamType, correct });
    return { type: 'advance', replies: [quizFeedback(step, correct, turn)] };
  },
};

/**
 * The option a typed answer picks. Where the question asks which option is the scam or the genuine
 * one (`asks`), an answer that gives a verdict about an option ("tin thật là tin B", "tin A không
 * phải lừa đảo") picks it only when the verdict is what is asked; the other way round it is the
 * other option when there are two, else 'opposite' (asked again). A verdict for each of several
 * options ("tin A lừa đảo, còn tin B thật") picks the one given what is asked. Elsewhere a verdict is
 * the resident's reason ("không bấm, lừa đảo đấy" to "what do you do?"), and an option that is a
 * verdict itself ("Tin thật") is what it says.
 */
function pickedJudged(step: Quiz, text: string, turn: Turn): number | 'opposite' | undefined {
  const picked = pickedOption(step.options, { type: 'text', text }, turn);
  if (!step.asks) return picked;
  const parts = text.split(PARTS).flatMap((part) => judged(step, part, turn) ?? []);
  if (parts.length > 1) {
    const asked = new Set(parts.filter((p) => p.verdict === step.asks).map((p) => p.option));
    const [only, ...more] = asked;
    return only !== undefined && more.length === 0 && !parts.some((p) => p.option === only && p.verdict !== step.asks) ? only : undefined;
  }
  const whole = judged(step, text, turn, picked);
  if (!whole) return picked;
  if (whole.own || whole.verdict === step.asks) return whole.option;
  return step.options.length === 2 ? 1 - whole.option : 'opposite';
}

/** Where an answer goes on to its next part: a comma, a full stop, "còn", "và", "nhưng". */
const PARTS = /[,.;!?\n]+|\s+(?:còn|con|và|va|nhưng|nhung|but|and)\s+/iu;

/** The verdict a text gives and the option it gives it to (`picked`, or the one its other words name); `own`: the option is a verdict itself. */
function judged(step: Quiz, text: string, turn: Turn, picked = pickedOption(step.options, { type: 'text', text }, turn)) {
  const said = verdictIn(text, turn.env.texts, turn.locale);
  if (!said) return undefined;
  const option = picked ?? pickedOption(step.options, { type: 'text', text: said.rest }, turn);
  if (option === undefined) return undefined;
  const own = Object.values(step.options[option]!.label).some((label) => label && verdictIn(label, turn.env.texts, turn.locale));
  return { option, verdict: said.verdict, own };
}
