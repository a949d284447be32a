/**
 * `quiz-draw`: questions drawn from the quiz bank, and lessons' own questions due for review. A bank
 * item shows a message as it would arrive (a picture and its text) and asks "scam or genuine?"; the
 * answer is followed by the signs, pointing at the exact words, and what to do. A lesson's question is
 * asked with its own picture, options and explanation, under its lesson's title. Questions answered
 * wrongly are scheduled for review (engine/review.ts).
 */
import type { z } from 'zod';
import { quizItemImage, type QuizItem } from '../../flows/quiz-bank.js';
import type { BankScamType, LocalText, QuizDrawStep } from '../../flows/schema.js';
import type { LessonQuestion } from '../flowset.js';
import { matchOption } from '../match.js';
import { payload } from '../payloads.js';
import { drawItems, historyKey } from '../review.js';
import { localize } from '../text.js';
import { VERDICTS, verdictOptions } from '../verdicts.js';
import type { Turn } from '../turn.js';
import type { Reply } from '../types.js';
import type { StepBehaviour, StepInput } from './behaviour.js';
import { showWithOptions } from './options.js';
import { askedAgain, pickedAnswer, quizFeedback } from './quiz.js';

type QuizDraw = z.infer<typeof QuizDrawStep>;

/** "Câu 2." / "Question 2.": the lesson's numbering, which means nothing once the question is asked alone. */
const LESSON_NUMBERING = /^(?:Câu|Question)\s+\d+\s*[.:]\s*/;

function withoutNumbering(text: LocalText): LocalText {
  return { vi: text.vi.replace(LESSON_NUMBERING, ''), ...(text.en ? { en: text.en.replace(LESSON_NUMBERING, '') } : {}) };
}

/** The question on screen: a quiz-bank item, or a lesson's question brought back for review. */
type Drawn = { id: string; item: QuizItem; lesson?: never } | { id: string; lesson: LessonQuestion; item?: never };

/**
 * The question at the draw's place. One whose item or lesson step is gone since it was drawn (the
 * lessons changed under a resident mid-review) is passed over.
 */
function currentQuestion(turn: Turn): Drawn | undefined {
  const draw = turn.state.current?.draw;
  if (!draw) return undefined;
  for (let index = draw.index; index < draw.items.length; index++) {
    const id = draw.items[index]!;
    const item = turn.flows.bank.get(id);
    const lesson = item ? undefined : turn.flows.questions.get(id);
    if (!item && !lesson) continue;
    draw.index = index;
    return item ? { id, item } : { id, lesson: lesson! };
  }
  return undefined;
}

function ask(step: QuizDraw, turn: Turn, question: Drawn, first: boolean): Reply {
  const draw = turn.state.current!.draw!;
  const place = `${step.id}.${draw.index}`;
  const lines: string[] = [];
  if (first) lines.push(turn.text(step.text), '');
  lines.push(turn.t('quiz.number', { n: draw.index + 1, total: draw.items.length }));
  if (question.lesson) {
    const { step: asked, title } = question.lesson;
    lines.push(turn.t('quiz.from_lesson', { title: localize(title, turn.locale) }));
    const shown = showWithOptions({ ...asked, id: place, text: withoutNumbering(asked.text) }, turn);
    return { ...shown, text: `${lines.join('\n')}\n${shown.text}` };
  }
  const { item } = question;
  lines.push(`${turn.t(`quiz.arrives.${item.arrivesBy}`)} · ${turn.text(item.from)}`);
  lines.push(`“${turn.text(item.message)}”`, '');
  lines.push(turn.t('quiz.question'));
  return {
    text: lines.join('\n'),
    image: quizItemImage(item.id, turn.locale),
    choices: VERDICTS.map((v, i) => ({ payload: payload.option(place, i), label: turn.t(`quiz.${v}_label`) })),
  };
}

