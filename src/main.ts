/**
 * Start-up: configuration, lessons, system strings, Redis, then the HTTP server.
 * Each failure stops the program with a message that says what to fix.
 */
import type { Server } from 'node:http';
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
    config = loadConfig();
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
    if (err instanceof FlowError) fail(`The lessons in ${flowsDir} have errors; the bot will not start until they are fixed:\n${err.message}`);
    throw err;
  }
  const texts = loadTexts(LOCALES_DIR, config.DEFAULT_LOCALE);
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

  const app = createApp({ config, redis, flows, flowsDir, texts, log, areas });
  const server: Server = app.express.listen(config.PORT, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    log.info('hocso is listening', { port, lessons: flows.list.length, redis: describeRedisUrl(config.REDIS_URL) });
    process.stdout.write(`\n  Học Số is ready. Open http://localhost:${port} to chat with the bot.\n\n`);
  });
  server.on('error', (err) => fail(`Cannot listen on port ${config.PORT}: ${(err as Error).message}. Set PORT to a free port.`));

  const stop = (signal: string) => {
    log.info('shutting down', { signal });
    server.close(() => {
      void app
        .close()
        .then(() => redis.quit())
        .finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`hocso failed to start: ${JSON.stringify(errorFields(err))}\n`);
  process.exit(1);
});
