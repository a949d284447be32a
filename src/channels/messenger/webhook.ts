/**
 * The Messenger webhook body (shared/platforms.md §2.2–2.3, 2.8): its signature, its shape, and the
 * common activities its events become.
 *
 * - The signature is an HMAC-SHA256 of the RAW body bytes with the App Secret. Meta signs the
 *   escaped-unicode form (`"ch\u00e0o"`), so the bytes must be hashed as received, never a
 *   re-serialised body.
 * - One POST carries `entry[]`, each with `messaging[]` (and `standby[]` while another app owns the
 *   thread). The kind of an event is the key present: message, postback, referral, read, delivery…
 * - Only the envelope must have the expected shape. A single event we cannot read (a new kind, a
 *   changed field) is skipped, not answered with 400: a 400 makes Meta redeliver the whole batch for
 *   up to 36 h and, after an hour of failures, unsubscribe the app from the Page.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InboundActivity } from '../activity.js';

/** The Get Started button's payload (set with the Messenger Profile API, `get_started.payload`). */
export const GET_STARTED = 'GET_STARTED';

const Id = z.union([z.string(), z.number().transform(String)]);

export const MessengerReferral = z.object({
  ref: z.string().optional(),
  source: z.string().optional(),
  type: z.string().optional(),
});

export const MessengerMessageEvent = z.object({
  mid: z.string().min(1),
  text: z.string().optional(),
  quick_reply: z.object({ payload: z.string() }).optional(),
  is_echo: z.boolean().optional(),
  attachments: z.array(z.object({ type: z.string().optional() }).loose()).optional(),
});

export const MessengerPostback = z.object({
  title: z.string().optional(),
  /** Absent on standby postbacks. */
  payload: z.string().optional(),
  mid: z.string().optional(),
  referral: MessengerReferral.optional(),
});

export const MessengerMessagingEvent = z.object({
  /** `id` is the PSID; plugin opt-ins carry `user_ref` instead and are not ours to answer. */
  sender: z.object({ id: Id.optional() }).loose(),
  recipient: z.object({ id: Id.optional() }).loose().optional(),
  /** ms */
  timestamp: z.number().int().nonnegative(),
  message: MessengerMessageEvent.optional(),
  postback: MessengerPostback.optional(),
  referral: MessengerReferral.optional(),
  read: z.unknown().optional(),
  delivery: z.unknown().optional(),
});
export type MessengerMessagingEvent = z.infer<typeof MessengerMessagingEvent>;

export const MessengerEntry = z.object({
  id: Id.optional(),
  time: z.number().optional(),
  /** Each event is read on its own (`MessengerMessagingEvent`), so one odd event cannot refuse the batch. */
  messaging: z.array(z.unknown()).max(5000).optional(),
  standby: z.array(z.unknown()).max(5000).optional(),
});

export const MessengerWebhookBody = z.object({
  object: z.string(),
  entry: z.array(MessengerEntry).max(5000),
});
export type MessengerWebhookBody = z.infer<typeof MessengerWebhookBody>;

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Whether `header` (`X-Hub-Signature-256: sha256=<hex>`) is the HMAC-SHA256 of exactly these bytes
 * with the App Secret. Constant-time; false for a missing or malformed header.
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (typeof header !== 'string' || !appSecret) return false;
  const m = SIGNATURE.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The signature header Meta would send for these bytes (tests, tools). */
export function signBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export interface ConversionResult {
  activities: InboundActivity[];
  /** Events that were not ours to answer (echoes, reads, deliveries, standby, unknown kinds). */
  ignored: number;
  /** Events we could not read at all. */
  unreadable: number;
}

/**
 * The activities a webhook body holds, in delivery order. Echoes, reads, deliveries, reactions,
 * opt-ins and everything in `standby[]` (another app owns the thread: we must not answer) give nothing.
 */
export function toActivities(body: MessengerWebhookBody): InboundActivity[] {
  return convert(body).activities;
}

export function convert(body: MessengerWebhookBody): ConversionResult {
  const out: ConversionResult = { activities: [], ignored: 0, unreadable: 0 };
  for (const entry of body.entry) {
    out.ignored += entry.standby?.length ?? 0;
    for (const raw of entry.messaging ?? []) {
      const parsed = MessengerMessagingEvent.safeParse(raw);
      if (!parsed.success) {
        out.unreadable++;
        continue;
      }
      const candidate = toActivity(parsed.data);
      if (!candidate) {
        out.ignored++;
        continue;
      }
      // Within our own limits (id, PSID charset, lengths), or skipped rather than stored broken.
      const checked = InboundActivity.safeParse(candidate);
      if (checked.success) out.activities.push(checked.data);
      else out.unreadable++;
    }
  }
  return out;
}

/** Texts longer than this are cut (InboundActivity allows 8,000; Messenger itself sends far less). */
const MAX_TEXT = 8000;
/** A `ref` longer than InboundActivity allows is dropped rather than cut into a different code. */
const MAX_REF = 200;

function toActivity(e: MessengerMessagingEvent): InboundActivity | undefined {
  const psid = e.sender.id;
  if (!psid) return undefined;
  const base = { channelId: 'messenger' as const, timestamp: e.timestamp, from: { id: psid } };

  if (e.message) {
    const m = e.message;
    if (m.is_echo) return undefined;
    if (m.quick_reply) {
      return { ...base, type: 'message', id: m.mid, value: { payload: m.quick_reply.payload }, ...text(m.text) };
    }
    // A sticker or photo without text becomes an empty message ("I'm here").
    return { ...base, type: 'message', id: m.mid, text: (m.text ?? '').slice(0, MAX_TEXT) };
  }

  if (e.postback) {
    const p = e.postback;
    if (p.payload === undefined) return undefined;
    const id = p.mid ?? derivedId('postback', psid, e.timestamp);
    if (p.payload === GET_STARTED) {
      return { ...base, type: 'event', id, name: 'start', ...ref(p.referral?.ref) };
    }
    return { ...base, type: 'message', id, value: { payload: p.payload } };
  }

  if (e.referral) {
    // An m.me link (or an ad) opened an existing thread.
    return { ...base, type: 'event', id: derivedId('referral', psid, e.timestamp), name: 'start', ...ref(e.referral.ref) };
  }

  return undefined; // read, delivery, reaction, optin, message_edit…
}

/** Postbacks without a `mid` and referrals have no id of their own; a redelivery has the same sender and time. */
function derivedId(kind: string, psid: string, timestamp: number): string {
  return `${kind}:${psid}:${timestamp}`;
}

function text(t: string | undefined): { text?: string } {
  return t === undefined ? {} : { text: t.slice(0, MAX_TEXT) };
}

function ref(r: string | undefined): { ref?: string } {
  return r && r.length <= MAX_REF ? { ref: r } : {};
}
