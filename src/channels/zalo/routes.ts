/**
 * The Zalo OA webhook (shared/platforms.md §1.3–1.5): `POST /webhooks/zalo`, one event per request,
 * signed with the OA secret key over the raw bytes. The event is made durable (`intake.accept`) before
 * the 200, so an answer never waits for the OpenAPI and a crash after the 200 loses nothing; a failure
 * before it makes Zalo redeliver (deduplicated by `msg_id`). Zalo wants the answer within ~2 s.
 *
 * A refused request logs one line without personal data and changes no state. Event names we do not
 * know are acknowledged (200) and dropped, so Zalo does not keep redelivering them.
 */
import { logOversized, takeIn } from '../webhook-intake.js';
import express, { Router, type Response } from 'express';
import type { Intake } from '../../conversation/intake.js';
import { sendError } from '../../http/errors.js';
import type { Logger } from '../../log.js';
import { ZaloEnvelope, convert, verifySignature, type SignatureId, type SignatureIdName, type TimestampUnit } from './webhook.js';

export const WEBHOOK_PATH = '/webhooks/zalo';
export const BODY_LIMIT_BYTES = 1024 * 1024;
export const SIGNATURE_HEADER = 'x-zevent-signature';

export interface ZaloRoutesDeps {
  /** The ids a signature may be made with, in the order tried (ZALO_SIGNATURE_ID). */
  signatureIds: readonly SignatureId[];
  /** ZALO_OA_SECRET_KEY. */
  oaSecretKey: string;
  intake: Intake;
  log: Logger;
}

type Refusal = 'bad_signature' | 'malformed_json' | 'invalid_body' | 'payload_too_large';

export function zaloRoutes({ signatureIds, oaSecretKey, intake, log }: ZaloRoutesDeps): Router {
  const router = Router();
  // Which branch of each open question fired, said once per process (platforms.md §1.4, §1.5).
  const matchedIds = new Set<SignatureIdName>();
  const units = new Set<TimestampUnit>();

  const refused = (reason: Refusal, bytes: number | undefined, extra: Record<string, string | number> = {}) =>
    log.warn('zalo webhook refused', { reason, ...(bytes === undefined ? {} : { bytes }), ...extra });

  const raw = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });

  router.post(WEBHOOK_PATH, raw, async (req, res) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const bytes = body.length;
    const header = req.get(SIGNATURE_HEADER);
    if (header === undefined) {
      refused('bad_signature', bytes, { header: 'missing' });
      sendError(res, 403, 'bad_signature', 'The X-ZEvent-Signature header is missing.');
      return;
    }

    // The signature covers the body's `timestamp`, so the body is read before it is checked.
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      refused('malformed_json', bytes);
      sendError(res, 400, 'malformed_json', 'The request body is not valid JSON.');
      return;
    }
    const envelope = ZaloEnvelope.safeParse(json);
    if (!envelope.success) {
      refused('invalid_body', bytes);
      sendError(res, 400, 'invalid_body', 'The webhook body needs an event_name and a timestamp.');
      return;
    }

    const matched = verifySignature(body, header, envelope.data.timestamp, signatureIds, oaSecretKey);
    if (!matched) {
      refused('bad_signature', bytes, { header: 'mismatch' });
      sendError(res, 403, 'bad_signature', 'The X-ZEvent-Signature header does not match the body.');
      return;
    }
    if (!matchedIds.has(matched)) {
      matchedIds.add(matched);
      log.info('zalo webhook signature matched', { signatureId: matched });
    }

    const result = convert(envelope.data);
    switch (result.kind) {
      case 'ignored':
        log.debug('zalo webhook event ignored', { event: result.event });
        ok(res);
        return;
      case 'unknown':
        log.info('zalo webhook event unknown; acknowledged and ignored', { event: result.event });
        ok(res);
        return;
      case 'invalid':
        refused('invalid_body', bytes, { event: envelope.data.event_name.slice(0, 60) });
        sendError(res, 400, 'invalid_body', 'The event is not in the expected form.', result.issues);
        return;
      case 'activity':
        break;
    }
    if (!units.has(result.unit)) {
      units.add(result.unit);
      const fields = { unit: result.unit, digits: envelope.data.timestamp.length };
      if (result.unit === 'ms') log.info('zalo webhook timestamps are in ms', fields);
      else log.warn('zalo webhook timestamps are not in ms; converted', fields);
    }

    if (await takeIn(intake, [result.activity], res, log, 'zalo', { event: envelope.data.event_name })) ok(res);
  });

  router.use(WEBHOOK_PATH, logOversized((bytes) => refused('payload_too_large', bytes)));

  return router;
}

function ok(res: Response): void {
  res.status(200).type('text/plain').send('OK');
}
