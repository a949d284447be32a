/**
 * Where Prometheus reads /metrics. Off unless configured, because the main port is usually public:
 * - METRICS_PORT: a listener of its own, without authentication, on METRICS_HOST (127.0.0.1 by
 *   default; keep the port off the public network), which is how Prometheus usually scrapes;
 * - METRICS_TOKEN: also on the main port, to requests with `Authorization: Bearer <token>`.
 *
 * With several web processes (WEB_CONCURRENCY) a scrape must see all of them, not whichever process
 * the connection reached: the cluster's primary asks every worker for its registry and sums them
 * (prom-client's AggregatorRegistry); a worker asked on the main port asks the primary.
 */
import cluster from 'node:cluster';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Router } from 'express';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Config } from '../config.js';
import { sendError } from '../http/errors.js';
import type { Logger } from '../log.js';

export interface MetricsText {
  contentType: string;
  body: string;
}
export type MetricsSource = () => Promise<MetricsText>;

export const fromRegistry = (registry: Registry): MetricsSource => async () => ({ contentType: registry.contentType, body: await registry.metrics() });

/** `GET /metrics` on the main port, only when a token is configured. */
export function metricsRoute(token: string | undefined, source: MetricsSource): Router {
  const router = Router();
  if (!token) return router;
  router.get('/metrics', async (req, res) => {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!given || !sameSecret(given, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      sendError(res, 401, 'unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN>.');
      return;
    }
    const text = await source();
    res.type(text.contentType).send(text.body);
  });
  return router;
}

/** A listener serving only `GET /metrics`, without authentication. Resolves once listening. */
export async function startMetricsServer(port: number, host: string, source: MetricsSource): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics here.\n');
      return;
    }
    source().then(
      (text) => res.writeHead(200, { 'content-type': text.contentType }).end(text.body),
      () => res.writeHead(503, { 'content-type': 'text/plain' }).end('Metrics unavailable.\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** The METRICS_PORT listener, if configured (undefined otherwise); logs where metrics are, or that they are off. */
export async function serveMetrics(config: Pick<Config, 'METRICS_PORT' | 'METRICS_HOST' | 'METRICS_TOKEN'>, log: Logger, source: MetricsSource): Promise<Server | undefined> {
  if (config.METRICS_PORT === undefined) {
    if (!config.METRICS_TOKEN) log.info('metrics off: set METRICS_PORT (a port of its own) or METRICS_TOKEN (on the main port) to serve /metrics');
    return undefined;
  }
  let server: Server;
  try {
    server = await startMetricsServer(config.METRICS_PORT, config.METRICS_HOST, source);
  } catch (err) {
    throw new Error(`Cannot serve metrics on ${config.METRICS_HOST}:${config.METRICS_PORT}: ${(err as Error).message}. Set METRICS_PORT to a free port (or METRICS_HOST).`);
  }
  const address = server.address();
  log.info('metrics listening', { host: config.METRICS_HOST, port: typeof address === 'object' && address ? address.port : config.METRICS_PORT });
  return server;
}

const REQUEST = 'hocso:metrics-request';
const RESPONSE = 'hocso:metrics-response';
interface MetricsMessage {
  type: typeof REQUEST | typeof RESPONSE;
  id: string;
  text?: MetricsText;
  error?: string;
}
const isMetricsMessage = (m: unknown): m is MetricsMessage =>
  typeof m === 'object' && m !== null && ((m as MetricsMessage).type === REQUEST || (m as MetricsMessage).type === RESPONSE);

/** In the primary: every worker's metrics, summed; also answers workers asked on the main port. */
export function primaryMetrics(): MetricsSource {
  const aggregator = new AggregatorRegistry();
  const source: MetricsSource = async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() });
  cluster.on('message', (worker, message: unknown) => {
    if (!isMetricsMessage(message) || message.type !== REQUEST) return;
    source().then(
      (text) => worker.isConnected() && worker.send({ type: RESPONSE, id: message.id, text }),
      (err: unknown) => worker.isConnected() && worker.send({ type: RESPONSE, id: message.id, error: err instanceof Error ? err.name : 'error' }),
    );
  });
  return source;
}

/** In a cluster worker: report `registry` to the primary, and read the whole cluster's metrics from it. */
export function workerMetrics(registry: Registry): MetricsSource {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // its constructor makes this worker answer the primary's requests
  const waiting = new Map<string, (m: MetricsMessage) => void>();
  process.on('message', (message: unknown) => {
    if (isMetricsMessage(message) && message.type === RESPONSE) waiting.get(message.id)?.(message);
  });
  return () =>
    new Promise<MetricsText>((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => finish({ type: RESPONSE, id, error: 'timeout' }), 10_000);
      const finish = (m: MetricsMessage) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (m.text) resolve(m.text);
        else reject(new Error(`cluster metrics: ${m.error ?? 'no answer'}`));
      };
      waiting.set(id, finish);
      process.send?.({ type: REQUEST, id } satisfies MetricsMessage);
    });
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
