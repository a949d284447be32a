/** One JSON error shape for every HTTP endpoint: `{ "error": { "code", "message", "details"? } }`. */
import type { ErrorRequestHandler, Response } from 'express';
import type { ZodError } from 'zod';
import { errorFields, type Logger } from '../log.js';
import { RedisUnavailableError, TurnConflictError } from '../store/errors.js';

export function sendError(res: Response, status: number, code: string, message: string, details?: unknown): void {
  res.status(status).json({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/** zod issues as `field: problem` lines, without echoing the values sent. */
export function describeZodError(error: ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
}

/**
 * Turns body-parser failures and infrastructure errors into clear answers.
 * `unavailableMessage` is said to a resident when Redis cannot be reached.
 */
export function errorHandler(log: Logger, unavailableMessage: () => string): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const type = (err as { type?: unknown }).type;
    if (type === 'entity.too.large') {
      sendError(res, 413, 'payload_too_large', 'The request body is too large.');
      return;
    }
    if (type === 'entity.parse.failed') {
      sendError(res, 400, 'malformed_json', 'The request body is not valid JSON.');
      return;
    }
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendError(res, status, status === 404 ? 'not_found' : 'bad_request', status === 404 ? 'No such file.' : 'Bad request.');
      return;
    }
    if (isUnavailable(err)) {
      log.error('redis unavailable during a request', errorFields(err));
      res.setHeader('Retry-After', '5');
      sendError(res, 503, 'unavailable', unavailableMessage());
      return;
    }
    if (err instanceof TurnConflictError) {
      log.warn('turn gave up after conflicts', errorFields(err));
      res.setHeader('Retry-After', '1');
      sendError(res, 503, 'busy', unavailableMessage());
      return;
    }
    log.error('unexpected error', errorFields(err));
    sendError(res, 500, 'internal', 'Something went wrong on our side.');
  };
}

/** ioredis reports a lost connection in several ways; all mean "try again later". */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof RedisUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  const name = err.name;
  const message = err.message;
  return (
    name === 'MaxRetriesPerRequestError' ||
    /Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|enableOfflineQueue/i.test(message)
  );
}
