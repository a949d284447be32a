/**
 * A channel-neutral reply as Messenger Send API `message` objects, within Messenger's limits
 * (shared/platforms.md §2.7). Pure: no I/O, the image URL comes from the caller.
 */
import type { Choice, Reply } from '../../engine/types.js';
import { ellipsize, normalizeText, splitText, textWithLink, withNumberedList } from '../split-text.js';
import { MESSENGER_LIMITS as L, type MessengerMessage, type MessengerQuickReply } from './types.js';

export type { MessengerMessage } from './types.js';

/** Which way the choices were shown (for logs and the simulator's caption). */
export type MessengerChoiceStyle = 'none' | 'quick_replies' | 'button_template' | 'numbered';

/**
 * The messages to send, in order:
 * 1. the picture, as its own image attachment;
 * 2. the text, cut into parts of ≤ 2,000 characters (paragraph, line, sentence, word);
 * 3. the choices, the first way that fits:
 *    - ≤ 13 choices, every label ≤ 20 characters → quick replies on the last text part;
 *    - ≤ 3 choices and the last part ≤ 640 characters → a button template (titles cut to 20 with "…");
 *    - otherwise the text gets a numbered list "1. label" and quick replies titled "1", "2", … carry
 *      the payloads (the first 13; any further choice is reached by typing its number).
 *
 * @example
 * renderMessenger({ text: 'Xin chào', choices: [{ payload: 'c:menu', label: 'Danh mục' }] }, (p) => `https://x/${p}`)
 * // → [{ text: 'Xin chào', quick_replies: [{ content_type: 'text', title: 'Danh mục', payload: 'c:menu' }] }]
 */
export function renderMessenger(reply: Reply, imageUrl: (path: string) => string): MessengerMessage[] {
  return renderMessengerWithStyle(reply, imageUrl).messages;
}

/** `renderMessenger`, also saying which way the choices were shown. */
export function renderMessengerWithStyle(
  reply: Reply,
  imageUrl: (path: string) => string,
): { messages: MessengerMessage[]; style: MessengerChoiceStyle } {
  const messages: MessengerMessage[] = [];
  if (reply.image) {
    messages.push({ attachment: { type: 'image', payload: { url: imageUrl(reply.image), is_reusable: true } } });
  }
  const choices = reply.choices ?? [];
  const labels = choices.map((c) => normalizeText(c.label).trim());
  const text = textWithLink(reply);
  const parts = splitText(text, L.text);
  const last = parts.at(-1);

  if (choices.length === 0) {
    messages.push(...parts.map((text) => ({ text })));
    return { messages, style: 'none' };
  }

  if (last !== undefined && choices.length <= L.quickReplies && labels.every((l) => l.length > 0 && l.length <= L.quickReplyTitle)) {
    messages.push(...parts.slice(0, -1).map((text) => ({ text })));
    messages.push({ text: last, quick_replies: choices.map((c, i) => quickReply(labels[i]!, c)) });
    return { messages, style: 'quick_replies' };
  }

  if (last !== undefined && choices.length <= L.buttons && last.length <= L.buttonText) {
    messages.push(...parts.slice(0, -1).map((text) => ({ text })));
    messages.push({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: last,
          buttons: choices.map((c, i) => ({
            type: 'postback' as const,
            title: ellipsize(labels[i]!, L.buttonTitle) || String(i + 1),
            payload: c.payload,
          })),
        },
      },
    });
    return { messages, style: 'button_template' };
  }

  const numbered = splitText(withNumberedList(text, labels), L.text);
  const quick = choices.slice(0, L.quickReplies).map((c, i) => quickReply(String(i + 1), c));
  messages.push(...numbered.slice(0, -1).map((text) => ({ text })));
  messages.push({ text: numbered.at(-1)!, quick_replies: quick });
  return { messages, style: 'numbered' };
}

function quickReply(title: string, choice: Choice): MessengerQuickReply {
  return { content_type: 'text', title, payload: choice.payload };
}
