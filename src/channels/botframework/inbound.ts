/**
 * A Bot Framework activity as our channel-neutral `InboundActivity` (src/channels/activity.ts):
 *
 * - `message` → a message: a tapped button's payload (see `payloadOf`), else the text (a photo or a
 *   sticker without text becomes an empty text, "I'm here").
 * - `conversationUpdate` that adds the bot (the Emulator opening a chat, Teams installing the bot, Web
 *   Chat connecting) → a `start` event, answered with the welcome and the lesson menu.
 * - everything else (typing, reactions, members leaving, invokes, events…) → ignored.
 *
 * The resident is `botframework:<channelId>:<from.id>`: the same user id on two channels behind Azure
 * Bot Service is two people.
 */
import { createHash } from 'node:crypto';
import { parsePayload } from '../../engine/payloads.js';
import { InboundActivity } from '../activity.js';
import type { BotFrameworkActivity } from './types.js';

export type Conversion =
  | { type: 'turn'; activity: InboundActivity }
  | { type: 'ignored'; reason: string }
  /** The activity is for us but does not fit our limits (no id, no sender…): refused with 400. */
  | { type: 'unreadable'; reason: string };

/** Texts longer than this are cut (InboundActivity allows 8,000). */
const MAX_TEXT = 8000;
const MAX_NAME = 100;
const MAX_ID = 256;
const MAX_USER_ID = 128;
/** What InboundActivity accepts as a user id. */
const USER_ID = /^[^{}\s]+$/;

/**
 * @example
 * toInbound({ type: 'message', id: 'a1', channelId: 'emulator', serviceUrl: 'http://localhost:5000',
 *   from: { id: 'u1' }, conversation: { id: 'c1' }, text: 'menu' }, Date.now)
 * // → { type: 'turn', activity: { type: 'message', channelId: 'botframework', id: 'a1', from: { id: 'emulator:u1' }, text: 'menu', … } }
 */
export function toInbound(a: BotFrameworkActivity, clock: () => number): Conversion {
  const fromId = a.from?.id;
  if (a.type === 'message') {
    if (!a.id) return { type: 'unreadable', reason: 'no_id' };
    if (!fromId) return { type: 'unreadable', reason: 'no_from' };
    const payload = payloadOf(a);
    const text = (a.text ?? '').slice(0, MAX_TEXT);
    return checked({
      type: 'message',
      ...base(a, fromId, a.id, clock),
      ...(payload !== undefined ? { value: { payload } } : { text }),
    });
  }
  if (a.type === 'conversationUpdate') {
    const botId = a.recipient?.id;
    const botAdded = botId !== undefined && (a.membersAdded ?? []).some((m) => m.id === botId);
    if (!botAdded) return { type: 'ignored', reason: 'members_changed' };
    // Sent by the channel on the user's behalf; without a user there is no one to welcome.
    if (!fromId || fromId === botId) return { type: 'ignored', reason: 'no_user' };
    return checked({ type: 'event', name: 'start', ...base(a, fromId, a.id ?? `conversationUpdate:${a.conversation.id}`, clock) });
  }
  return { type: 'ignored', reason: 'activity_type' };
}

/**
 * The payload of a tapped button, if this message is one:
 * - `value: { payload: "…" }` (a postBack or messageBack with an object value, an Adaptive Card submit);
 * - a string `value` (channels that put a postBack's value there);
 * - Web Chat and the Emulator send a postBack with a string value as `text` with `channelData.postBack: true`;
 * - channels without postBack send it as an imBack: the text is then exactly one of our payloads.
 * Typed text that merely looks like a payload counts as a tap, which is harmless: it does what the button does.
 */
export function payloadOf(a: Pick<BotFrameworkActivity, 'text' | 'value' | 'channelData'>): string | undefined {
  const value = a.value;
  if (isRecord(value) && typeof value.payload === 'string' && value.payload) return value.payload.slice(0, 1000);
  if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 1000);
  const text = a.text?.trim();
  if (!text || text.length > 1000) return undefined;
  if (isRecord(a.channelData) && a.channelData.postBack === true) return text;
  return parsePayload(text) ? text : undefined;
}

function base(a: BotFrameworkActivity, fromId: string, id: string, clock: () => number) {
  const ts = a.timestamp ? Date.parse(a.timestamp) : Number.NaN;
  // The Emulator calls every user "User": greeting with it would be odd, so only real names are used.
  const name = a.channelId === 'emulator' ? undefined : a.from?.name?.trim().slice(0, MAX_NAME) || undefined;
  return {
    channelId: 'botframework' as const,
    id: id.length <= MAX_ID ? id : `h:${digest(id)}`,
    timestamp: Number.isFinite(ts) && ts >= 0 ? ts : clock(),
    from: { id: userId(a.channelId, fromId), ...(name ? { name } : {}) },
  };
}

/** `<channelId>:<user id>`, or a digest of the user id when it is too long or has characters we do not store. */
export function userId(channelId: string, fromId: string): string {
  const plain = `${channelId}:${fromId}`;
  return plain.length <= MAX_USER_ID && USER_ID.test(plain) ? plain : `${channelId}:h:${digest(fromId)}`;
}

function digest(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64url');
}

function checked(candidate: unknown): Conversion {
  const parsed = InboundActivity.safeParse(candidate);
  return parsed.success ? { type: 'turn', activity: parsed.data } : { type: 'unreadable', reason: 'out_of_limits' };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
