/**
 * A channel-neutral reply as Zalo OA consultation (`message/cs`) `message` objects, within Zalo's
 * limits (shared/platforms.md §1.6). Pure: no I/O, the image URL comes from the caller.
 */
import type { Reply } from '../../engine/types.js';
import { normalizeText, splitText, textWithLink, withNumberedList } from '../split-text.js';
import { ZALO_LIMITS as L, type ZaloButton, type ZaloMessage } from './types.js';

export type { ZaloMessage } from './types.js';

/** Which way the choices were shown (for logs and the simulator's caption). */
export type ZaloChoiceStyle = 'none' | 'buttons' | 'numbered_buttons' | 'numbered';

/**
 * The messages to send, in order:
 * - the picture as a media template; a short text (≤ 300 characters, one part, no buttons) rides
 *   along as its caption, anything else follows in its own messages;
 * - the text, cut into parts of ≤ 2,000 characters (Zalo rejects longer text);
 * - the choices, on the last text part:
 *   - ≤ 5 choices, every label ≤ 20 characters → `oa.query.hide` buttons titled with the labels;
 *   - ≤ 5 choices with a longer label → the text gets a numbered list "1. label" and buttons "1", "2", …
 *     (a cut quiz answer could change its meaning, so the full wording stays in the text);
 *   - more than 5 → the numbered list only: the resident types the number, which the engine accepts.
 *
 * @example
 * renderZalo({ text: 'Xin chào', choices: [{ payload: 'c:menu', label: 'Danh mục' }] }, (p) => `https://x/${p}`)
 * // → [{ text: 'Xin chào', attachment: { type: 'template', payload: { buttons: [
 * //      { title: 'Danh mục', type: 'oa.query.hide', payload: 'c:menu' }] } } }]
 */
export function renderZalo(reply: Reply, imageUrl: (path: string) => string): ZaloMessage[] {
  return renderZaloWithStyle(reply, imageUrl).messages;
}

/** `renderZalo`, also saying which way the choices were shown. */
export function renderZaloWithStyle(
  reply: Reply,
  imageUrl: (path: string) => string,
): { messages: ZaloMessage[]; style: ZaloChoiceStyle } {
  const choices = reply.choices ?? [];
  const labels = choices.map((c) => normalizeText(c.label).trim());
  const text = textWithLink(reply);
  let parts = splitText(text, L.text);
  let buttons: ZaloButton[] = [];
  let style: ZaloChoiceStyle = 'none';

  if (choices.length > 0) {
    if (parts.length > 0 && choices.length <= L.buttons && labels.every((l) => l.length > 0 && l.length <= L.buttonTitle)) {
      buttons = choices.map((c, i) => ({ title: labels[i]!, type: 'oa.query.hide', payload: c.payload }));
      style = 'buttons';
    } else {
      parts = splitText(withNumberedList(text, labels), L.text);
      if (choices.length <= L.buttons) {
        buttons = choices.map((c, i) => ({ title: String(i + 1), type: 'oa.query.hide', payload: c.payload }));
        style = 'numbered_buttons';
      } else {
        style = 'numbered';
      }
    }
  }

  const messages: ZaloMessage[] = [];
  if (reply.image) {
    const attachment = {
      type: 'template' as const,
      payload: { template_type: 'media' as const, elements: [{ media_type: 'image' as const, url: imageUrl(reply.image) }] },
    };
    const only = parts.length === 1 ? parts[0]! : undefined;
    if (only !== undefined && buttons.length === 0 && only.length <= L.imageCaption) {
      messages.push({ text: only, attachment });
      return { messages, style };
    }
    messages.push({ attachment });
  }
  messages.push(...parts.slice(0, -1).map((text) => ({ text })));
  const last = parts.at(-1);
  if (last !== undefined) {
    messages.push(buttons.length ? { text: last, attachment: { type: 'template', payload: { buttons } } } : { text: last });
  }
  return { messages, style };
}
