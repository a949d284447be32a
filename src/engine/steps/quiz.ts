/** `quiz`: a question with right and wrong options; the explanation follows any answer. */
import type { z } from 'zod';
import type { QuizStep } from '../../flows/schema.js';
import { lessonKey } from '../flowset.js';
import { saysWord } from '../match.js';
import type { Turn } from '../turn.js';
import type { Reply } from '../types.js';
import type { StepBehaviour, StepInput } from './behaviour.js';
import { pickedOption, showWithOptions } from './options.js';

type Quiz = z.infer<typeof QuizStep>;

/** The option the input picks, also when the question is asked in a review (quiz-draw). */
export function pickedAnswer(step: Quiz, input: StepInput, turn: Turn): number | undefined {
  // "Dạ", "ok" after the last explanation acknowledge it; they do not answer this question ("có" does).
  if (input.type === 'text' && saysWord(turn.env.texts, 'words.ack', input.text)) return undefined;
  return pickedOption(step.options, input, turn);
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
    if (index === undefined) return { type: 'unplaced' };
    const correct = step.options[index]!.correct;
    turn.score(lessonKey(compiled.flow.id, step.id), correct);
    turn.emit({ type: 'quiz_answered', flowId: compiled.flow.id, stepId: step.id, scamType: step.scamType, correct });
    return { type: 'advance', replies: [quizFeedback(step, correct, turn)] };
  },
};
