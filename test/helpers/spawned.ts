/**
 * The real server as child processes (`node --import tsx src/main.ts`, as `npm start` runs it), for
 * tests about processes: several web processes, signals, shutdown. Platforms are a local HTTP fake
 * (test/broadcast/fake-platforms.ts), since nock cannot reach into another process.
 *
 * Also: signed Messenger deliveries that report the status and Retry-After (or a refused connection),
 * and a check that what the fake Graph API received for a resident is exactly their turns' replies,
 * each turn once, whole, in the order the turns were committed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { PlatformMessage } from '../../src/channels/channel.js';
import { createMessengerClient } from '../../src/channels/messenger/client.js';
import type { Reply } from '../../src/engine/types.js';
import { createLogger } from '../../src/log.js';
import { createKeys } from '../../src/store/keys.js';
import { perItem, type ScriptedRedis } from '../../src/store/redis.js';
import type { Delivery, FakePlatforms } from '../broadcast/fake-platforms.js';
import { TOKENS } from '../broadcast/fake-platforms.js';
import { TEST_REDIS_ENV } from './redis.js';

export interface LogRecord {
  level: string;
  msg: string;
  pid: number;
  [field: string]: unknown;
}

export interface Spawned {
  child: ChildProcess;
  url: string;
  /** The METRICS_PORT listener, when one was asked for. */
  metricsUrl: string | undefined;
  /** Every JSON log line so far. */
  logs: LogRecord[];
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Start the server with `env` on top of the test environment; resolves once it listens. */
export async function spawnServer(env: Record<string, string>): Promise<Spawned> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...TEST_REDIS_ENV, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogRecord[] = [];
  let err = '';
  let partial = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const clustered = Number(env.WEB_CONCURRENCY ?? '1') > 1;
  const ready = new Promise<{ port: number; metricsPort?: number }>((resolve, reject) => {
    let metricsPort: number | undefined;
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const record = JSON.parse(line) as LogRecord;
        logs.push(record);
        if (record.msg === 'metrics listening') metricsPort = record.port as number;
        if (record.msg === (clustered ? 'hocso cluster is listening' : 'hocso is listening')) {
          resolve({ port: record.port as number, ...(metricsPort === undefined ? {} : { metricsPort }) });
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${err}`)));
  });
  const { port, metricsPort } = await ready;
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: metricsPort === undefined ? undefined : `http://127.0.0.1:${metricsPort}/metrics`,
    logs,
    stderr: () => err,
    exited,
  };
}

export interface Delivered {
  status: number;
  retryAfter: string | null;
}

/** A text message from `psid` with a known id and platform time, signed as Meta signs it; status 0 = no answer. */
export async function deliverText(baseUrl: string, psid: string, mid: string, text: string, timestamp: number): Promise<Delivered> {
  const body = Buffer.from(JSON.stringify({
    object: 'page',
    entry: [{ id: '1', time: timestamp, messaging: [{ sender: { id: psid }, recipient: { id: '1' }, timestamp, message: { mid, text } }] }],
  }));
  const signature = `sha256=${createHmac('sha256', TOKENS.MESSENGER_APP_SECRET).update(body).digest('hex')}`;
  try {
    const res = await fetch(`${baseUrl}/webhooks/messenger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body: new Uint8Array(body),
    });
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  } catch {
    // Refused or cut: the platform got no answer and will deliver again.
    return { status: 0, retryAfter: null };
  }
}

/** Poll until `check` holds (or fail after `ms`). */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Nothing left to do for these residents: no inbox, no outbox, not due. */
export async function settled(redis: ScriptedRedis, prefix: string, psids: readonly string[]): Promise<boolean> {
  const keys = createKeys(prefix);
  const ids = psids.map((psid) => `messenger:${psid}`);
  // Each resident's keys are in a Redis Cluster slot of their own, the due set in another.
  const lengths = await perItem(redis, ids, (p, rid) => p.zcard(keys.resident(rid).inbox).llen(keys.resident(rid).outbox));
  const due = ids.length ? await redis.zmscore(keys.due, ...ids) : [];
  return lengths.every((v) => v === 0) && due.every((v) => v === null);
}

const wire = (m: PlatformMessage) => JSON.stringify('sender_action' in m ? { sender_action: m.sender_action } : { message: m });
const wireOf = (d: Delivery) => JSON.stringify(d.senderAction ? { sender_action: d.senderAction } : { message: d.message });

/**
 * What the fake received for `psid` is exactly the replies stored for `mids`: each turn's messages
 * once and together, turns in commit order (turns committed in the same millisecond in either order).
 * `cutOff`: a process died while sending to this resident, and the platform may have got the message
 * it was sending; at most that one may have been shown twice, right after itself.
 */
export async function expectTurnsDelivered(
  redis: ScriptedRedis, prefix: string, fake: FakePlatforms, psid: string, mids: readonly string[], { cutOff = false } = {},
): Promise<void> {
  const k = createKeys(prefix).resident(`messenger:${psid}`);
  const client = createMessengerClient({
    graphUrl: 'http://unused.test', pageAccessToken: 'unused-token', log: createLogger('silent'),
    mediaUrl: (path) => `${TOKENS_BASE}/${path.split('/').map(encodeURIComponent).join('/')}`,
  });
  const seen = await redis.zrange(k.seen, 0, -1, 'WITHSCORES');
  const committedAt = new Map<string, number>();
  for (let i = 0; i < seen.length; i += 2) committedAt.set(seen[i]!, Number(seen[i + 1]));
  const turns: { mid: string; at: number; messages: string[] }[] = [];
  for (const mid of mids) {
    expect(committedAt.has(mid), `turn ${mid} of ${psid} committed`).toBe(true);
    const raw = await redis.hget(k.replies, mid);
    expect(raw, `replies stored for ${mid}`).toBeTruthy();
    turns.push({ mid, at: committedAt.get(mid)!, messages: (JSON.parse(raw!) as Reply[]).flatMap((r) => client.render(r)).map(wire) });
  }
  turns.sort((a, b) => a.at - b.at);
  let rest = fake.delivered.filter((d) => d.channel === 'messenger' && d.user === psid).map(wireOf);
  if (cutOff) {
    const repeat = rest.findIndex((m, i) => i > 0 && rest[i - 1] === m);
    if (repeat > 0) rest = [...rest.slice(0, repeat), ...rest.slice(repeat + 1)];
  }
  expect(rest.length, `messages delivered to ${psid}`).toBe(turns.reduce((n, t) => n + t.messages.length, 0));
  while (turns.length) {
    // The next turn is one of those committed earliest; its messages must come next, whole.
    const first = turns[0]!.at;
    const i = turns.findIndex((t) => t.at === first && t.messages.every((m, j) => rest[j] === m));
    expect(i, `the next messages to ${psid} are one whole turn, the next committed`).toBeGreaterThanOrEqual(0);
    rest = rest.slice(turns[i]!.messages.length);
    turns.splice(i, 1);
  }
  expect(rest).toEqual([]);
}

/** PUBLIC_BASE_URL of FakePlatforms.env(), where lesson pictures are said to be. */
const TOKENS_BASE = 'https://bot.example.test';
