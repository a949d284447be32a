/**
 * `POST /api/messages`, the Bot Framework messaging endpoint (shared/platforms.md §3).
 *
 * Why the turn is answered within the request (`conversation.handle`, like the web channel) and not
 * through the durable inbox/outbox the Messenger webhook uses: the Bot Framework protocol is
 * request/response. Replies go to the connector at the activity's `serviceUrl` with credentials the
 * SDK derives from *this* request, and the turn context is revoked when the request ends; sending later
 * from an outbox would mean storing conversation references and proactive messaging, for a protocol
 * whose channels (unlike Meta's webhook) do not promise to redeliver what we failed to take in. So: verify → parse → `conversation.handle` (state and
 * replies committed atomically, a repeated activity id recognised there) → send the replies → 200.
 *
 * - A redelivered activity id (the same turn again) is acknowledged with 200 and not answered again.
 * - The connector refusing a reply (5xx after the SDK's own retries, a network error): the turn is
 *   already saved; the rest of that turn's replies are dropped, one warning is logged, and we answer 200,
 *   because a redelivery would be recognised as done and could not bring the replies back (STYLE §7:
 *   5xx only when a retry can help). The resident sees nothing for that message and carries on by
 *   typing or tapping again; the next turn shows where they are.
 * - Redis unavailable or a turn that kept conflicting: nothing was saved, so 503 (the app's error
 *   handler), and a retry can succeed. One edge: when the connection dropped while the commit was
 *   in flight, ioredis may still deliver it on reconnecting; a redelivery of that activity is then
 *   recognised as handled and not answered (the resident's next message shows where they are).
 *   Answering redeliveries whose replies never went out would need a per-activity "answered" claim
 *   in Redis (not built: Bot Framework channels rarely redeliver an activity id).
 * - Without an app id (authentication off, for the Emulator) anyone who reaches the endpoint can chat,
 *   exactly as on the web simulator; replies then go only to a loopback serviceUrl (the Emulator on this
 *   machine), so the bot cannot be used to POST to other hosts.
 *
 * A refused request logs one line without personal data (no ids, no text) and changes no state.
 */
import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import { residentIdOf, toInput } from '../activity.js';
import type { Conversation } from '../../conversation/conversation.js';
import { describeZodError, sendError } from '../../http/errors.js';
import type { Logger } from '../../log.js';
import { toInbound } from './inbound.js';
import { renderBotFramework } from './render.js';
import { describeSendError, type BotFrameworkSdk } from './sdk.js';
import { BotFrameworkActivity } from './types.js';

export const MESSAGES_PATH = '/api/messages';
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface BotFrameworkRoutesDeps {
  sdk: BotFrameworkSdk;
  conversation: Conversation;
  log: Logger;
  /** URL of a lesson picture; may be relative (`/media/x.png`) when PUBLIC_BASE_URL is not set. */
  mediaUrl: (path: string) => string;
  clock: () => number;
}

type Refusal = 'malformed_json' | 'invalid_body' | 'unauthorized' | 'auth_unavailable' | 'service_url_not_allowed' | 'payload_too_large';

