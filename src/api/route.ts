/**
 * One API operation, described once: method, path, who may call it, its zod schemas and its
 * handler. The router registers exactly these (requireRole with `roles`, the schemas as
 * validators) and the OpenAPI document is generated from the same objects, so neither can drift.
 *
 * @example
 * export const listThings = route({
 *   method: 'get', path: '/things/{id}', operationId: 'getThing', tag: 'things',
 *   summary: 'One thing', roles: ['admin'],
 *   params: z.object({ id: z.string() }), response: Thing, status: 200,
 *   handle: async ({ params, deps }) => deps.things.get(params.id),
 * });
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AreaList } from '../accounts/areas.js';
import type { Account, Role } from '../accounts/schema.js';
import type { AccountStore } from '../accounts/store.js';
import type { BroadcastService } from '../broadcast/service.js';
import type { ReportStore } from '../reports/store.js';
import type { LinkStore } from '../coaching/link-store.js';
import type { Config } from '../config.js';
import type { FlowSet } from '../engine/flowset.js';
import { describeZodError } from '../http/errors.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import type { ResidentStore } from '../store/resident-store.js';

export interface ApiDeps {
  accounts: AccountStore;
  links: LinkStore;
  areas: AreaList;
  flows: FlowSet;
  redis: ScriptedRedis;
  keys: Keys;
  residents: ResidentStore;
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'MESSENGER_PAGE_NAME' | 'ZALO_OA_ID'>;
  /** Officials' alerts; without it the alert operations answer 503. */
  broadcast?: BroadcastService;
  /** Residents' reports to officials; without it the report operations answer 503. */
  reports?: ReportStore;
}

/** A refusal the handler chose: sent as `{ error: { code, message, details? } }` with `status`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export type Method = 'get' | 'post' | 'patch';

/** What a streaming handler returns once it has answered by itself (server-sent events). */
export const STREAMED: unique symbol = Symbol('streamed');
export type Streamed = typeof STREAMED;
type AnyObject = z.ZodObject;
const Empty = z.object({}).strict();
type Empty = typeof Empty;

interface Common {
  method: Method;
  /** OpenAPI form, relative to /api/v1: `/accounts/{id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  status: 200 | 201;
  /** Statuses the handler itself may answer besides the ones every operation has (400, 401, 403, 413). */
  errors?: readonly number[];
  /** Largest JSON body read, in bytes (default 32 kB). */
  bodyLimit?: number;
  /** Also take the token from `?token=` (for EventSource, which cannot send headers). */
  tokenInQuery?: boolean;
  /** The operation can also answer as server-sent events (`Accept: text/event-stream`); what they carry. */
  eventStream?: string;
}

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType> extends Common {
  /** Who may call it; checked with requireRole before anything else. */
  roles: readonly [Role, ...Role[]];
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  handle(input: { account: Account; params: z.output<P>; query: z.output<Q>; body: z.output<B>; req: Request; res: Response; deps: ApiDeps }): Promise<z.output<R>>;
}

/** An operation that may take over the response (server-sent events) and return STREAMED. */
export interface StreamRouteSpec<P extends AnyObject, Q extends AnyObject, R extends z.ZodType> extends Omit<RouteSpec<P, Q, Empty, R>, 'handle' | 'body' | 'eventStream'> {
  eventStream: string;
  handle(input: { account: Account; params: z.output<P>; query: z.output<Q>; req: Request; res: Response; deps: ApiDeps }): Promise<z.output<R> | Streamed>;
}

/** What the router and the OpenAPI generator see of an operation. */
export interface ApiRoute extends Common {
  /** `null`: no token needed. */
  roles: readonly Role[] | null;
  params?: AnyObject;
  query?: AnyObject;
  body?: z.ZodType;
  response: z.ZodType;
  /** Validate the request against the schemas and run the handler; throws ApiError on invalid input. STREAMED: it answered itself. */
  run(req: Request, account: Account | undefined, deps: ApiDeps, res: Response): Promise<unknown>;
}

/** An operation that needs a token of one of `roles`. */
export function route<P extends AnyObject = Empty, Q extends AnyObject = Empty, B extends z.ZodType = Empty, R extends z.ZodType = z.ZodType>(
  spec: RouteSpec<P, Q, B, R>,
): ApiRoute {
  const { handle, ...rest } = spec;
  return {
    ...rest,
    async run(req, account, deps, res) {
      if (!account) throw new Error(`${spec.operationId}: no account; requireRole must run first`);
      const params = validate('path', spec.params ?? Empty, req.params ?? {}) as z.output<P>;
      const query = validate('query', spec.query ?? Empty.loose(), req.query ?? {}) as z.output<Q>;
      const body = (spec.body ? validate('body', spec.body, req.body) : {}) as z.output<B>;
      return handle({ account, params, query, body, req, res, deps });
    },
  };
}

/** An operation that may answer with server-sent events instead of JSON (see StreamRouteSpec). */
export function streamRoute<P extends AnyObject = Empty, Q extends AnyObject = Empty, R extends z.ZodType = z.ZodType>(
  spec: StreamRouteSpec<P, Q, R>,
): ApiRoute {
  return route<P, Q, Empty, R>({
    ...spec,
    handle: ({ account, params, query, req, res, deps }) => spec.handle({ account, params, query, req, res, deps }) as Promise<z.output<R>>,
  });
}

/** An operation anyone may call (the OpenAPI document). */
export function publicRoute<R extends z.ZodType>(
  spec: Common & { response: R; handle(input: { req: Request; deps: ApiDeps }): Promise<z.output<R>> },
): ApiRoute {
  const { handle, ...rest } = spec;
  return { ...rest, roles: null, run: (req, _account, deps, _res) => handle({ req, deps }) };
}

function validate(where: 'path' | 'query' | 'body', schema: z.ZodType, value: unknown): unknown {
  if (where === 'body' && value === undefined) {
    throw new ApiError(400, 'invalid_request', 'Send a JSON body with "Content-Type: application/json".');
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = describeZodError(parsed.error).map((line) => (where === 'body' ? line : `${where} ${line}`));
  throw new ApiError(400, 'invalid_request', lines.join('; '), {
    issues: parsed.error.issues.map((i) => ({ in: where, field: i.path.join('.'), message: i.message })),
  });
}
