/**
 * The Zalo OA webhook body (shared/platforms.md §1.3–1.5): its signature, its shape, and the common
 * activity it becomes. Zalo posts one event per request.
 *
 * - `X-ZEvent-Signature: mac=<hex>`, `hex = sha256(id + rawBody + timestamp + oaSecretKey)`: a plain
 *   SHA-256 of the concatenation, not an HMAC, over the RAW bytes received, with `timestamp` as written
 *   in the body. Which id comes first is UNCONFIRMED (app id as documented, OA id as reported), so
 *   the caller passes the candidates it accepts (ZALO_SIGNATURE_ID) and learns which one matched.
 * - Events are routed on `event_name`. `follow`/`unfollow` carry `follower.id` instead of `sender`.
 * - Button taps: our `oa.query.hide` buttons come back as an ordinary `user_send_text` whose text is
 *   the button's payload (render.ts), so a text that parses as one of our payloads is a tap.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parsePayload } from '../../engine/payloads.js';
import { InboundActivity } from '../activity.js';

/** Which configured id a signature was made with. */
export type SignatureIdName = 'app_id' | 'oa_id';
export interface SignatureId {
  name: SignatureIdName;
  value: string;
}

/** 18–19 digit ids arrive as strings; a number is only taken when it survived JSON parsing intact. */
const Id = z.union([z.string().min(1).max(128), z.number().int().nonnegative().refine(Number.isSafeInteger, 'id lost precision').transform(String)]);
/** `timestamp` as written in the body (a string of digits, or a plain integer). */
const RawTimestamp = z.union([
  z.string().regex(/^\d{1,22}$/, 'must be digits'),
  z.number().int().nonnegative().refine(Number.isSafeInteger, 'timestamp lost precision').transform(String),
]);

/** What every event has: enough to check the signature and route it. */
export const ZaloEnvelope = z
  .object({
    event_name: z.string().min(1).max(100),
    timestamp: RawTimestamp,
  })
  .loose();
export type ZaloEnvelope = z.infer<typeof ZaloEnvelope>;

export const ZaloUserMessageEvent = z
  .object({
    event_name: z.string().startsWith('user_send_'),
    sender: z.object({ id: Id }).loose(),
    recipient: z.object({ id: Id.optional() }).loose().optional(),
    message: z
      .object({
        msg_id: z.string().min(1).max(256),
        text: z.string().optional(),
        attachments: z.array(z.unknown()).optional(),
      })
      .loose(),
    timestamp: RawTimestamp,
  })
  .loose();
export type ZaloUserMessageEvent = z.infer<typeof ZaloUserMessageEvent>;

export const ZaloFollowEvent = z
  .object({
    event_name: z.enum(['follow', 'unfollow']),
    follower: z.object({ id: Id }).loose(),
    oa_id: Id.optional(),
    source: z.string().optional(),
    timestamp: RawTimestamp,
  })
  .loose();
export type ZaloFollowEvent = z.infer<typeof ZaloFollowEvent>;

/**
 * Events we know and deliberately do not answer: OA echoes (`sender` is the OA; answering them would
 * talk to ourselves), receipts, anonymous chats (another id space), form answers, tag changes.
 */
const KNOWN_IGNORED = /^(oa_send_[a-z_]+|user_received_message|user_seen_message|anonymous_send_[a-z_]+|user_submit_info|add_user_to_tag|user_reacted_message|oa_reacted_message|user_click_[a-z_]+|shop_has_order|change_oa_[a-z_]+|change_template_[a-z_]+|user_feedback)$/;

const SIGNATURE = /^(?:mac=)?([0-9a-fA-F]{64})$/;

/**
 * Which of `ids` the `X-ZEvent-Signature` header was made with, or `undefined` when none matches (or
 * the header is missing or malformed). Constant-time per candidate; every candidate is checked.
 *
 * @example
 * verifySignature(raw, 'mac=3f…', '1699003881354', [{ name: 'app_id', value: '4321…' }], oaSecret) // 'app_id'
 */
export function verifySignature(
  rawBody: Buffer,
  header: string | undefined,
  timestamp: string,
  ids: readonly SignatureId[],
  secret: string,
): SignatureIdName | undefined {
  if (typeof header !== 'string' || !secret) return undefined;
  const m = SIGNATURE.exec(header.trim());
  if (!m) return undefined;
  const given = Buffer.from(m[1]!, 'hex');
  let matched: SignatureIdName | undefined;
  for (const id of ids) {
    const expected = digest(rawBody, id.value, timestamp, secret);
    if (timingSafeEqual(given, expected) && matched === undefined) matched = id.name;
  }
  return matched;
}

/** The header Zalo would send for these bytes (tests, tools). */
export function signBody(rawBody: Buffer | string, id: string, timestamp: string, secret: string): string {
  return `mac=${digest(Buffer.from(rawBody), id, timestamp, secret).toString('hex')}`;
}

