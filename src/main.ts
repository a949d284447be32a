/**
 * Start-up: configuration, lessons, system strings, Redis, then the HTTP server.
 * Each failure stops the program with a message that says what to fix.
 *
 * With WEB_CONCURRENCY=k above 1 this process becomes the cluster's primary (cluster.ts), which
 * serves nothing itself and runs k copies of this file as web processes sharing PORT.
 */
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { runPrimary } from './cluster.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { stopOnSignals } from './http/shutdown.js';
import { createLogger, errorFields } from './log.js';
import { fromRegistry, serveMetrics, workerMetrics } from './metrics/serve.js';
import { describeRedis } from './store/redis.js';
import { fail, loadEverything } from './startup.js';

async function main(): Promise<void> {
  if (cluster.isPrimary) {
    let config: Config;
    try {
      config = loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) fail(err.message);
      throw err;
    }
    if (config.WEB_CONCURRENCY > 1) {
      await runPrimary(config, createLogger(config.LOG_LEVEL));
      return;
    }
  }
  await runServer();
}

/** One web process: alone, or one of a cluster's workers. */
async function runServer(): Promise<void> {
  const { config, log, flows, flowsDir, texts, areas, redis } = await loadEverything('the bot');
  const inCluster = cluster.isWorker;
  const app = createApp({ config, redis, flows, flowsDir, texts, log, areas, ...(inCluster ? { metricsSource: workerMetrics } : {}) });
  const server: Server = app.express.listen(config.PORT, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    log.info('hocso is listening', { port, lessons: flows.list.length, redis: describeRedis(config) });
    // In a cluster the primary says it once, when every process listens.
    if (!inCluster) process.stdout.write(`\n  Học Số is ready. Open http://localhost:${port} to chat with the bot.\n\n`);
  });
  server.on('error', (err) => fail(`Cannot listen on port ${config.PORT}: ${(err as Error).message}. Set PORT to a free port.`));

  // In a cluster the primary serves METRICS_PORT for all its processes.
  const metricsServer = inCluster ? undefined : await serveMetrics(config, log, fromRegistry(app.metrics.registry)).catch((err: Error) => fail(err.message));
  stopOnSignals(
    {
      log, server, drain: app.drain, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, redis, closeListenerFirst: inCluster,
      extraServers: metricsServer ? [metricsServer] : [],
      close: () => app.close(),
    },
    inCluster ? [process] : [],
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`hocso failed to start: ${JSON.stringify(errorFields(err))}\n`);
  process.exit(1);
});
