/** `message`: text and a picture; the resident taps "Next" (or types "tiếp", "ok", "xong", "dạ"…). */
import type { z } from 'zod';
import type { MessageStep } from '../../flows/schema.js';
import { hasNegation, saysInShort, saysWord } from '../match.js';
import { readAs } from '../normalize.js';
import type { Texts } from '../types.js';
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
    const goesOn = input.type === 'payload' ? input.payload.type === 'next' : saysGoOn(turn.env.texts, input.text);
    return goesOn ? { type: 'advance', replies: [] } : { type: 'unplaced' };
  },
};

/**
 * "Tiếp", and here any yes ("dạ", "có", "vâng": how an elder says "I have read it"), or a short
 * message holding a next word ("bác hiểu rồi", "tiếp đi cháu", "đọc xong rồi") that is not turned
 * around ("chưa xong") or lost ("khó hiểu").
 */
function saysGoOn(texts: Texts, text: string): boolean {
  if (saysWord(texts, 'words.next', text) || saysWord(texts, 'words.yes', text)) return true;
  return saysInShort(texts, 'words.next', text) && !hasNegation(readAs(text)) && !saysInShort(texts, 'words.confused', text);
}
