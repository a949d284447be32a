/**
 * The express app: channels, simulator page, lesson pictures, health. Everything it needs is
 * passed in, so a test can build two apps side by side on different Redis prefixes.
 */
import { join } from 'node:path';
import express, { type Express } from 'express';
import { webChannel } from './channels/web/routes.js';
import type { Config } from './config.js';
import { createConversation, type Conversation } from './conversation/conversation.js';
import type { FlowSet } from './engine/flowset.js';
import type { Texts } from './engine/types.js';
import { errorHandler, sendError } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import type { Logger } from './log.js';
import { SIMULATOR_DIR } from './paths.js';
import { createKeys } from './store/keys.js';
import type { ScriptedRedis } from './store/redis.js';
import { ResidentStore } from './store/resident-store.js';

export interface AppDeps {
  config: Pick<Config, 'REDIS_PREFIX' | 'PUBLIC_BASE_URL' | 'DEFAULT_LOCALE'>;
  redis: ScriptedRedis;
  flows: FlowSet;
  /** Absolute path of the flows folder (its media/ is served under /media/). */
  flowsDir: string;
  texts: Texts;
  log: Logger;
  clock?: () => number;
}

export interface App {
  express: Express;
  conversation: Conversation;
}

export function createApp(deps: AppDeps): App {
  const { config, redis, flows, texts, log } = deps;
  const store = new ResidentStore(redis, createKeys(config.REDIS_PREFIX), log);
  const conversation = createConversation({
    store, flows, texts, log, defaultLocale: config.DEFAULT_LOCALE, ...(deps.clock ? { clock: deps.clock } : {}),
  });
  const base = config.PUBLIC_BASE_URL ?? '';
  const mediaUrl = (path: string) => `${base}/${path.split('/').map(encodeURIComponent).join('/')}`;

  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(redis, flows));
  app.use(webChannel({ conversation, mediaUrl }));
  app.use('/media', express.static(join(deps.flowsDir, 'media'), { maxAge: '1d', fallthrough: false }));
  app.use(express.static(SIMULATOR_DIR, { index: 'index.html' }));
  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such page.'));
  app.use(errorHandler(log, () => texts.t(config.DEFAULT_LOCALE, 'errors.unavailable')));
  return { express: app, conversation };
}
