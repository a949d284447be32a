/**
 * A real hocso server for tests: real Redis (own prefix), the shipped lessons, real routes,
 * listening on a free port. `close()` stops it and deletes its keys.
 */
import type { AddressInfo } from 'node:net';
import { Cluster } from 'ioredis';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { FlowSet } from '../../src/engine/flowset.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { loadTexts } from '../../src/i18n.js';
import { createLogger, type Logger } from '../../src/log.js';
import { LOCALES_DIR, resolveFlowsDir } from '../../src/paths.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, testRedis, TEST_REDIS_ENV, TEST_REDIS_URL, uniquePrefix } from './redis.js';

export interface TestServer {
  url: string;
  prefix: string;
  redis: ScriptedRedis;
  app: App;
  /** Stop listening; keys are kept when `keepKeys` (to start another server on the same state). */
  close(opts?: { keepKeys?: boolean }): Promise<void>;
}

export interface TestServerOptions {
  prefix?: string;
  flowsDir?: string;
  flows?: FlowSet;
  redis?: ScriptedRedis;
  clock?: () => number;
  /** Environment variables on top of the defaults (channel secrets, PUBLIC_BASE_URL…). */
  env?: Record<string, string>;
  sweepMs?: number;
  /** A logger to read back what was logged (silent by default). */
  log?: Logger;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const prefix = opts.prefix ?? uniquePrefix('srv');
  const flowsDir = resolveFlowsDir(opts.flowsDir ?? 'flows');
  const flows = opts.flows ?? loadLessonsOrThrow(flowsDir);
  const redis = opts.redis ?? (await testRedis());
  // BullMQ connects by itself, from the configuration: to the same Redis (or Cluster) as `redis`.
  const redisEnv = redis instanceof Cluster ? TEST_REDIS_ENV : { REDIS_URL: TEST_REDIS_URL };
  const app = createApp({
    config: loadConfig({ ...redisEnv, REDIS_PREFIX: prefix, ...opts.env }),
    redis, flows, flowsDir,
    texts: loadTexts(LOCALES_DIR),
    log: opts.log ?? createLogger('silent'),
    sweepMs: opts.sweepMs ?? 50,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  // BullMQ writes its queues' meta keys once connected (later on a Cluster): wait, so a test's
  // snapshot of the prefix's keys does not see them appear.
  await app.broadcast.queues.ready();
  const server = app.express.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    prefix,
    redis,
    app,
    async close({ keepKeys = false } = {}) {
      await app.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (!keepKeys) await dropPrefix(redis, prefix);
      if (!opts.redis) await redis.quit();
    },
  };
}
