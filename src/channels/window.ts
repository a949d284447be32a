/**
 * May we message a resident now, and how? One function for reminders, spaced review and broadcasts,
 * from the platforms' rules (shared/platforms.md):
 * - Messenger: within 24 h of the resident's last message, as RESPONSE/UPDATE; outside it only with a
 *   message tag, and no tag allows reminders or alerts, so: not reachable now.
 * - Zalo OA: consultation ("tư vấn") messages within 7 days of the last interaction; free within 48 h,
 *   charged from 48 h to 7 days; after that only approved ZBS templates, which we do not send.
 * - Web chat (the simulator page, also offered on lesson links): our own mailbox, which the page
 *   fetches while open (src/channels/web/). No platform rule; we write there for 30 days after the
 *   resident's last message, as long as the mailbox keeps what it is given.
 * - Bot Framework: depends on the channel behind Azure Bot Service; we do not send proactively there.
 */
import type { ChannelId } from './activity.js';

export const HOUR = 60 * 60 * 1000;
export const MESSENGER_WINDOW_MS = 24 * HOUR;
export const ZALO_FREE_MS = 48 * HOUR;
export const ZALO_WINDOW_MS = 7 * 24 * HOUR;
export const WEB_WINDOW_MS = 30 * 24 * HOUR;

/** The channels the bot may write to first (alerts, review follow-ups), within their windows below. */
export const PUSH_CHANNELS = ['messenger', 'zalo', 'web'] as const;
export type PushChannel = (typeof PUSH_CHANNELS)[number];

/** The push channel of a resident id (`zalo:123` → `zalo`), or undefined for one we never write to first. */
export function pushChannelOf(residentId: string): PushChannel | undefined {
  const channel = residentId.slice(0, residentId.indexOf(':'));
  return (PUSH_CHANNELS as readonly string[]).includes(channel) ? (channel as PushChannel) : undefined;
}

export interface Contact {
  /** Last time the resident wrote to us or tapped a button, ms. */
  lastInbound?: number | undefined;
  /** `unreachable` after a block, an unfollow or a platform saying so. */
  status?: string | undefined;
}

export type Reach =
  | {
      can: true;
      /** Messenger `messaging_type`, Zalo's consultation message and whether it is charged, or the web mailbox. */
      how: 'messenger-response' | 'messenger-update' | 'zalo-cs-free' | 'zalo-cs-paid' | 'web-mailbox';
      /** Until when this holds, ms. */
      until: number;
    }
  | { can: false; why: 'unreachable' | 'never-wrote' | 'window-closed' | 'no-push-channel' };

/**
 * @example
 * messagingWindow('zalo', { lastInbound: now - 3 * DAY }, now) // { can: true, how: 'zalo-cs-paid', until: … }
 */
export function messagingWindow(channel: ChannelId, contact: Contact, now: number, replying = false): Reach {
  if (channel === 'botframework') return { can: false, why: 'no-push-channel' };
  if (contact.status === 'unreachable') return { can: false, why: 'unreachable' };
  const last = contact.lastInbound;
  if (last === undefined) return { can: false, why: 'never-wrote' };
  const since = now - last;
  if (channel === 'web') {
    if (since >= WEB_WINDOW_MS) return { can: false, why: 'window-closed' };
    return { can: true, how: 'web-mailbox', until: last + WEB_WINDOW_MS };
  }
  if (channel === 'messenger') {
    if (since >= MESSENGER_WINDOW_MS) return { can: false, why: 'window-closed' };
    return { can: true, how: replying ? 'messenger-response' : 'messenger-update', until: last + MESSENGER_WINDOW_MS };
  }
  if (since < ZALO_FREE_MS) return { can: true, how: 'zalo-cs-free', until: last + ZALO_FREE_MS };
  if (since < ZALO_WINDOW_MS) return { can: true, how: 'zalo-cs-paid', until: last + ZALO_WINDOW_MS };
  return { can: false, why: 'window-closed' };
}
