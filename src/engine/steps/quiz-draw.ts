/**
 * `quiz-draw`: questions drawn from the quiz bank. Each shows a message as it would arrive (a picture
 * and its text) and asks "scam or genuine?"; the answer is followed by the signs, pointing at the
 * exact words, and what to do. Items answered wrongly are scheduled for review (engine/review.ts).
 */
import type { z } from 'zod';
import { quizItemImage, type QuizItem } from '../../flows/quiz-bank.js';
import type { BankScamType, QuizDrawStep } from '../../flows/schema.js';
import { matchOption } from '../match.js';
import { payload } from '../payloads.js';
import { VERDICTS, verdictOptions } from '../verdicts.js';
import { drawItems } from '../review.js';
import type { Turn } from '../turn.js';
import type { Reply } from '../types.js';
import type { StepBehaviour } from './behaviour.js';

type QuizDraw = z.infer<typeof QuizDrawStep>;

function currentItem(turn: Turn): QuizItem | undefined {
  const draw = turn.state.current?.draw;
  const id = draw?.items[draw.index];
  return id === undefined ? undefined : turn.flows.bank.get(id);
}

function ask(step: QuizDraw, turn: Turn, item: QuizItem, first: boolean): Reply {
  const draw = turn.state.current!.draw!;
  const place = `${step.id}.${draw.index}`;
  const lines: string[] = [];
  if (first) lines.push(turn.text(step.text), '');
  lines.push(turn.t('quiz.number', { n: draw.index + 1, total: draw.items.length }));
  lines.push(`${turn.t(`quiz.arrives.${item.arrivesBy}`)} · ${turn.text(item.from)}`);
  lines.push(`“${turn.text(item.message)}”`, '');
  lines.push(turn.t('quiz.question'));
  return {
    text: lines.join('\n'),
    image: quizItemImage(item.id, turn.locale),
    choices: VERDICTS.map((v, i) => ({ payload: payload.option(place, i), label: turn.t(`quiz.${v}_label`) })),
  };
}

export const quizDraw: StepBehaviour<QuizDraw> = {
  kind: 'quiz-draw',
  hintKey: 'hint.quiz_draw',
  onEnter(step, turn) {
    const p = turn.state.current!;
    const scamTypes = p.scamType ? [p.scamType as BankScamType] : step.scamTypes;
    const items = drawItems(turn.state, turn.flows.bank, {
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
    const item = currentItem(turn);
    if (!item) return { text: turn.text(step.text) };
    return ask(step, turn, item, turn.state.current!.draw!.index === 0);
  },
  answer(step, input, turn, compiled) {
    const item = currentItem(turn);
    const draw = turn.state.current?.draw;
    if (!item || !draw) return { type: 'advance', replies: [] };
    let index: number | undefined;
    if (input.type === 'payload') {
      index = input.payload.type === 'option' && input.payload.index < VERDICTS.length ? input.payload.index : undefined;
    } else {
      index = matchOption(input.text, verdictOptions(turn.env.texts), turn.env.texts, turn.locale);
    }
    if (index === undefined) return { type: 'unplaced' };

    const correct = VERDICTS[index] === item.verdict;
    turn.score(compiled.flow.id, step.id, correct, item.id);
    const alertId = turn.state.current?.alertId;
    turn.emit({ type: 'quiz_answered', flowId: compiled.flow.id, stepId: step.id, itemId: item.id, scamType: item.scamType, correct, ...(alertId ? { alertId } : {}) });
    const verdict = turn.t(correct ? 'quiz.right' : 'quiz.wrong');
    const truth = turn.t(item.verdict === 'scam' ? 'quiz.is_scam' : 'quiz.is_legit');
    const signs = item.signs.map((s) => `• ${turn.text(s)}`).join('\n');
    const feedback: Reply = { text: `${verdict} ${truth}\n${signs}\n\n${turn.text(item.advice)}` };

    if (draw.index + 1 < draw.items.length) {
      draw.index += 1;
      turn.state.current!.misses = 0;
      const next = currentItem(turn);
      if (next) return { type: 'stay', replies: [feedback, ask(step, turn, next, false)] };
    }
    return { type: 'advance', replies: [feedback] };
  },
};
