/**
 * The Messenger webhook (shared/platforms.md §2.1–2.4):
 * - `GET /webhooks/messenger`: the App Dashboard's verification handshake.
 * - `POST /webhooks/messenger`: events, signed with the App Secret over the raw bytes. Each event is
 *   made durable (`intake.accept`) before the 200, so an answer never waits for the Send API and a
 *   crash after the 200 loses nothing; a failure before it makes Meta redeliver (deduplicated by id).
 *
 * A refused request logs one line without personal data and changes no state.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { logOversized, takeIn } from '../webhook-intake.js';
import express, { Router, type Response } from 'express';
import type { Intake } from '../../conversation/intake.js';
import { describeZodError, sendError } from '../../http/errors.js';
import type { Logger } from '../../log.js';
import { MessengerWebhookBody, convert, verifySignature } from './webhook.js';

export const WEBHOOK_PATH = '/webhooks/messenger';
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface MessengerRoutesDeps {
  appSecret: string;
  /** Without it the GET handshake always answers 403. */
  verifyToken: string | undefined;
  intake: Intake;
  log: Logger;
}

type Refusal = 'bad_signature' | 'malformed_json' | 'invalid_body' | 'unknown_object' | 'payload_too_large';

export function messengerRoutes({ appSecret, verifyToken, intake, log }: MessengerRoutesDeps): Router {
  const router = Router();

  const refused = (reason: Refusal, bytes: number | undefined, extra: Record<string, string | number> = {}) =>
    log.warn('messenger webhook refused', { reason, ...(bytes === undefined ? {} : { bytes }), ...extra });

  router.get(WEBHOOK_PATH, (req, res) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (
      verifyToken === undefined ||
      mode !== 'subscribe' ||
      typeof token !== 'string' ||
      !sameSecret(token, verifyToken) ||
      typeof challenge !== 'string' ||
      challenge.length === 0 ||
      challenge.length > 512
    ) {
      log.warn('messenger verification refused', { reason: verifyToken === undefined ? 'no_verify_token_configured' : 'mismatch' });
      sendError(res, 403, 'forbidden', 'Verification failed.');
      return;
    }
    log.info('messenger webhook verified');
    res.status(200).type('text/plain').set('X-Content-Type-Options', 'nosniff').send(challenge);
  });

  const raw = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });

  router.post(WEBHOOK_PATH, raw, async (req, res) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const bytes = body.length;

    if (!verifySignature(body, req.get('x-hub-signature-256'), appSecret)) {
      refused('bad_signature', bytes, { header: req.get('x-hub-signature-256') === undefined ? 'missing' : 'mismatch' });
      sendError(res, 403, 'bad_signature', 'The X-Hub-Signature-256 header does not match the body.');
      return;
    }

    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      refused('malformed_json', bytes);
      sendError(res, 400, 'malformed_json', 'The request body is not valid JSON.');
      return;
    }

    const parsed = MessengerWebhookBody.safeParse(json);
    if (!parsed.success) {
      refused('invalid_body', bytes);
      sendError(res, 400, 'invalid_body', 'The webhook body is not in the expected form.', describeZodError(parsed.error));
      return;
    }
    if (parsed.data.object !== 'page') {
      // Another product's webhook (instagram, whatsapp_business_account…) pointed at this URL.
      refused('unknown_object', bytes, { object: parsed.data.object.slice(0, 40) });
      sendError(res, 400, 'unknown_object', 'Only "page" webhooks are handled here.');
      return;
    }

    const { activities, ignored, unreadable } = convert(parsed.data);
    if (unreadable) log.warn('messenger webhook events skipped', { unreadable });
    if (activities.length === 0) {
      log.debug('messenger webhook received', { events: 0, ignored });
      ok(res);
      return;
    }
    if (await takeIn(intake, activities, res, log, 'messenger', { ignored })) ok(res);
  });

  router.use(WEBHOOK_PATH, logOversized((bytes) => refused('payload_too_large', bytes)));

  return router;
}

const RECEIVED = 'EVENT_RECEIVED';
const RECEIVED_HEADERS = { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(RECEIVED.length) };

/** The 200 Meta expects, written directly: express's `send` (ETag, content-type parsing) is per-webhook overhead. */
function ok(res: Response): void {
  res.writeHead(200, RECEIVED_HEADERS).end(RECEIVED);
}

/** Constant-time string comparison (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
