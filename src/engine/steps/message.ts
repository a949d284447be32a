/** `message`: text and a picture; the resident taps "Next" (or types "tiếp", "ok", "xong"…). */
import type { z } from 'zod';
import type { MessageStep } from '../../flows/schema.js';
import { saysWord } from '../match.js';
import { payload } from '../payloads.js';
import type { StepBehaviour } from './behaviour.js';

type Message = z.infer<typeof MessageStep>;

export const message: StepBehaviour<Message> = {
  kind: 'message',
  hintKey: 'hint.message',
  show(step, turn) {
    return {
      text: turn.text(step.text),
      ...(step.image ? { image: step.image } : {}),
      ...(step.link ? { link: { url: step.link.url, label: turn.text(step.link.label) } } : {}),
      ...(step.wait ? { choices: [{ payload: payload.next(step.id), label: turn.t('buttons.next') }] } : {}),
    };
  },
  answer(_step, input, turn) {
    const goesOn =
      input.type === 'payload' ? input.payload.type === 'next' : saysWord(turn.env.texts, 'words.next', input.text);
    return goesOn ? { type: 'advance', replies: [] } : { type: 'unplaced' };
  },
};