export function botFrameworkRoutes({ sdk, conversation, log, mediaUrl, clock }: BotFrameworkRoutesDeps): Router {
  const router = Router();
  const refused = (reason: Refusal, fields: Record<string, string | number | undefined> = {}) =>
    log.warn('botframework request refused', { reason, ...fields });

  const raw = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });

  router.post(MESSAGES_PATH, raw, async (req, res) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const bytes = body.length;

    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      refused('malformed_json', { bytes });
      sendError(res, 400, 'malformed_json', 'The request body is not valid JSON.');
      return;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      refused('invalid_body', { bytes });
      sendError(res, 400, 'invalid_body', 'The request body must be a Bot Framework activity (a JSON object).');
      return;
    }

    // Authenticate before reading the activity closely, so an unauthenticated caller learns nothing of our schema.
    const authorization = req.get('authorization') ?? '';
    const verdict = await sdk.authenticate(json as Record<string, unknown>, authorization);
    if (verdict.type !== 'ok') {
      const unavailable = verdict.type === 'unavailable';
      refused(unavailable ? 'auth_unavailable' : 'unauthorized', { bytes, header: authorization ? 'present' : 'missing', error: verdict.reason });
      if (unavailable) {
        res.setHeader('Retry-After', '5');
        sendError(res, 503, 'unavailable', 'The request could not be authenticated now; please try again.');
      } else {
        sendError(res, 401, 'unauthorized', 'The Authorization header is missing or not valid for this bot.');
      }
      return;
    }

    const parsed = BotFrameworkActivity.safeParse(json);
    if (!parsed.success) {
      refused('invalid_body', { bytes });
      sendError(res, 400, 'invalid_body', 'The activity is not in the expected form.', describeZodError(parsed.error));
      return;
    }
    const activity = parsed.data;
    if (!sdk.authEnabled && !isLoopbackUrl(activity.serviceUrl)) {
      refused('service_url_not_allowed', { bytes, channel: activity.channelId });
      sendError(res, 403, 'service_url_not_allowed',
        'Without MICROSOFT_APP_ID the bot replies only to a service on this machine (the Bot Framework Emulator).');
      return;
    }

    const conversion = toInbound(activity, clock);
    if (conversion.type === 'unreadable') {
      refused('invalid_body', { bytes, type: activity.type, problem: conversion.reason });
      sendError(res, 400, 'invalid_body', 'The activity lacks what the bot needs to answer it (an id and a sender).');
      return;
    }
    if (conversion.type === 'ignored') {
      log.debug('botframework activity ignored', { type: activity.type, reason: conversion.reason, channel: activity.channelId });
      res.status(200).end();
      return;
    }

    const inbound = conversion.activity;
    const input = toInput(inbound);
    const imageUrl = absoluteMediaUrl(req, mediaUrl);
    await sdk.runTurn(verdict.auth, activity, async (send) => {
      if (!input) return;
      const outcome = await conversation.handle({
        residentId: residentIdOf(inbound),
        messageId: inbound.id,
        input,
        ...(inbound.from.name ? { displayName: inbound.from.name } : {}),
      });
      if (outcome.duplicate) {
        log.debug('botframework activity already handled; not answered again', { channel: activity.channelId });
        return;
      }
      const messages = outcome.replies.flatMap((r) => renderBotFramework(r, imageUrl));
      for (const [i, message] of messages.entries()) {
        try {
          await send(message);
        } catch (err) {
          log.warn('botframework replies not delivered; the turn is saved', {
            ...describeSendError(err),
            channel: activity.channelId,
            delivered: i,
            dropped: messages.length - i,
          });
          return;
        }
      }
    });
    res.status(200).end();
  });

  // Body-reading errors of this route: log the refusal, then let the app's error handler answer
  // (413 JSON for `entity.too.large`).
  const onBodyError: ErrorRequestHandler = (err, req, _res, next) => {
    if ((err as { type?: unknown }).type === 'entity.too.large') {
      const length = Number(req.get('content-length'));
      refused('payload_too_large', Number.isFinite(length) ? { bytes: length } : {});
    }
    next(err);
  };
  router.use(MESSAGES_PATH, onBodyError);

  return router;
}

/**
 * Lesson pictures need an absolute URL the channel can fetch. With PUBLIC_BASE_URL set, `mediaUrl`
 * already gives one. Without it (the Emulator on this machine), the picture is served by this very
 * server, so it is resolved against the address the request came to (`http://localhost:3978/media/…`):
 * the Emulator fetches it like a browser would. (A `data:` URL would also work, but it makes every
 * picture activity ~70 KB of base64 and is refused by channels that limit activity size.)
 */
function absoluteMediaUrl(req: Request, mediaUrl: (path: string) => string): (path: string) => string {
  const origin = req.host ? `${req.protocol}://${req.host}` : undefined;
  return (path) => {
    const url = mediaUrl(path);
    if (/^https?:\/\//i.test(url) || !origin) return url;
    try {
      return new URL(url, origin).toString();
    } catch {
      return url;
    }
  };
}

/** Whether a serviceUrl points at this machine (the Emulator's own little server). */
export function isLoopbackUrl(serviceUrl: string): boolean {
  let host: string;
  try {
    host = new URL(serviceUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
