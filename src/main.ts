/**
 * Start-up: configuration, lessons, system strings, Redis, then the HTTP server.
 * Each failure stops the program with a message that says what to fix.
 */
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { describeRedisUrl } from './store/redis.js';
import { fail, loadEverything } from './startup.js';
import { errorFields } from './log.js';

async function main(): Promise<void> {
  const { config, log, flows, flowsDir, texts, areas, redis } = await loadEverything('the bot');
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
