/**
 * `npm run worker`: a process that only works — the broadcast workers (plan and send jobs) and the
 * processor that handles residents' inboxes and sends their outboxes — without serving HTTP. Run any
 * number of them, on any machines that reach the same Redis (same REDIS_URL and REDIS_PREFIX): BullMQ
 * and the processor's leases share the work, and a crashed one's work is taken over after
 * WORKER_LOCK_MS. Same configuration as the server (channels need their secrets to send).
 */
import { createApp } from './app.js';
import { loadEverything } from './startup.js';
import { describeRedisUrl } from './store/redis.js';
import { errorFields } from './log.js';

async function main(): Promise<void> {
  // This process exists to run the workers, whatever BROADCAST_WORKERS says for the servers.
  const { config, log, flows, flowsDir, texts, areas, redis } = await loadEverything('the worker', { BROADCAST_WORKERS: 'in-process' });

  // The app's parts without its HTTP server: the same conversation, channels, processor and workers.
  const app = createApp({ config, redis, flows, flowsDir, texts, log, areas });
  log.info('hocso worker running', { redis: describeRedisUrl(config.REDIS_URL), channels: app.channels.map((c) => c.id).join(',') });
  process.stdout.write('\n  Học Số worker is running (broadcasts and outboxes). Stop it with Ctrl+C.\n\n');

  const stop = (signal: string) => {
    log.info('worker shutting down', { signal });
    void app
      .close()
      .then(() => redis.quit())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`hocso worker failed to start: ${JSON.stringify(errorFields(err))}\n`);
  process.exit(1);
});
