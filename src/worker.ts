/**
 * `npm run worker`: a process that only works — the broadcast workers (plan and send jobs) and the
 * processor that handles residents' inboxes and sends their outboxes — without serving HTTP. Run any
 * number of them, on any machines that reach the same Redis (same REDIS_URL and REDIS_PREFIX): BullMQ
 * and the processor's leases share the work, and a crashed one's work is taken over after
 * WORKER_LOCK_MS. Same configuration as the server (channels need their secrets to send).
 */
import { AreasError, loadAreas } from './accounts/areas.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { FlowError, loadLessonsOrThrow } from './flows/load.js';
import { loadTexts } from './i18n.js';
import { createLogger, errorFields } from './log.js';
import { LOCALES_DIR, resolveFlowsDir } from './paths.js';
import { RedisUnavailableError } from './store/errors.js';
import { connectRedis, describeRedisUrl } from './store/redis.js';

function fail(message: string): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(1);
}

async function main(): Promise<void> {
  let config;
  try {
    // This process exists to run the workers, whatever BROADCAST_WORKERS says for the servers.
    config = { ...loadConfig(), BROADCAST_WORKERS: 'in-process' as const };
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  const flowsDir = resolveFlowsDir(config.FLOWS_DIR);
  let flows;
  try {
    flows = loadLessonsOrThrow(flowsDir);
  } catch (err) {
    if (err instanceof FlowError) fail(`The lessons in ${flowsDir} have errors; the worker will not start until they are fixed:\n${err.message}`);
    throw err;
  }
  let areas;
  try {
    areas = loadAreas(config.AREAS_FILE);
  } catch (err) {
    if (err instanceof AreasError) fail(err.message);
    throw err;
  }
  let redis;
  try {
    redis = await connectRedis(config.REDIS_URL);
  } catch (err) {
    if (err instanceof RedisUnavailableError) fail(err.message);
    throw err;
  }

  // The app's parts without its HTTP server: the same conversation, channels, processor and workers.
  const app = createApp({ config, redis, flows, flowsDir, texts: loadTexts(LOCALES_DIR, config.DEFAULT_LOCALE), log, areas });
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
