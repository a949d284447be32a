/** Shared by steps with options (choice, quiz): showing them and placing an answer among them. */
import type { z } from 'zod';
import type { ChoiceOption, QuizOption } from '../../flows/schema.js';
import { matchOption } from '../match.js';
import { payload } from '../payloads.js';
import type { Turn } from '../turn.js';
import type { Reply } from '../types.js';
import type { StepInput } from './behaviour.js';

type Option = z.infer<typeof ChoiceOption> | z.infer<typeof QuizOption>;

export function showWithOptions(
  step: { id: string; text: { vi: string; en?: string | undefined }; image?: string | undefined; options: Option[] },
  turn: Turn,
): Reply {
  let text = turn.text(step.text);
  const details = step.options.map((o, i) => (o.detail ? `${i + 1}. ${turn.text(o.detail)}` : undefined));
  if (details.some(Boolean)) {
    text += '\n\n' + step.options.map((o, i) => details[i] ?? `${i + 1}. ${turn.text(o.label)}`).join('\n');
  }
  return {
    text,
    ...(step.image ? { image: step.image } : {}),
    choices: step.options.map((o, i) => ({ payload: payload.option(step.id, i), label: turn.text(o.label) })),
  };
}

/** The option index the input picks, or undefined. */
export function pickedOption(options: readonly Option[], input: StepInput, turn: Turn): number | undefined {
  if (input.type === 'payload') {
    return input.payload.type === 'option' && input.payload.index < options.length ? input.payload.index : undefined;
  }
  // The longer wording counts as a synonym: a resident may type it instead of the short label.
  const matchable = options.map((o) => ({
    label: o.label,
    synonyms: {
      vi: [...(o.synonyms?.vi ?? []), ...(o.detail ? [o.detail.vi] : [])],
      en: [...(o.synonyms?.en ?? []), ...(o.detail?.en ? [o.detail.en] : [])],
    },
    means: o.means,
  }));
  return matchOption(input.text, matchable, turn.env.texts, turn.locale);
}
