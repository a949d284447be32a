/**
 * A resident's outbox entries: platform messages committed with a turn (or by the alert lane) and
 * sent afterwards, in order, by whoever holds the resident. The processor sends them; the alert
 * lane writes them too, in the same shape, so either can finish what the other started.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelId } from '../channels/activity.js';
import type { PlatformMessage } from '../channels/channel.js';
import { safeJson } from '../json.js';

export interface OutboxEntry {
  id: string;
  channel: ChannelId;
  userId: string;
  message: PlatformMessage;
  attempts: number;
  /** Set for an official's alert: not sent once it is cancelled; its delivery is counted on its last message. */
  alertId?: string;
  /** We wrote first (an alert, a review follow-up), not an answer to the resident. */
  proactive?: boolean;
  countsAlert?: boolean;
}

/** An outbox entry as stored (the acknowledgement compares it) and as read. */
export interface Queued {
  raw: string;
  entry: OutboxEntry | undefined;
}

/**
 * Entry ids: unique per process start and counter. The acknowledgement compares the whole stored
 * entry, so an id only has to tell two otherwise equal messages apart; a random UUID per message
 * cost a share of a turn's CPU.
 */
const BOOT = randomUUID().slice(0, 8);
let sequence = 0;
const entryId = () => `${BOOT}.${(++sequence).toString(36)}`;

/** The entries for one resident's platform messages, in order. */
export function outboxEntries(channel: ChannelId, userId: string, messages: readonly PlatformMessage[], alertId?: string, proactive = false): Queued[] {
  return messages.map((message, i) => {
    const entry: OutboxEntry = {
      id: entryId(), channel, userId, message, attempts: 0,
      ...(proactive ? { proactive } : {}),
      // One alert is several platform messages (picture, text): count it once, on its last message.
      ...(alertId ? { alertId, ...(i === messages.length - 1 ? { countsAlert: true } : {}) } : {}),
    };
    return { raw: JSON.stringify(entry), entry };
  });
}

export const queued = (raw: string): Queued => ({ raw, entry: safeJson(raw) as OutboxEntry | undefined });


const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 5 * 60_000;

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s … up to 5 min, each randomised. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
