/**
 * A request id per HTTP request, in the `X-Request-Id` response header and in every log line written
 * while the request is handled (through the log context, so no handler has to pass it on). An id
 * from a proxy in front is kept when it is a short plain token; anything else could carry text into
 * the logs, so a new id is made instead.
 */
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import { withLogContext } from '../log.js';

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;
/**
 * Ids made here: this process's random start, then a counter. Unique across processes and restarts
 * like a random id per request, without asking the system for randomness on every request (1 % of a
 * busy process's CPU).
 */
const PROCESS_ID = randomBytes(6).toString('base64url');
let made = 0;
const nextId = () => `${PROCESS_ID}-${(++made).toString(36)}`;

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && SAFE_ID.test(given) ? given : nextId();
    res.setHeader('X-Request-Id', id);
    withLogContext({ requestId: id }, next);
  };
}
