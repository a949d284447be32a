/**
 * The processes of the turn benchmark besides the driver: the fake Graph API, the bot (the real
 * `src/main.ts`, or the built `dist/src/main.js`) and the floor, each a child process, and what
 * /proc says about a server's CPU time and peak memory.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT } from '../src/paths.js';
import { APP_SECRET, FromFloor, FromGraph, GRAPH_PATH, PAGE_TOKEN, type Arrival, type ToGraph } from './turns-shared.js';

const TSX = ['--import', 'tsx'];

export interface Graph {
  url: string;
  pid: number;
  onArrivals(handler: (arrivals: Arrival[]) => void): void;
  stats(): Promise<{ requests: number; rssMb: number }>;
  stop(): void;
}

export async function startGraph(): Promise<Graph> {
  const child = fork(`${PROJECT_ROOT}/bench/fake-graph-child.ts`, [], { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let onArrivals: (a: Arrival[]) => void = () => undefined;
  let onStats: ((s: { requests: number; rssMb: number }) => void) | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the fake Graph API exited (${code})`)));
    child.on('message', (raw) => {
      const m = FromGraph.parse(raw);
      if ('ready' in m) resolve(m.ready.url);
      else if ('arrivals' in m) onArrivals(m.arrivals);
      else onStats?.(m.stats);
    });
  });
  child.removeAllListeners('exit');
  const tell = (m: ToGraph) => child.send(m);
  return {
    url,
    pid: child.pid!,
    onArrivals: (handler) => (onArrivals = handler),
    stats: () =>
      new Promise((resolve) => {
        onStats = resolve;
        tell({ stats: true });
      }),
    stop: () => tell({ stop: true }),
  };
}

export interface Server {
  name: 'bot' | 'floor' | 'floor+';
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface BotOptions {
  graphUrl: string;
  prefix: string;
  redisUrl: string;
  /** Run the compiled `dist/src/main.js` (`npm run build`) instead of the sources through tsx. */
  prod: boolean;
  /** Write a V8 CPU profile of the bot into this folder when it stops. */
  profileDir?: string | undefined;
}

function messengerEnv(graphUrl: string, prefix: string, redisUrl: string): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    MESSENGER_APP_SECRET: APP_SECRET,
    MESSENGER_PAGE_ACCESS_TOKEN: PAGE_TOKEN,
    MESSENGER_GRAPH_URL: `${graphUrl}${GRAPH_PATH}`,
  };
}

export async function startBot(o: BotOptions): Promise<Server> {
  const port = await freePort();
  const args = [
    ...(o.prod || process.env.BENCH_BOT_MAIN ? [] : TSX),
    ...(o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : []),
    // As `npm start` runs it (package.json); BENCH_BOT_NODE_ARGS adds or overrides flags.
    '--max-semi-space-size=64',
    ...(process.env.BENCH_BOT_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    // BENCH_BOT_MAIN: another build of the bot (e.g. one compiled elsewhere for profiling).
    process.env.BENCH_BOT_MAIN ?? (o.prod ? 'dist/src/main.js' : 'src/main.ts'),
  ];
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...messengerEnv(o.graphUrl, o.prefix, o.redisUrl),
      PORT: String(port),
      PUBLIC_BASE_URL: 'https://bot.example.test',
      MESSENGER_VERIFY_TOKEN: 'bench-verify-token',
      // One web process: the figures are per process (and per core).
      WEB_CONCURRENCY: '1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    },
    // Its log lines are written as in production, to nowhere, or to the file BENCH_BOT_STDOUT names
    // (to read its logs, or what `--trace-gc` in BENCH_BOT_NODE_ARGS prints).
    stdio: ['ignore', process.env.BENCH_BOT_STDOUT ? openSync(process.env.BENCH_BOT_STDOUT, 'w') : 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child);
  return { name: 'bot', url, pid: child.pid!, stop: () => stopChild(child) };
}

/** The floor; `sameWork`: the `floor+` row, the floor doing a bot turn's messages and outbox too. */
export async function startFloor(graphUrl: string, prefix: string, redisUrl: string, sameWork = false): Promise<Server> {
  const child = fork(`${PROJECT_ROOT}/bench/floor-server.ts`, [], {
    execArgv: TSX,
    env: { PATH: process.env.PATH ?? '', ...messengerEnv(graphUrl, prefix, redisUrl), ...(sameWork ? { FLOOR_SAME_WORK: '1' } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the floor server exited (${code})`)));
    child.once('message', (m) => resolve(FromFloor.parse(m).ready.port));
  });
  child.removeAllListeners('exit');
  return { name: sameWork ? 'floor+' : 'floor', url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopChild(child) };
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}) before it was up`);
    const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (up) return;
    await sleep(100);
  }
  throw new Error('the bot did not answer /healthz within 60 s');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

// ---- /proc ----

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** Field values of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The process and its descendants (should the server fork workers). */
function tree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = Number(statFields(pid)?.[1]);
    if (!parents.has(ppid)) parents.set(ppid, []);
    parents.get(ppid)!.push(pid);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of parents.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** CPU time (user + system), ms, of a process and its descendants. */
export function cpuMs(root: number): number {
  let ticks = 0;
  for (const pid of tree(root)) {
    const f = statFields(pid);
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name.
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * TICK_MS;
}

/** Read and write system calls so far (`syscr` + `syscw` of /proc/<pid>/io) of a process and its descendants. */
export function ioCalls(root: number): number {
  let calls = 0;
  for (const pid of tree(root)) {
    try {
      const io = readFileSync(`/proc/${pid}/io`, 'utf8');
      calls += Number(/syscr: (\d+)/.exec(io)?.[1] ?? 0) + Number(/syscw: (\d+)/.exec(io)?.[1] ?? 0);
    } catch {
      // gone, or not ours to read
    }
  }
  return calls;
}

/** Start a new peak-memory measurement: Linux resets VmHWM to the current RSS on `5 > clear_refs`. */
export function resetPeakRss(root: number): void {
  for (const pid of tree(root)) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // Another user's process or an old kernel: the peak then counts from the process start.
    }
  }
}

/** Peak RSS, MB, of a process and its descendants since `resetPeakRss`. */
export function peakRssMb(root: number): number {
  let kb = 0;
  for (const pid of tree(root)) {
    try {
      kb += Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return Math.round(kb / 1024);
}