/** The verdict ("scam" / "genuine") the input picks, by button, number or words. */
function pickedVerdict(input: StepInput, turn: Turn): number | undefined {
  if (input.type === 'payload') {
    return input.payload.type === 'option' && input.payload.index < VERDICTS.length ? input.payload.index : undefined;
  }
  return matchOption(input.text, verdictOptions(turn.env.texts), turn.env.texts, turn.locale);
}

/**
 * Whether the answer was right, what to say, and the scam type it trains; undefined when the input
 * picks nothing, a reply to say instead when a lesson question's answer said the opposite of what it asks.
 */
function judge(question: Drawn, input: StepInput, turn: Turn): { correct: boolean; feedback: Reply; scamType: string } | Reply | undefined {
  if (question.lesson) {
    const asked = question.lesson.step;
    const index = pickedAnswer(asked, input, turn);
    if (index === 'opposite') return askedAgain(asked, turn);
    if (index === undefined) return undefined;
    const correct = asked.options[index]!.correct;
    return { correct, feedback: quizFeedback(asked, correct, turn), scamType: asked.scamType };
  }
  const { item } = question;
  const index = pickedVerdict(input, turn);
  if (index === undefined) return undefined;
  const correct = VERDICTS[index] === item.verdict;
  const verdict = turn.t(correct ? 'quiz.right' : 'quiz.wrong');
  const truth = turn.t(item.verdict === 'scam' ? 'quiz.is_scam' : 'quiz.is_legit');
  const signs = item.signs.map((s) => `• ${turn.text(s)}`).join('\n');
  return { correct, feedback: { text: `${verdict} ${truth}\n${signs}\n\n${turn.text(item.advice)}` }, scamType: item.scamType };
}

export const quizDraw: StepBehaviour<QuizDraw> = {
  kind: 'quiz-draw',
  hintKey: 'hint.quiz_draw',
  hintKeyFor: (_step, turn) => (currentQuestion(turn)?.lesson ? 'hint.options' : 'hint.quiz_draw'),
  onEnter(step, turn) {
    const p = turn.state.current!;
    const scamTypes = p.scamType ? [p.scamType as BankScamType] : step.scamTypes;
    const items = drawItems(turn.state, turn.flows, {
      count: step.count,
      scamTypes,
      now: turn.env.now,
      seed: `${turn.state.anonId}:${turn.env.now}:${turn.state.turns}`,
    });
    if (items.length === 0) return false;
    p.draw = { items, index: 0 };
    return true;
  },
  show(step, turn) {
    const first = turn.state.current?.draw?.index === 0;
    const question = currentQuestion(turn);
    if (!question) return { text: turn.text(step.text) };
    return ask(step, turn, question, first);
  },
  answer(step, input, turn, compiled) {
    const draw = turn.state.current?.draw;
    const asked = draw?.index;
    const question = currentQuestion(turn);
    if (!question || !draw) return { type: 'advance', replies: [] };
    // The question on screen is gone: the answer was meant for it, not for the next one, which is shown instead.
    if (draw.index !== asked) return { type: 'stay', replies: [ask(step, turn, question, false)] };
    const judged = judge(question, input, turn);
    if (!judged) return { type: 'unplaced' };
    if (!('correct' in judged)) return { type: 'stay', replies: [judged] };

    const { correct, feedback, scamType } = judged;
    turn.score(historyKey(question.id), correct);
    const alertId = turn.state.current?.alertId;
    turn.emit({ type: 'quiz_answered', flowId: compiled.flow.id, stepId: step.id, itemId: question.id, scamType, correct, ...(alertId ? { alertId } : {}) });

    if (draw.index + 1 < draw.items.length) {
      draw.index += 1;
      turn.state.current!.misses = 0;
      const next = currentQuestion(turn);
      if (next) return { type: 'stay', replies: [feedback, ask(step, turn, next, false)] };
    }
    return { type: 'advance', replies: [feedback] };
  },
};
