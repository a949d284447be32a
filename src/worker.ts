/**
 * `npm run worker`: a process that only works — the broadcast workers (plan and send jobs) and the
 * processor that handles residents' inboxes and sends their outboxes — without serving HTTP. Run any
 * number of them, on any machines that reach the same Redis (same REDIS_URL and REDIS_PREFIX): BullMQ
 * and the processor's leases share the work, and a crashed one's work is taken over after
 * WORKER_LOCK_MS. Same configuration as the server (channels need their secrets to send).
 * METRICS_PORT serves this process's /metrics (give each worker on one machine its own port).
 */
import { createApp } from './app.js';
import { stopOnSignals } from './http/shutdown.js';
import { fromRegistry, serveMetrics } from './metrics/serve.js';
import { fail, loadEverything } from './startup.js';
import { describeRedis } from './store/redis.js';
import { errorFields } from './log.js';

async function main(): Promise<void> {
  // This process exists to run the workers, whatever BROADCAST_WORKERS says for the servers.
  const { config, log, flows, flowsDir, texts, areas, redis } = await loadEverything('the worker', { BROADCAST_WORKERS: 'in-process' });

  // The app's parts without its HTTP server: the same conversation, channels, processor and workers.
  const app = createApp({ config, redis, flows, flowsDir, texts, log, areas });
  log.info('hocso worker running', { redis: describeRedis(config), channels: app.channels.map((c) => c.id).join(',') });
  process.stdout.write('\n  Học Số worker is running (broadcasts and outboxes). Stop it with Ctrl+C.\n\n');

  const metricsServer = await serveMetrics(config, log, fromRegistry(app.metrics.registry)).catch((err: Error) => fail(err.message));
  stopOnSignals({
    log, redis, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, extraServers: metricsServer ? [metricsServer] : [],
    close: () => app.close(),
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`hocso worker failed to start: ${JSON.stringify(errorFields(err))}\n`);
  process.exit(1);
});
