/**
 * The admin API under /api/v1, registered from the route table: for each operation, the token
 * and role check first, then (POST) the JSON body (32 kB at most), then the zod-validated handler.
 * Malformed JSON, oversized bodies and Redis outages are answered by the app's error handler.
 *
 * @example
 * app.use('/api/v1', apiRouter({ accounts, links, areas, flows, redis, keys, residents, config }));
 */
import express, { Router, type RequestHandler } from 'express';
import { requireRole } from '../accounts/auth.js';
import type { Account } from '../accounts/schema.js';
import { sendError } from '../http/errors.js';
import { ApiError, STREAMED, type ApiDeps, type ApiRoute } from './route.js';
import { API_ROUTES } from './routes.js';

export const API_BODY_LIMIT = 32 * 1024;

/**
 * EventSource cannot send headers, so a streaming operation also takes the token as `?token=`.
 * The header wins when both are given. (Trade-off: a URL can end up in proxy logs and browser
 * history; this server logs no URLs, and the query token works only on operations marked so.)
 */
const tokenFromQuery: RequestHandler = (req, _res, next) => {
  const token = req.query.token;
  if (!req.get('authorization') && typeof token === 'string' && token) req.headers.authorization = `Bearer ${token}`;
  next();
};

/** `/accounts/{id}/disable` → `/accounts/:id/disable` */
export function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

export function apiRouter(deps: ApiDeps, routes: readonly ApiRoute[] = API_ROUTES): Router {
  const router = Router();
  const parsers = new Map<number, RequestHandler>();
  const json = (limit: number) => parsers.get(limit) ?? parsers.set(limit, express.json({ limit })).get(limit)!;
  for (const route of routes) {
    const handlers: RequestHandler[] = [];
    if (route.tokenInQuery) handlers.push(tokenFromQuery);
    if (route.roles) handlers.push(requireRole(deps.accounts, ...route.roles));
    if (route.method !== 'get') handlers.push(json(route.bodyLimit ?? API_BODY_LIMIT));
    handlers.push(async (req, res, next) => {
      try {
        const account = (res.locals as { account?: Account }).account;
        const body = await route.run(req, account, deps, res);
        if (body === STREAMED) return;
        res.status(route.status).json(body);
      } catch (err) {
        if (err instanceof ApiError) sendError(res, err.status, err.code, err.message, err.details);
        else next(err);
      }
    });
    router[route.method](expressPath(route.path), ...handlers);
  }
  router.use((req, res) => {
    sendError(res, 404, 'not_found', `No operation ${req.method} ${req.baseUrl}${req.path}; the operations are listed in ${req.baseUrl}/openapi.json.`);
  });
  return router;
}
