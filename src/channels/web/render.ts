/** A channel-neutral reply as the web chat shows it: one message each, the picture as a URL. */
import type { Reply } from '../../engine/types.js';
import type { WebReply } from './schema.js';

export function toWebReply(reply: Reply, mediaUrl: (path: string) => string): WebReply {
  return {
    text: reply.text,
    ...(reply.image ? { imageUrl: mediaUrl(reply.image) } : {}),
    ...(reply.choices?.length ? { choices: reply.choices } : {}),
    ...(reply.link ? { link: reply.link } : {}),
  };
}
