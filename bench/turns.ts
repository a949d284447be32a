/**
 * `npm run bench [-- --seconds 10] [-- --warmup 2] [-- --start-warmup 5] [-- --levels 50,200,1000,500/s] [-- --only bot|floor|floor+]
 * [-- --prod] [-- --profile <dir>]`: how fast a Messenger turn is, end to end, against a floor. Prints
 * figures; asserts nothing (tests never time things).
 *
 * Starts, each in a child process: a fake Graph API (bench/fake-graph-child.ts), the bot (the real
 * `src/main.ts`, or with `--prod` the built `dist/src/main.js`) with Messenger pointed at the fake,
 * the floor (bench/floor-server.ts: signature, one Redis round trip, one POST) and `floor+` (the same
 * file doing also what a bot turn does beyond that: its 2.6 messages, kept in an outbox, the resident
 * held meanwhile; no framework, no engine). This process
 * plays the residents (bench/turns-driver.ts): correctly signed webhooks, each resident's next
 * message only after the reply to the previous one arrived at the fake API. For every level and
 * server it measures webhook sent → first / last reply at the fake API, turns/s, lost and duplicated
 * replies, the server's CPU time, read/write system calls per turn and peak RSS (from /proc). Levels:
 * N residents in flight (closed loop), or `R/s`, a turn started every 1/R s regardless (open loop, for
 * latency); the servers take turns level by level so that a noisy neighbour hurts them alike.
 *
 * `--profile <dir>` writes the bot's V8 CPU profile there (open it in Chrome DevTools or speedscope).
 * `BENCH_BOT_NODE_ARGS` adds Node flags to the bot (e.g. `--max-semi-space-size=64`); `BENCH_BOT_MAIN`
 * runs another build of it (a compiled `main.js` elsewhere). Each server has a Redis prefix of its
 * own; all are deleted afterwards (also on Ctrl+C). Needs Redis on REDIS_URL (default 127.0.0.1:6379).
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { connectRedis } from '../src/store/redis.js';
import { dropPrefix } from '../test/helpers/redis.js';
import { engineMicrosPerTurn } from './turns-engine.js';
import { onArrivals, runLevel, type LevelResult, type LevelSpec } from './turns-driver.js';
import { runLine, table } from './turns-report.js';
import { startBot, startFloor, startGraph, type Server } from './turns-servers.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SECONDS = Number(arg('seconds') ?? 10);
const WARMUP = Number(arg('warmup') ?? 2);
/**
 * Seconds each server runs at 200 in flight, unmeasured, once before the first level. A process just
 * started runs its code unoptimised at first (about twice the CPU per turn for a few seconds): the
 * first level measured straight away (e.g. `--levels 500/s`) showed that, a backlog of seconds, not
 * the server's pace.
 */
const START_WARMUP = Number(arg('start-warmup') ?? 5);
const ONLY = arg('only');
const PROD = args.includes('--prod');
const PROFILE = arg('profile');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (line: string) => process.stdout.write(`${line}\n`);

function levels(spec: string): LevelSpec[] {
  return spec.split(',').map((s) => {
    const paced = /^(\d+)\/s$/.exec(s.trim());
    if (paced) return { kind: 'paced', perSecond: Number(paced[1]) };
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--levels: "${s}" is neither a number of residents nor a rate like 500/s`);
    return { kind: 'closed', residents: n };
  });
}

async function main(): Promise<void> {
  if (ONLY && ONLY !== 'bot' && ONLY !== 'floor' && ONLY !== 'floor+') throw new Error('--only takes bot, floor or floor+');
  if (!(SECONDS > 0) || !(WARMUP >= 0) || !(START_WARMUP >= 0)) throw new Error('--seconds must be positive, --warmup and --start-warmup not negative');
  const specs = levels(arg('levels') ?? '50,200,1000,500/s');
  const redis = await connectRedis(REDIS_URL);
  const run = randomUUID().slice(0, 8);
  const prefixes = { bot: `bench:turns:${run}:`, floor: `bench:floor:${run}:`, floorPlus: `bench:floor-plus:${run}:` };
  log(`${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, Redis ${/redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?'}`);
  log(`engine alone: ${engineMicrosPerTurn(20_000).toFixed(1)} µs per turn (the same lesson walk, no I/O)`);

  const graph = await startGraph();
  graph.onArrivals(onArrivals);
  const servers: Server[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      for (const s of servers) await s.stop();
      graph.stop();
      log('\ndeleting the benchmark\'s keys…');
      for (const prefix of Object.values(prefixes)) await dropPrefix(redis, prefix);
      await redis.quit();
    })());
  // Ctrl+C: the servers stop and the keys go, as at the end of a run.
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    if (!ONLY || ONLY === 'bot') servers.push(await startBot({ graphUrl: graph.url, prefix: prefixes.bot, redisUrl: REDIS_URL, prod: PROD, profileDir: PROFILE }));
    if (!ONLY || ONLY === 'floor') servers.push(await startFloor(graph.url, prefixes.floor, REDIS_URL));
    if (!ONLY || ONLY === 'floor+') servers.push(await startFloor(graph.url, prefixes.floorPlus, REDIS_URL, true));
    log(`${servers.map((s) => s.name).join(' and ')} up (bot: ${process.env.BENCH_BOT_MAIN ?? (PROD ? 'dist/src/main.js' : 'src/main.ts through tsx')}); ${START_WARMUP} s warm-up each, then ${WARMUP} s warm-up and ${SECONDS} s measured per level\n`);
    if (START_WARMUP > 0) for (const server of servers) await runLevel(server, { kind: 'closed', residents: 200 }, START_WARMUP, 0, graph.pid);
    const results: LevelResult[] = [];
    for (const spec of specs) {
      for (const server of servers) {
        const result = await runLevel(server, spec, SECONDS, WARMUP, graph.pid);
        results.push(result);
        log(runLine(result));
      }
    }
    const fake = await graph.stats();
    log(`\n(fake Graph API: ${fake.requests.toLocaleString('en')} requests, ${fake.rssMb} MB, not counted)\n`);
    log(table(results));
  } finally {
    await cleanUp();
  }
  if (PROFILE) log(`the bot's CPU profile is in ${PROFILE}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
