/**
 * The OpenAPI 3.1 document, generated from the route table: bodies and parameters as zod
 * *input* schemas, responses as *output* schemas. Nothing here is written by hand per operation.
 */
import { z } from 'zod';
import type { ApiRoute } from './route.js';
import { ErrorBody } from './schemas.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** One OpenAPI parameter per property of a params or query object. */
function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (object.required ?? []).includes(name),
      schema: propertySchema,
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed JSON or a field that does not fit; `error.message` names the field.',
  401: 'No token, or one that is not valid (mistyped, replaced, or the account disabled).',
  403: 'The account\'s role may not use this operation.',
  404: 'Not found (or not yours).',
  409: 'Refused in the current state.',
};

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`);

function errorStatuses(route: ApiRoute): number[] {
  const statuses = new Set<number>(route.errors ?? []);
  if (route.params || route.query || route.body || route.method !== 'get') statuses.add(400);
  if (route.method !== 'get') statuses.add(413);
  if (route.roles) {
    statuses.add(401);
    statuses.add(403);
  }
  return [...statuses].sort((a, b) => a - b);
}

export function openApiDocument(routes: readonly ApiRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const roles = route.roles
      ? `Roles: ${route.roles.join(', ')}.${route.tokenInQuery ? ' The token may also be given as `?token=` (for EventSource).' : ''}`
      : 'No token needed.';
    const content: Record<string, unknown> = { 'application/json': { schema: jsonSchema(route.response, 'output') } };
    if (route.eventStream) content['text/event-stream'] = { schema: { type: 'string', description: route.eventStream } };
    const responses: Record<string, unknown> = {
      [route.status]: { description: route.status === 201 ? 'Created' : 'OK', content },
    };
    for (const status of errorStatuses(route)) {
      const text = status === 413 ? `The body is larger than ${size(route.bodyLimit ?? 32 * 1024)}.` : (ERROR_TEXT[status] ?? 'Error');
      responses[status] = { description: text, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    const params = [...parameters(route.params, 'path'), ...parameters(route.query, 'query')];
    (paths[route.path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      description: route.description ? `${route.description}\n\n${roles}` : roles,
      tags: [route.tag],
      'x-roles': route.roles ?? [],
      security: route.roles ? [{ bearerAuth: [] }] : [],
      ...(params.length ? { parameters: params } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Học Số admin API',
      version: '1',
      description:
        'Accounts, lesson links, the coach view and officials\' scam alerts. Send the account\'s token as "Authorization: Bearer <token>"; ' +
        'admins create accounts and tokens with "npm run admin -- add". Errors are `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: [{ url: '/api/v1' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An account token from "npm run admin -- add" or POST /accounts.' },
      },
      schemas: { Error: jsonSchema(ErrorBody, 'output') },
    },
  };
}
