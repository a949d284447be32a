/**
 * The web chat's sender: the page cannot be called, so a message the bot writes first (an alert, a
 * review follow-up) goes into the resident's mailbox, a short Redis stream the page reads while it
 * is open (`GET /channels/web/messages`). The mailbox keeps the latest MAILBOX_MAX messages and
 * goes after WEB_WINDOW_MS without a new one, the time the bot may write there at all.
 */
import { WEB_WINDOW_MS } from '../window.js';
import type { Reply } from '../../engine/types.js';
import type { Keys } from '../../store/keys.js';
import type { ScriptedRedis } from '../../store/redis.js';
import type { ChannelClient, PlatformMessage, SendOutcome } from '../channel.js';
import { toWebReply } from './render.js';

export const MAILBOX_MAX = 50;
/** The stream field that holds a message (WebReply JSON). */
export const MAILBOX_FIELD = 'm';

export interface WebClientDeps {
  redis: ScriptedRedis;
  keys: Keys;
  mediaUrl: (path: string) => string;
}

export function createWebClient({ redis, keys, mediaUrl }: WebClientDeps): ChannelClient {
  return {
    channel: 'web',
    render: (reply: Reply): PlatformMessage[] => [toWebReply(reply, mediaUrl)],
    async send(userId: string, message: PlatformMessage): Promise<SendOutcome> {
      const key = keys.resident(`web:${userId}`).mailbox;
      try {
        const results = await redis
          .multi()
          .xadd(key, 'MAXLEN', MAILBOX_MAX, '*', MAILBOX_FIELD, JSON.stringify(message))
          .pexpire(key, WEB_WINDOW_MS)
          .exec();
        const failed = results?.find(([err]) => err)?.[0];
        if (!results || failed) return { type: 'retry', reason: `mailbox not written: ${failed?.message ?? 'transaction aborted'}` };
        return { type: 'sent' };
      } catch (err) {
        // Redis away: the message stays in the outbox and is tried again, as after a platform's 503.
        return { type: 'retry', reason: `mailbox not written: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
  };
}
