/** `quiz`: a question with right and wrong options; the explanation follows any answer. */
import type { z } from 'zod';
import type { QuizStep } from '../../flows/schema.js';
import { saysWord } from '../match.js';
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
    const index = pickedOption(step.options, input, turn);
    if (index === undefined) return { type: 'unplaced' };
    const correct = step.options[index]!.correct;
    turn.score(compiled.flow.id, step.id, correct);
    turn.emit({ type: 'quiz_answered', flowId: compiled.flow.id, stepId: step.id, scamType: step.scamType, correct });
    const verdict = turn.t(correct ? 'quiz.right' : 'quiz.wrong');
    return { type: 'advance', replies: [{ text: `${verdict}\n${turn.text(step.explanation)}` }] };
  },
};
