/**
 * What every platform webhook route does the same way: make the events durable before answering
 * 200 (or answer 503 so the platform delivers again), and log an oversized body as one refusal line.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { Intake } from '../conversation/intake.js';
import type { InboundActivity } from './activity.js';
import { sendError } from '../http/errors.js';
import { errorFields, type Logger } from '../log.js';

/**
 * Take the events in; false when Redis could not make them durable (a 503 was answered then, and
 * the platform redelivers: redeliveries are deduplicated by event id).
 */
export async function takeIn(
  intake: Intake, activities: readonly InboundActivity[], res: Response, log: Logger, platform: string, fields: Record<string, string | number> = {},
): Promise<boolean> {
  try {
    const { taken, duplicates } = await intake.accept(activities);
    log.debug(`${platform} webhook received`, { events: activities.length, taken, duplicates, ...fields });
    return true;
  } catch (err) {
    log.error(`${platform} webhook events not taken in; the platform will redeliver`, errorFields(err));
    res.setHeader('Retry-After', '5');
    sendError(res, 503, 'unavailable', 'Temporarily unavailable; please deliver again.');
    return false;
  }
}

/**
 * Body-reading errors of a webhook route: log an oversized body as a refusal, then let the app's
 * error handler answer (it turns `entity.too.large` into 413 JSON).
 */
export function logOversized(refused: (bytes: number | undefined) => void): ErrorRequestHandler {
  return (err, req, _res, next) => {
    if ((err as { type?: unknown }).type === 'entity.too.large') {
      const length = Number(req.get('content-length'));
      refused(Number.isFinite(length) ? length : undefined);
    }
    next(err);
  };
}
