/**
 * What the server (main.ts) and a worker (worker.ts) both load before they run: configuration,
 * lessons, system strings, areas and Redis. Each failure stops the program with a message that says
 * what to fix.
 */
import { AreasError, loadAreas, type AreaList } from './accounts/areas.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { FlowSet } from './engine/flowset.js';
import type { Texts } from './engine/types.js';
import { FlowError, loadLessonsOrThrow } from './flows/load.js';
import { loadTexts } from './i18n.js';
import { createLogger, type Logger } from './log.js';
import { LOCALES_DIR, resolveFlowsDir } from './paths.js';
import { RedisUnavailableError } from './store/errors.js';
import { connectRedis, type ScriptedRedis } from './store/redis.js';

export interface Loaded {
  config: Config;
  log: Logger;
  flows: FlowSet;
  flowsDir: string;
  texts: Texts;
  areas: AreaList;
  redis: ScriptedRedis;
}

export function fail(message: string): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(1);
}

/** Run `load`; a known error of type `kind` stops the program with its message (prefixed by `lead`). */
function orFail<T>(load: () => T, kind: abstract new (...args: never[]) => Error, lead = ''): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof kind) fail(lead + err.message);
    throw err;
  }
}

/** `who` names the program in messages ("the bot", "the worker"); `overrides` adjusts the configuration. */
export async function loadEverything(who: string, overrides: Partial<Config> = {}): Promise<Loaded> {
  const config = { ...orFail(() => loadConfig(), ConfigError), ...overrides };
  const log = createLogger(config.LOG_LEVEL);
  const flowsDir = resolveFlowsDir(config.FLOWS_DIR);
  const flows = orFail(() => loadLessonsOrThrow(flowsDir), FlowError, `The lessons in ${flowsDir} have errors; ${who} will not start until they are fixed:\n`);
  const texts = loadTexts(LOCALES_DIR, config.DEFAULT_LOCALE);
  const areas = orFail(() => loadAreas(config.AREAS_FILE), AreasError);
  let redis: ScriptedRedis;
  try {
    redis = await connectRedis(config);
  } catch (err) {
    if (err instanceof RedisUnavailableError) fail(err.message);
    throw err;
  }
  return { config, log, flows, flowsDir, texts, areas, redis };
}
