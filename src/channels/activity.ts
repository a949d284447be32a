/**
 * The common inbound message every channel adapter produces: a small, zod-validated subset of the
 * Bot Framework Activity (type, id, timestamp, channelId, from, text, value, name). Our own type, not
 * botbuilder's, so that only `src/channels/botframework/` depends on the (archived) Bot Framework SDK.
 */
import { z } from 'zod';
import type { Input } from '../engine/types.js';

export const ChannelId = z.enum(['web', 'messenger', 'zalo', 'botframework']);
export type ChannelId = z.infer<typeof ChannelId>;

export const InboundActivity = z
  .object({
    type: z.enum(['message', 'event']),
    channelId: ChannelId,
    /** The platform's id for this event; a redelivery carries the same id. */
    id: z.string().min(1).max(256),
    /** When the resident sent it, platform time in ms: one resident's messages are handled in this order. */
    timestamp: z.number().int().nonnegative(),
    from: z.object({ id: z.string().min(1).max(128).regex(/^[^{}\s]+$/), name: z.string().max(100).optional() }),
    text: z.string().max(8000).optional(),
    /** A tapped button's payload. */
    value: z.object({ payload: z.string().max(1000) }).optional(),
    /** For `event`s: the resident opened the chat (Get Started), followed or unfollowed; or our own review follow-up. */
    name: z.enum(['start', 'follow', 'unfollow', 'review', 'alert']).optional(),
    /** A referral code (Messenger m.me `?ref=`), if the resident came through a link. */
    ref: z.string().max(200).optional(),
  })
  .strict();
export type InboundActivity = z.infer<typeof InboundActivity>;

export function residentIdOf(activity: Pick<InboundActivity, 'channelId' | 'from'>): string {
  return `${activity.channelId}:${activity.from.id}`;
}

/** What the engine should make of an activity; `undefined` when there is nothing to answer (unfollow). */
export function toInput(activity: InboundActivity): Input | undefined {
  if (activity.type === 'event') {
    if (activity.name === 'unfollow') return undefined;
    if (activity.name === 'review') return { type: 'reminder' };
    if (activity.name === 'alert') return activity.ref ? { type: 'alert', alertId: activity.ref } : undefined;
    return activity.ref ? { type: 'start', ref: activity.ref } : { type: 'start' };
  }
  if (activity.value) return { type: 'payload', payload: activity.value.payload };
  if (activity.text !== undefined && activity.text.trim() !== '') return { type: 'text', text: activity.text };
  // A sticker or a photo without text: treat it as "I'm here", which shows where the resident is.
  return { type: 'text', text: '' };
}
