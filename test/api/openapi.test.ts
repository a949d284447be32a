/** The OpenAPI document: generated from the route table that registers the routes, so both list the same operations. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreas } from '../../src/accounts/areas.js';
import { openApiDocument } from '../../src/api/openapi.js';
import { apiRouter, expressPath } from '../../src/api/router.js';
import { API_ROUTES } from '../../src/api/routes.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { createLogger } from '../../src/log.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { ResidentStore } from '../../src/store/resident-store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { call, stores } from './client.js';

let server: TestServer;
let doc: Record<string, any>;
beforeAll(async () => {
  server = await startTestServer();
  doc = (await call(server, 'GET', '/openapi.json')).json;
});
afterAll(async () => {
  await server.close();
});

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(document: Record<string, any>): { path: string; method: string; op: Record<string, any> }[] {
  return Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op: op as Record<string, any> })),
  );
}

/** Every `$ref` anywhere in a value. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refs(v)));
  }
  return [];
}

describe('GET /api/v1/openapi.json', () => {
  it('is the document generated from the route table (nothing edited by hand)', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument(API_ROUTES))));
  });

  it('lists exactly the routes the router registers', () => {
    const { accounts, links, keys } = stores(server);
    const router = apiRouter({
      accounts, links, keys,
      areas: loadAreas(),
      flows: loadLessonsOrThrow(resolveFlowsDir('flows')),
      redis: server.redis,
      residents: new ResidentStore(server.redis, keys, createLogger('silent')),
      config: {},
    });
    const registered = (router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] }).stack
      .filter((layer) => layer.route)
      .flatMap((layer) => Object.keys(layer.route!.methods).map((m) => `${m} ${layer.route!.path}`))
      .sort();
    const documented = operations(doc).map(({ method, path }) => `${method} ${expressPath(path)}`).sort();
    expect(registered.length).toBe(API_ROUTES.length);
    expect(documented).toEqual(registered);
  });

  it('has the basic OpenAPI 3.1 structure', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ids = new Set<string>();
    for (const { path, method, op } of operations(doc)) {
      const where = `${method} ${path}`;
      expect(path, where).toMatch(/^\//);
      expect(ids.has(op.operationId), `${where}: operationId ${op.operationId} used twice`).toBe(false);
      ids.add(op.operationId);
      expect(typeof op.summary, where).toBe('string');
      // Path templates and path parameters match both ways.
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const pathParams = (op.parameters ?? []).filter((p: any) => p.in === 'path');
      expect(pathParams.map((p: any) => p.name).sort(), where).toEqual(templated);
      for (const p of op.parameters ?? []) {
        expect(['path', 'query', 'header', 'cookie'], where).toContain(p.in);
        if (p.in === 'path') expect(p.required, where).toBe(true);
        expect(typeof p.schema, where).toBe('object');
      }
      // Responses: at least one 2xx, each with a description and a JSON schema.
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => /^2\d\d$/.test(s)), where).toBe(true);
      for (const s of statuses) {
        expect(s, where).toMatch(/^[1-5]\d\d$/);
        expect(typeof op.responses[s].description, where).toBe('string');
        expect(typeof op.responses[s].content['application/json'].schema, where).toBe('object');
      }
      // Security: only schemes that exist.
      for (const requirement of op.security) {
        for (const name of Object.keys(requirement)) expect(doc.components.securitySchemes, where).toHaveProperty(name);
      }
    }
    for (const ref of refs(doc)) {
      expect(ref).toMatch(/^#\//);
      const target = ref.slice(2).split('/').reduce<any>((node, key) => node?.[key], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('protects every operation but itself, and says which roles may call each', () => {
    for (const route of API_ROUTES) {
      const op = doc.paths[route.path][route.method];
      if (route.roles) {
        expect(op.security, route.operationId).toEqual([{ bearerAuth: [] }]);
        expect(op['x-roles']).toEqual(route.roles);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      } else {
        expect(op.security).toEqual([]);
      }
    }
    expect(doc.paths['/openapi.json'].get.security).toEqual([]);
  });

  it('describes request bodies as input (defaults optional) and responses as output', () => {
    const createLink = doc.paths['/links'].post;
    const body = createLink.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['lessonId']);
    expect(body.properties.expiresInDays).toMatchObject({ type: 'integer', minimum: 1, maximum: 90 });
    expect(body.properties.note).toMatchObject({ maxLength: 200 });
    const link = createLink.responses['201'].content['application/json'].schema;
    expect(link.required).toEqual(expect.arrayContaining(['code', 'landingUrl', 'open', 'qr', 'uses', 'revoked']));
    expect(JSON.stringify(link)).not.toContain('tokenHash');

    const lang = doc.paths['/coach/residents'].get.parameters.find((p: any) => p.name === 'lang');
    expect(lang).toMatchObject({ in: 'query', required: false, schema: { enum: ['vi', 'en'], default: 'vi' } });

    const account = doc.paths['/accounts'].post.requestBody.content['application/json'].schema;
    expect(account.required).toEqual(['name', 'role', 'area']);
    expect(account.properties.role.enum).toEqual(['coach', 'official', 'admin']);
    const created = doc.paths['/accounts'].post.responses['201'].content['application/json'].schema;
    expect(created.properties.account.properties).not.toHaveProperty('tokenHash');
    expect(created.properties.account.properties).toHaveProperty('areaName');
  });
});
