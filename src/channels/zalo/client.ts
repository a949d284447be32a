/**
 * Sending consultation ("tư vấn") messages through Zalo's OpenAPI, `POST /v3.0/oa/message/cs`
 * (shared/platforms.md §1.6–1.8), and classifying every answer for the processor: sent, retry later,
 * the resident cannot be reached, or refused.
 *
 * Zalo answers errors with HTTP 200 and a non-zero `error`, so the body decides, not the status.
 * An invalid or expired access token (-216/-220) makes us refresh the pair once and send again once.
 * The access token travels only in the `access_token` header and is never logged; neither are user
 * ids, texts or Zalo's error messages (which may quote them): logs carry status and error codes.
 */
import type { Reply } from '../../engine/types.js';
import { errorFields, type Logger } from '../../log.js';
import type { ChannelClient, PlatformMessage, SendOutcome } from '../channel.js';
import { postJson, type PostAnswer } from '../http-post.js';
import { parseRetryAfter } from '../messenger/client.js';
import { renderZalo } from './render.js';
import type { ZaloTokens } from './token.js';

export interface ZaloClientOptions {
  /** ZALO_API_URL, e.g. `https://openapi.zalo.me` (no trailing slash). */
  apiUrl: string;
  tokens: ZaloTokens;
  log: Logger;
  /** Absolute public URL of a lesson picture; Zalo fetches images itself. */
  mediaUrl: (path: string) => string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  clock?: () => number;
}

export const CS_MESSAGE_PATH = '/v3.0/oa/message/cs';
const DEFAULT_TIMEOUT_MS = 10_000;

export const TOKEN_INVALID = 'zalo access token refused after a refresh: check ZALO_APP_ID, ZALO_APP_SECRET and the OA authorisation';
export const NO_TOKEN = 'no usable zalo access token: see /readyz';

/** -216 "Access token is invalid", -220 "access_token is expired or removed". */
export const TOKEN_CODES: ReadonlySet<number> = new Set([-216, -220]);
/** -32: over the rate limit (per app or per OA). */
export const RATE_LIMIT_CODE = -32;
/**
 * The resident cannot get our messages until they interact again: -230/-232 outside the 7-day window,
 * -213 not a follower, -217 blocked the OA's invitations, -227 banned or inactive > 45 days,
 * -244 restricted this message type from the OA.
 */
export const UNREACHABLE_CODES: ReadonlySet<number> = new Set([-213, -217, -227, -230, -232, -244]);

export interface ZaloClient extends ChannelClient {
  channel: 'zalo';
}

/** What one request came to, before the token retry is decided. */
type Attempt = SendOutcome | { type: 'token_invalid'; reason: string };

export function createZaloClient(opts: ZaloClientOptions): ZaloClient {
  const { log, tokens } = opts;
  const clock = opts.clock ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const endpoint = `${opts.apiUrl.replace(/\/+$/, '')}${CS_MESSAGE_PATH}`;
  let tokenErrorLogged = false;

  async function post(accessToken: string, body: string): Promise<Attempt> {
    let res: PostAnswer;
    try {
      res = await postJson(endpoint, body, { access_token: accessToken }, timeoutMs);
    } catch (err) {
      // Network error, DNS, reset, or our timeout: the message may or may not have gone out; Zalo gives
      // no idempotency key, so a retry may (rarely) show it twice — better than never.
      const name = err instanceof Error ? err.name : typeof err;
      return { type: 'retry', reason: name === 'TimeoutError' ? 'timeout' : `network error ${name}` };
    }
    return classify(res.status, errorCode(res.text), res.retryAfter, clock());
  }

  return {
    channel: 'zalo',

    render(reply: Reply): PlatformMessage[] {
      return renderZalo(reply, opts.mediaUrl);
    },

    async send(userId: string, message: PlatformMessage): Promise<SendOutcome> {
      const body = JSON.stringify({ recipient: { user_id: userId }, message });
      let token: string | undefined;
      try {
        token = await tokens.accessToken();
      } catch (err) {
        log.warn('zalo access token could not be read', errorFields(err));
        return { type: 'retry', reason: 'token store unavailable' };
      }
      if (!token) return { type: 'retry', reason: NO_TOKEN };

      let outcome = await post(token, body);
      if (outcome.type === 'token_invalid') {
        log.info('zalo access token refused; refreshing once', { reason: outcome.reason });
        let fresh: string | undefined;
        try {
          fresh = await tokens.refreshAfterRejection(token);
        } catch (err) {
          log.warn('zalo token refresh after a refusal failed', errorFields(err));
        }
        if (!fresh) return { type: 'retry', reason: `${outcome.reason}; no new token` };
        outcome = await post(fresh, body);
        if (outcome.type === 'token_invalid') {
          if (!tokenErrorLogged) log.error('zalo refused a freshly refreshed access token', { reason: outcome.reason });
          tokenErrorLogged = true;
          return { type: 'failed', reason: TOKEN_INVALID };
        }
      }
      if (outcome.type === 'sent') {
        if (tokenErrorLogged) log.info('zalo access token works again');
        tokenErrorLogged = false;
      } else {
        log.debug('zalo send not accepted', { outcome: outcome.type, reason: outcome.reason });
      }
      return outcome;
    },
  };
}

/**
 * What to do with a `message/cs` answer (shared/platforms.md §1.8). The `error` code decides first
 * (Zalo answers errors with HTTP 200), then the HTTP status.
 */
export function classify(status: number, code: number | undefined, retryAfter: string | null, now: number): Attempt {
  const reason = `zalo ${status}${code === undefined ? '' : ` error ${code}`}`;
  const retry = (): SendOutcome => {
    const afterMs = parseRetryAfter(retryAfter, now);
    return afterMs === undefined ? { type: 'retry', reason } : { type: 'retry', reason, afterMs };
  };
  if (code !== undefined && TOKEN_CODES.has(code)) return { type: 'token_invalid', reason };
  if (code === RATE_LIMIT_CODE) return retry();
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return { type: 'unreachable', reason };
  if (status === 429 || status >= 500) return retry();
  // Other 4xx: the request or our setup is wrong, and sending it again will not change that.
  if (status >= 400) return { type: 'failed', reason };
  // A 2xx without a readable `error` (a proxy page?): we cannot tell whether it went out; try again.
  if (code === undefined) return { type: 'retry', reason: `${reason} unreadable answer` };
  if (code === 0) return { type: 'sent' };
  // -210/-201 parameters, -211/-218 quotas, -240 old API, anything new: sending again will not help.
  return { type: 'failed', reason };
}

/** `{ error, message, data? }`: the numeric `error`, or `undefined` when the body is not that shape. */
function errorCode(text: string): number | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    const e = parsed?.error;
    if (typeof e === 'number' && Number.isInteger(e)) return e;
    if (typeof e === 'string' && /^-?\d+$/.test(e)) return Number(e);
    return undefined;
  } catch {
    return undefined;
  }
}
