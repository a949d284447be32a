/** Every step kind, by name. A test walks this list and fails for a kind without test cases. */
import type { Step, StepKind } from '../../flows/schema.js';
import { answer } from './answer.js';
import type { StepBehaviour } from './behaviour.js';
import { choice } from './choice.js';
import { end } from './end.js';
import { message } from './message.js';
import { quiz } from './quiz.js';
import { quizDraw } from './quiz-draw.js';

export const STEP_BEHAVIOURS = { message, choice, quiz, answer, end, 'quiz-draw': quizDraw } as const satisfies {
  [K in StepKind]: StepBehaviour<Extract<Step, { kind: K }>>;
};

export function behaviourOf(step: Step): StepBehaviour {
  return STEP_BEHAVIOURS[step.kind] as unknown as StepBehaviour;
}
