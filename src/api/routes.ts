/** Every operation of /api/v1, in one table: the router registers these and nothing else, and the OpenAPI document lists these. */
import { accountRoutes } from './accounts.js';
import { alertRoutes } from './alerts.js';
import { coachRoutes } from './coach.js';
import { linkRoutes } from './links.js';
import { openApiDocument } from './openapi.js';
import { reportRoutes } from './reports.js';
import { publicRoute, type ApiRoute } from './route.js';
import { OpenApiDocument } from './schemas.js';

let document: Record<string, unknown> | undefined;

const openApi = publicRoute({
  method: 'get', path: '/openapi.json', operationId: 'openApi', tag: 'meta',
  summary: 'This document (OpenAPI 3.1)',
  response: OpenApiDocument, status: 200,
  handle: async () => (document ??= openApiDocument(API_ROUTES)),
});

export const API_ROUTES: readonly ApiRoute[] = [...accountRoutes, ...linkRoutes, ...coachRoutes, ...alertRoutes, ...reportRoutes, openApi];
