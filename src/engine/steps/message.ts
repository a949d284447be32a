/** `message`: text and a picture; the resident taps "Next" (or types "tiếp", "ok", "xong", "dạ"…). */
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
    // Here any yes goes on too: "dạ", "có", "vâng" is how an elder says "I have read it".
    const texts = turn.env.texts;
    const goesOn =
      input.type === 'payload' ? input.payload.type === 'next' : saysWord(texts, 'words.next', input.text) || saysWord(texts, 'words.yes', input.text);
    return goesOn ? { type: 'advance', replies: [] } : { type: 'unplaced' };
  },
};
