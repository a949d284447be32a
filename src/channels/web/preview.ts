/**
 * What the web simulator's "View as" switch shows: the same replies rendered by the Messenger and
 * Zalo renderers, exactly as those channels would send them.
 */
import { renderMessenger } from '../messenger/render.js';
import type { MessengerMessage } from '../messenger/types.js';
import { renderZalo } from '../zalo/render.js';
import type { ZaloMessage } from '../zalo/types.js';
import type { WebReply } from './schema.js';

/**
 * Render web replies for Messenger and Zalo. A web reply's `imageUrl` is already a URL, so it is
 * passed through as the image unchanged.
 *
 * @example
 * previewReplies([{ text: 'Xin chào', imageUrl: '/media/a.png' }])
 * // → { messenger: [{ attachment: { type: 'image', … url: '/media/a.png' } }, { text: 'Xin chào' }],
 * //     zalo: [{ text: 'Xin chào', attachment: { type: 'template', payload: { template_type: 'media', … } } }] }
 */
export function previewReplies(replies: WebReply[]): { messenger: MessengerMessage[]; zalo: ZaloMessage[] } {
  const same = (url: string) => url;
  const neutral = replies.map((r) => ({
    text: r.text,
    ...(r.imageUrl ? { image: r.imageUrl } : {}),
    ...(r.choices?.length ? { choices: r.choices } : {}),
    ...(r.link ? { link: r.link } : {}),
  }));
  return {
    messenger: neutral.flatMap((r) => renderMessenger(r, same)),
    zalo: neutral.flatMap((r) => renderZalo(r, same)),
  };
}
