/** `choice`: buttons that branch; each option may name its own `next`. */
import type { z } from 'zod';
import type { ChoiceStep } from '../../flows/schema.js';
import type { StepBehaviour } from './behaviour.js';
import { pickedOption, showWithOptions } from './options.js';

type Choice = z.infer<typeof ChoiceStep>;

export const choice: StepBehaviour<Choice> = {
  kind: 'choice',
  hintKey: 'hint.options',
  show: showWithOptions,
  answer(step, input, turn) {
    const index = pickedOption(step.options, input, turn);
    if (index === undefined) return { type: 'unplaced' };
    return { type: 'advance', replies: [], to: step.options[index]!.next ?? step.next };
  },
};
