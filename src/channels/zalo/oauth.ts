/**
 * One call to Zalo's OAuth v4 token endpoint (shared/platforms.md §1.2): trade the single-use refresh
 * token for a new pair. Form-encoded, the app secret in a `secret_key` header (not in the body).
 * Neither token, nor Zalo's error text, is ever logged or returned in a reason.
 */
import { z } from 'zod';

export interface OAuthOptions {
  /** ZALO_OAUTH_URL, e.g. `https://oauth.zaloapp.com/v4/oa/access_token`. */
  oauthUrl: string;
  appId: string;
  /** ZALO_APP_SECRET, sent as `secret_key`. */
  appSecret: string;
  /** Defaults to `globalThis.fetch`, looked up at each call (so test interceptors see it). */
  fetch?: typeof globalThis.fetch;
  /** Per request (default 10 s); kept well under the refresh lock's life. */
  timeoutMs?: number;
}

export type RefreshResult =
  | { ok: true; accessToken: string; refreshToken: string; expiresInS: number }
  /**
   * `terminal`: Zalo refused the refresh token (any non-zero error, any other 4xx). It will not work
   * again; an OA admin must authorise the app again. Otherwise (network, 429, 5xx, an unreadable
   * answer) trying again later may work.
   */
  | { ok: false; terminal: boolean; reason: string };

export const DEFAULT_OAUTH_TIMEOUT_MS = 10_000;

/** `expires_in` comes as a string ("90000"); coerce it. */
const Success = z
  .object({
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
    expires_in: z.coerce.number().int().positive(),
  })
  .loose();
const Failure = z.object({ error: z.coerce.number().int() }).loose();

/**
 * @example
 * await refreshTokenPair({ oauthUrl, appId, appSecret }, stored.refreshToken)
 * // → { ok: true, accessToken: '…', refreshToken: '…', expiresInS: 90000 }
 */
export async function refreshTokenPair(opts: OAuthOptions, refreshToken: string): Promise<RefreshResult> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  let res: Response;
  let text: string;
  try {
    res = await doFetch(opts.oauthUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: opts.appSecret },
      body: new URLSearchParams({ refresh_token: refreshToken, app_id: opts.appId, grant_type: 'refresh_token' }).toString(),
      signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_OAUTH_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (err) {
    const name = err instanceof Error ? err.name : typeof err;
    return { ok: false, terminal: false, reason: name === 'TimeoutError' || name === 'AbortError' ? 'oauth timeout' : `oauth network error ${name}` };
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status === 429 || res.status >= 500) return { ok: false, terminal: false, reason: `oauth ${res.status}` };
  const failure = Failure.safeParse(json);
  if (failure.success && failure.data.error !== 0) {
    return { ok: false, terminal: true, reason: `oauth ${res.status} error ${failure.data.error}` };
  }
  if (res.ok) {
    const success = Success.safeParse(json);
    if (success.success) {
      const s = success.data;
      return { ok: true, accessToken: s.access_token, refreshToken: s.refresh_token, expiresInS: s.expires_in };
    }
    return { ok: false, terminal: false, reason: `oauth ${res.status} unreadable answer` };
  }
  return { ok: false, terminal: true, reason: `oauth ${res.status}` };
}
