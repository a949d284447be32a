/**
 * Bearer-token authentication for the admin API and the coach and official pages.
 * 401 without a valid token (missing, unknown, or the account disabled); 403 when the account's
 * role may not use the endpoint. Tokens never reach the logs.
 */
import type { RequestHandler, Response } from 'express';
import { sendError } from '../http/errors.js';
import type { AccountStore } from './store.js';
import type { Account, Role } from './schema.js';

/** The authenticated account of a request that passed `requireRole`. */
export function accountOf(res: Response): Account {
  const account = (res.locals as { account?: Account }).account;
  if (!account) throw new Error('accountOf() used on a route without requireRole()');
  return account;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function requireRole(store: AccountStore, ...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) {
      res.set('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'unauthenticated', 'Send your access token as "Authorization: Bearer <token>". Ask an admin for one.');
      return;
    }
    store
      .byToken(token)
      .then((account) => {
        if (!account) {
          res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
          sendError(res, 401, 'invalid_token', 'This access token is not valid (mistyped, replaced or disabled). Ask an admin for a new one.');
          return;
        }
        if (!roles.includes(account.role)) {
          sendError(res, 403, 'forbidden', `This needs the role ${roles.join(' or ')}; your account is a ${account.role}.`);
          return;
        }
        (res.locals as { account?: Account }).account = account;
        next();
      })
      .catch(next);
  };
}
