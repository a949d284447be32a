/** `quiz`: a question with right and wrong options; the explanation follows any answer. */
import type { z } from 'zod';
import type { QuizStep } from '../../flows/schema.js';
import { saysWord } from '../match.js';
import type { Turn } from '../turn.js';
import { verdictIn } from '../verdicts.js';
import type { StepBehaviour } from './behaviour.js';
import { pickedOption, showWithOptions } from './options.js';

type Quiz = z.infer<typeof QuizStep>;

export const quiz: StepBehaviour<Quiz> = {
  kind: 'quiz',
  hintKey: 'hint.options',
  show: showWithOptions,
  answer(step, input, turn, compiled) {
    // "Dạ", "ok" after the last explanation acknowledge it; they do not answer this question ("có" does).
    if (input.type === 'text' && saysWord(turn.env.texts, 'words.ack', input.text)) return { type: 'unplaced' };
    const index = input.type === 'text' ? pickedJudged(step, input.text, turn) : pickedOption(step.options, input, turn);
    if (index === 'opposite') {
      // Understood, but as the opposite of what is asked: what the question asks, and its buttons (no miss).
      return { type: 'stay', replies: [{ text: turn.t(`quiz.asks_${step.asks}`), choices: showWithOptions(step, turn).choices ?? [] }] };
    }
    if (index === undefined) return { type: 'unplaced' };
    const correct = step.options[index]!.correct;
    turn.score(compiled.flow.id, step.id, correct);
    turn.emit({ type: 'quiz_answered', flowId: compiled.flow.id, stepId: step.id, scamType: step.scamType, correct });
    const verdict = turn.t(correct ? 'quiz.right' : 'quiz.wrong');
    return { type: 'advance', replies: [{ text: `${verdict}\n${turn.text(step.explanation)}` }] };
  },
};

/**
 * The option a typed answer picks. Where the question asks which option is the scam or the genuine
 * one (`asks`), an answer that gives a verdict about an option ("tin thật là tin B", "tin A không
 * phải lừa đảo") picks it only when the verdict is what is asked; the other way round it is the
 * other option when there are two, else 'opposite' (asked again). Elsewhere a verdict is the
 * resident's reason ("không bấm, lừa đảo đấy" to "what do you do?"), and an option that is a verdict
 * itself ("Tin thật") is what it says.
 */
function pickedJudged(step: Quiz, text: string, turn: Turn): number | 'opposite' | undefined {
  const picked = pickedOption(step.options, { type: 'text', text }, turn);
  const said = step.asks ? verdictIn(text, turn.env.texts, turn.locale) : undefined;
  if (!said) return picked;
  const named = picked ?? pickedOption(step.options, { type: 'text', text: said.rest }, turn);
  if (named === undefined) return undefined;
  const own = Object.values(step.options[named]!.label).some((label) => label && verdictIn(label, turn.env.texts, turn.locale));
  if (own || said.verdict === step.asks) return named;
  return step.options.length === 2 ? 1 - named : 'opposite';
}