function digest(rawBody: Buffer, id: string, timestamp: string, secret: string): Buffer {
  return createHash('sha256').update(id, 'utf8').update(rawBody).update(timestamp, 'utf8').update(secret, 'utf8').digest();
}

/** How a body timestamp was read; Zalo's examples are ms, but ids "of 18–19 digits" are also quoted. */
export type TimestampUnit = 's' | 'ms' | 'us' | 'ns';

/**
 * A body timestamp in ms, whatever its unit, judged by its number of digits (for dates after 2001:
 * 10 digits are seconds, 13 ms, 16 µs, 19 ns). Digits are cut as text, so 19 digits stay exact.
 *
 * @example
 * timestampMs('1699003881354') // { ms: 1699003881354, unit: 'ms' }
 */
export function timestampMs(raw: string): { ms: number; unit: TimestampUnit } {
  const digits = raw.replace(/^0+(?=\d)/, '');
  const n = digits.length;
  if (n <= 11) return { ms: Number(digits) * 1000, unit: 's' };
  if (n <= 14) return { ms: Number(digits), unit: 'ms' };
  if (n <= 17) return { ms: Number(digits.slice(0, n - 3)), unit: 'us' };
  return { ms: Number(digits.slice(0, n - 6)), unit: 'ns' };
}

export type Conversion =
  | { kind: 'activity'; activity: InboundActivity; unit: TimestampUnit }
  /** Known events that are not ours to answer (echoes, receipts…). */
  | { kind: 'ignored'; event: string }
  /** An event name we have never heard of: acknowledged and dropped. */
  | { kind: 'unknown'; event: string }
  /** A known event without the fields it must have. */
  | { kind: 'invalid'; issues: string[] };

/** Texts longer than this are cut (InboundActivity allows 8,000; Zalo itself sends far less). */
const MAX_TEXT = 8000;

/**
 * The activity one webhook event becomes.
 * - `user_send_text`: a text, or a button tap when the text is one of our payloads (`n:intro`, `c:menu`…);
 * - every other `user_send_*` (image, sticker, gif, link, location, file…): an empty message, "I'm here";
 * - `follow`: a start (the welcome); `unfollow`: nothing to answer, the resident becomes unreachable.
 * Ids: the platform's `msg_id`; follow/unfollow get `<event>:<follower>:<timestamp>`, the same on redelivery.
 */
export function convert(envelope: ZaloEnvelope): Conversion {
  const name = envelope.event_name;
  if (name === 'follow' || name === 'unfollow') {
    const parsed = ZaloFollowEvent.safeParse(envelope);
    if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
    const e = parsed.data;
    const { ms, unit } = timestampMs(e.timestamp);
    return checked(
      { type: 'event', channelId: 'zalo', id: `${name}:${e.follower.id}:${e.timestamp}`, timestamp: ms, from: { id: e.follower.id }, name },
      unit,
    );
  }
  if (name.startsWith('user_send_')) {
    const parsed = ZaloUserMessageEvent.safeParse(envelope);
    if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
    const e = parsed.data;
    const { ms, unit } = timestampMs(e.timestamp);
    const base = { type: 'message' as const, channelId: 'zalo' as const, id: e.message.msg_id, timestamp: ms, from: { id: e.sender.id } };
    if (name !== 'user_send_text') return checked({ ...base, text: '' }, unit);
    const text = e.message.text ?? '';
    if (isOurPayload(text)) return checked({ ...base, value: { payload: text } }, unit);
    return checked({ ...base, text: text.slice(0, MAX_TEXT) }, unit);
  }
  return KNOWN_IGNORED.test(name) ? { kind: 'ignored', event: name } : { kind: 'unknown', event: safeEventName(name) };
}

/**
 * Whether a text is exactly one of our button payloads (`engine/payloads.ts`: `n:intro`, `o:ask-otp:1`,
 * `c:menu`…). They never hold spaces, so a resident typing "n: tiếp" is still read as text.
 */
export function isOurPayload(text: string): boolean {
  return text.length > 0 && text.length <= 1000 && !/\s/.test(text) && parsePayload(text) !== undefined;
}

/** Within our own limits (id length, user id charset), or refused rather than stored broken. */
function checked(candidate: InboundActivity, unit: TimestampUnit): Conversion {
  const result = InboundActivity.safeParse(candidate);
  return result.success ? { kind: 'activity', activity: result.data, unit } : { kind: 'invalid', issues: issuesOf(result.error) };
}

/** Field paths and problems, never the values sent. */
function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
}

/** An event name fit for a log line (it is not personal data, but it is input). */
export function safeEventName(name: string): string {
  return /^[A-Za-z0-9_.-]{1,60}$/.test(name) ? name : 'unprintable';
}
