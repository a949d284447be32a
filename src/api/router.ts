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
import { ApiError, type ApiDeps, type ApiRoute } from './route.js';
import { API_ROUTES } from './routes.js';

export const API_BODY_LIMIT = '32kb';

/** `/accounts/{id}/disable` → `/accounts/:id/disable` */
export function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

export function apiRouter(deps: ApiDeps, routes: readonly ApiRoute[] = API_ROUTES): Router {
  const router = Router();
  const json = express.json({ limit: API_BODY_LIMIT });
  for (const route of routes) {
    const handlers: RequestHandler[] = [];
    if (route.roles) handlers.push(requireRole(deps.accounts, ...route.roles));
    if (route.method === 'post') handlers.push(json);
    handlers.push(async (req, res, next) => {
      try {
        const account = (res.locals as { account?: Account }).account;
        const body = await route.run(req, account, deps);
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
