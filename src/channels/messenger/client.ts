/**
 * Sending to Messenger through the Send API (shared/platforms.md §2.5, §2.9), and classifying every
 * answer for the processor: sent, retry later, the resident cannot be reached, or refused.
 *
 * The Page token travels only in the `access_token` query parameter and is never logged; neither are
 * PSIDs, texts or Meta's error messages (which may quote them): logs carry status and error codes.
 */
import type { Reply } from '../../engine/types.js';
import type { Logger } from '../../log.js';
import type { ChannelClient, PlatformMessage, SendOptions, SendOutcome } from '../channel.js';
import { postJson, type PostAnswer } from '../http-post.js';
import { renderMessenger } from './render.js';
import type { SavedPictures } from './saved-pictures.js';

export interface MessengerClientOptions {
  /** `MESSENGER_GRAPH_URL`, e.g. `https://graph.facebook.com/v25.0` (no trailing slash). */
  graphUrl: string;
  pageAccessToken: string;
  log: Logger;
  /** Absolute public URL of a lesson picture; Messenger fetches images itself. */
  mediaUrl: (path: string) => string;
  /** Pictures Meta saved for this Page, sent by id instead of URL (none: always by URL). */
  savedPictures?: SavedPictures;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  clock?: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Longest wait we take from a Retry-After header; anything longer is the processor's backoff problem. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

export const TOKEN_INVALID = 'token invalid: check MESSENGER_PAGE_ACCESS_TOKEN';

/** `{ error: { code, error_subcode, message, type, fbtrace_id } }` */
interface GraphError {
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

export interface MessengerClient extends ChannelClient {
  channel: 'messenger';
}

export function createMessengerClient(opts: MessengerClientOptions): MessengerClient {
  const { log } = opts;
  const clock = opts.clock ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const endpoint = `${opts.graphUrl.replace(/\/+$/, '')}/me/messages`;
  let tokenErrorLogged = false;
  const saved = opts.savedPictures;

  return {
    channel: 'messenger',

    render(reply: Reply): PlatformMessage[] {
      const messages: PlatformMessage[] = renderMessenger(reply, opts.mediaUrl);
      // A picture takes Messenger a moment to fetch and show: say "typing…" first so the resident
      // waits. Not for a picture Meta has saved: that one shows at once.
      const fetched = messages.some((m) => {
        const url = pictureUrl(m);
        return url !== undefined && !saved?.idFor(url);
      });
      if (fetched) return [{ sender_action: 'typing_on' }, ...messages];
      return messages;
    },

    async send(userId: string, message: PlatformMessage, options: SendOptions = {}): Promise<SendOutcome> {
      const picture = pictureUrl(message);
      const savedId = picture && saved?.idFor(picture);
      if (picture && savedId) {
        const { outcome } = await post(userId, withSavedPicture(message, savedId), options);
        // Refused for good (the id expired early, or belongs to another Page): send it by URL instead.
        if (outcome.type !== 'failed' || outcome.reason === TOKEN_INVALID) return outcome;
        log.info('saved Messenger picture refused; sent by URL again', { reason: outcome.reason });
        saved!.forget(picture, savedId);
      }
      const { outcome, answer } = await post(userId, message, options);
      if (picture && saved && outcome.type === 'sent') {
        const id = attachmentId(answer);
        if (id) saved.remember(picture, id);
      }
      return outcome;
    },
  };

  async function post(userId: string, message: PlatformMessage, options: SendOptions): Promise<{ outcome: SendOutcome; answer?: string }> {
    // A sender action must be sent alone, without `message` or `messaging_type`. Inside the 24 h
    // window, an answer to the resident is a RESPONSE; an alert or a follow-up we start is an UPDATE.
    const body =
      typeof message.sender_action === 'string'
        ? { recipient: { id: userId }, sender_action: message.sender_action }
        : { recipient: { id: userId }, messaging_type: options.proactive ? 'UPDATE' : 'RESPONSE', message };
    const url = `${endpoint}?access_token=${encodeURIComponent(opts.pageAccessToken)}`;
    let res: PostAnswer;
    try {
      res = await postJson(url, JSON.stringify(body), {}, timeoutMs);
    } catch (err) {
      // Network error, DNS, reset, or our timeout: the message may or may not have gone out; Meta
      // gives no idempotency key, so a retry may (rarely) show it twice — better than never.
      const name = err instanceof Error ? err.name : typeof err;
      return { outcome: { type: 'retry', reason: name === 'TimeoutError' ? 'timeout' : `network error ${name}` } };
    }

    if (res.status >= 200 && res.status < 300) {
      if (tokenErrorLogged) log.info('messenger page token works again');
      tokenErrorLogged = false;
      return { outcome: { type: 'sent' }, answer: res.text };
    }

    const error = graphError(res.text);
    const outcome = classify(res.status, error, res.retryAfter, clock());
    if (outcome.type === 'failed' && outcome.reason === TOKEN_INVALID) {
      if (!tokenErrorLogged) log.error('messenger page token refused (error 190): check MESSENGER_PAGE_ACCESS_TOKEN');
      tokenErrorLogged = true;
    } else {
      log.debug('messenger send not accepted', {
        status: res.status,
        code: error.code,
        subcode: error.error_subcode,
        fbtrace_id: error.fbtrace_id,
        outcome: outcome.type,
      });
    }
    return { outcome };
  }
}

/** The URL of a picture sent by URL (what Meta can save), or undefined for any other message. */
function pictureUrl(message: PlatformMessage): string | undefined {
  const attachment = message.attachment as { type?: unknown; payload?: { url?: unknown; is_reusable?: unknown } } | undefined;
  return attachment?.type === 'image' && attachment.payload?.is_reusable === true && typeof attachment.payload.url === 'string'
    ? attachment.payload.url
    : undefined;
}

/** The same picture message, carrying the saved id instead of the URL. */
function withSavedPicture(message: PlatformMessage, attachmentId: string): PlatformMessage {
  return { ...message, attachment: { type: 'image', payload: { attachment_id: attachmentId } } };
}

/** `attachment_id` of a Send API answer to a picture sent with `is_reusable` (Meta's "Saving assets"). */
function attachmentId(answer: string | undefined): string | undefined {
  if (!answer || !answer.includes('attachment_id')) return undefined;
  try {
    const id = (JSON.parse(answer) as { attachment_id?: unknown }).attachment_id;
    return typeof id === 'string' && /^[\w.-]{1,100}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What to do with a Send API answer that is not 2xx (shared/platforms.md §2.9). Error codes decide
 * first (Meta answers most errors with HTTP 400 and some with 500), then the HTTP status.
 */
export function classify(status: number, error: GraphError, retryAfter: string | null, now: number): SendOutcome {
  const { code, error_subcode: sub } = error;
  const reason = `graph ${status}${code === undefined ? '' : ` error ${code}${sub === undefined ? '' : `/${sub}`}`}`;
  const retry = (): SendOutcome => {
    const afterMs = parseRetryAfter(retryAfter, now);
    return afterMs === undefined ? { type: 'retry', reason } : { type: 'retry', reason, afterMs };
  };

  // 551 / 1545041: this person isn't available right now (blocked the Page, deactivated, …).
  // The subcode also comes with other codes (200 "permissions") and means the same.
  if (code === 551 || sub === 1545041) return { type: 'unreachable', reason };
  // 10 / 2018278: sent outside the 24 h window. Retrying cannot help until they write again.
  if (code === 10 && sub === 2018278) return { type: 'unreachable', reason };
  // 100 / 2018001: "No matching user found": the PSID does not (or no longer) exist for this Page.
  if (code === 100 && sub === 2018001) return { type: 'unreachable', reason };
  // 190: the Page token expired or was revoked. Every message will fail the same way until fixed.
  if (code === 190) return { type: 'failed', reason: TOKEN_INVALID };
  // Rate limits (4 app, 17 user, 32 Page, 613 calls per hour) and 1 "unknown error, retry".
  // 10 / 1893063: the Page is temporarily restricted from sending; retry with backoff, then dropped.
  // 2 "service temporarily unavailable": Meta notes it *can* also mean the person blocked the
  // business, but it is documented first as a transient error. We retry: the processor's attempt
  // limit bounds the cost for a block, whereas marking a reachable resident unreachable would
  // silence the lesson they are in. A real block is reported as 551/1545041 on the next sends.
  if (code === 1 || code === 2 || code === 4 || code === 17 || code === 32 || code === 613) return retry();
  if (code === 10 && sub === 1893063) return retry();

  if (status === 429 || status >= 500) return retry();
  // 100 invalid parameter, 200 permissions (app not live, non-role user), other 10s, other 4xx:
  // the message or our setup is wrong, and sending it again will not change that.
  if (status >= 400 && status < 500) return { type: 'failed', reason };
  return retry();
}

/** Retry-After as seconds or an HTTP date, in ms from `now` (never negative, at most an hour). */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.min(Math.round(Number(v) * 1000), MAX_RETRY_AFTER_MS);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

function graphError(text: string): GraphError {
  try {
    const parsed = JSON.parse(text) as { error?: Record<string, unknown> };
    const e = parsed?.error;
    if (!e || typeof e !== 'object') return {};
    return {
      ...(typeof e.code === 'number' ? { code: e.code } : {}),
      ...(typeof e.error_subcode === 'number' ? { error_subcode: e.error_subcode } : {}),
      ...(typeof e.fbtrace_id === 'string' ? { fbtrace_id: e.fbtrace_id } : {}),
    };
  } catch {
    return {};
  }
}
