/**
 * A channel-neutral reply as Bot Framework message activities. Pure: no I/O, no SDK; the image URL
 * comes from the caller.
 */
import type { Reply } from '../../engine/types.js';
import { normalizeText, splitText, textWithLink } from '../split-text.js';
import { BOT_FRAMEWORK_TEXT_LIMIT, type BotFrameworkAttachment, type BotFrameworkMessage } from './types.js';

/**
 * The activities to send, in order:
 * 1. the picture, as an image attachment of its own (first, as on Messenger and Zalo);
 * 2. the text, as plain text cut into parts of ≤ 2,000 characters (paragraph, line, sentence, word);
 * 3. the choices, as suggested actions on the last part: `postBack` buttons titled with the label and
 *    carrying the payload as their value. Web Chat and the Emulator send a postBack back without
 *    showing it in the chat; channels without postBack treat it as an imBack (the payload comes back
 *    as text, which `payloadOf` recognises).
 *
 * @example
 * renderBotFramework({ text: 'Xin chào', choices: [{ payload: 'c:menu', label: 'Danh mục' }] }, (p) => `https://x/${p}`)
 * // → [{ type: 'message', text: 'Xin chào', textFormat: 'plain',
 * //      suggestedActions: { actions: [{ type: 'postBack', title: 'Danh mục', value: 'c:menu' }] } }]
 */
export function renderBotFramework(reply: Reply, imageUrl: (path: string) => string): BotFrameworkMessage[] {
  const messages: BotFrameworkMessage[] = [];
  if (reply.image) messages.push({ type: 'message', attachments: [imageAttachment(reply.image, imageUrl)] });

  const parts = splitText(textWithLink(reply), BOT_FRAMEWORK_TEXT_LIMIT);
  const actions = (reply.choices ?? []).map((c, i) => ({
    type: 'postBack' as const,
    title: normalizeText(c.label).trim() || String(i + 1),
    value: c.payload,
  }));
  // Buttons need a message to hang on: an empty text still shows them.
  if (parts.length === 0 && actions.length > 0) parts.push('');
  parts.forEach((text, i) => {
    const last = i === parts.length - 1;
    messages.push({
      type: 'message',
      text,
      textFormat: 'plain',
      ...(last && actions.length ? { suggestedActions: { actions } } : {}),
    });
  });
  return messages;
}

export function imageAttachment(path: string, imageUrl: (path: string) => string): BotFrameworkAttachment {
  const name = path.split('/').at(-1) ?? path;
  return {
    contentType: /\.jpe?g$/i.test(path) ? 'image/jpeg' : 'image/png',
    contentUrl: imageUrl(path),
    name,
  };
}
