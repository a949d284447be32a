// Calling the admin API from the staff pages: the request, a time limit, and telling the API's
// answer from anything else that comes back (a proxy's page, a cut-off body). session.js adds the
// token's life around it (call) and re-exports api for the pages.

import { errorText, session } from './session.js';

export const API = '/api/v1';

/**
 * A call that failed: `code` is the API's stable error code (`network` when the server could not be
 * reached), `message` says it in the page's words (errorText); the server's own English message is
 * kept as `serverMessage` for whoever debugs, never shown.
 */
class ApiError extends Error {
  constructor({ status, code, details, serverMessage }) {
    super('');
    this.status = status;
    this.code = code;
    this.details = details;
    this.serverMessage = serverMessage;
    this.message = errorText(this);
  }
}

/**
 * Call the admin API (or, with `url`, another JSON endpoint of this server); throws ApiError.
 *
 * A success must be the API's answer: JSON (by its content type) holding an object, and, given
 * `shape`, one that `shape(json)` accepts. Anything else (a captive portal's or a CDN's HTML page
 * with 200, a cut-off body) is `bad_answer`, said as "could not reach the server": taken for an
 * answer, it emptied the coach's lists and cleared the note of a link never made.
 * `timeout` (ms) gives up on a call that hangs (a weak signal can hold one for minutes) as `network`.
 */
export async function api(method, path, body, { auth = true, url = API + path, timeout = 0, shape = undefined } = {}) {
  const abort = timeout > 0 ? new AbortController() : undefined;
  const timer = abort ? setTimeout(() => abort.abort(), timeout) : undefined;
  try {
    let res;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(auth ? { authorization: `Bearer ${session.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: abort?.signal,
      });
    } catch {
      throw new ApiError({ status: 0, code: 'network', serverMessage: abort?.signal.aborted ? `no answer within ${timeout} ms` : 'fetch failed' });
    }
    let json = null;
    let read = true;
    try {
      json = await res.json();
    } catch {
      // Not JSON (a proxy's error page), or the body was cut off: handled below.
      read = false;
      if (abort?.signal.aborted) throw new ApiError({ status: 0, code: 'network', serverMessage: `no answer within ${timeout} ms` });
    }
    if (!res.ok) {
      const error = json?.error ?? {};
      throw new ApiError({ status: res.status, code: typeof error.code === 'string' ? error.code : undefined, details: error.details, serverMessage: error.message ?? `HTTP ${res.status}` });
    }
    const type = res.headers.get('content-type') ?? '';
    if (!read || !/\bjson\b/i.test(type) || json === null || typeof json !== 'object' || (shape && !shape(json))) {
      throw new ApiError({ status: res.status, code: 'bad_answer', serverMessage: `HTTP ${res.status} ${type || 'without a content type'}: not the answer expected` });
    }
    return json;
  } finally {
    clearTimeout(timer);
  }
}
