/**
 * The floor of `npm run bench`: the least code that does a Messenger turn's unavoidable work, to
 * measure the bot against. Per webhook: read the raw body, check its HMAC-SHA256 signature, parse it,
 * one Redis round trip per batch (a Lua call per event: remember the message id, count the
 * resident's turn — the state), answer 200 only then (the same durability rule as the bot), and one
 * keep-alive POST to the Send API with a reply that offers a button, so the driver's resident walks on.
 *
 * No framework, no validation library, no logging: whatever the bot spends beyond this is its own.
 * Started with `fork` by bench/turns.ts; configured through the environment; says its port over IPC.
 *
 * With FLOOR_SAME_WORK=1 (the `floor+` row): the least code that does what a bot turn does beyond
 * that, so the figures show how much of the bot's cost is the work itself and how much is the code.
 * The bot's average lesson turn sends 2.6 messages (a picture, the text, sometimes a second text
 * part), each kept in Redis until the platform took it, while the resident is held. So per event:
 * the first round trip also takes the event into the inbox and holds the resident (a lease); then one
 * commits the state and puts the turn's messages into an outbox; the messages are posted one after
 * the other, each taken out of the outbox once accepted (not waited for, as the bot does); the last
 * one's removal goes with letting the resident go.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`floor-server: ${name} is not set`);
  return value;
};
const secret = env('MESSENGER_APP_SECRET');
const prefix = env('REDIS_PREFIX');
const graph = new URL(`${env('MESSENGER_GRAPH_URL')}/me/messages?access_token=${encodeURIComponent(env('MESSENGER_PAGE_ACCESS_TOKEN'))}`);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
// floor+ batches its commands as the bot does (auto-pipelining): it makes several per turn.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, enableAutoPipelining: process.env.FLOOR_SAME_WORK === '1' });

/** Returns the resident's turn number, or 0 when this message id was handled before (a redelivery). */
const TURN = `
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', 172800000) then
  return redis.call('HINCRBY', KEYS[1], 'turns', 1)
end
return 0`;
redis.defineCommand('turn', { numberOfKeys: 2, lua: TURN });
const turn = (redis as Redis & { turn(state: string, seen: string): Promise<number> }).turn.bind(redis);

const SAME_WORK = process.env.FLOOR_SAME_WORK === '1';
/** The `floor+` turn's scripts: take in and hold; commit with the outbox; let go with the last removal. */
const TAKE_IN = `
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', 172800000) then return 0 end
redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
redis.call('SET', KEYS[4], ARGV[3], 'PX', 30000)
return redis.call('HINCRBY', KEYS[1], 'turns', 1)`;
const COMMIT = `
redis.call('HSET', KEYS[1], 'doc', ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
for i = 3, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
return 1`;
const FINISH = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LPOP', KEYS[1]) end
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 1`;
redis.defineCommand('takeIn', { numberOfKeys: 4, lua: TAKE_IN });
redis.defineCommand('commitTurn', { numberOfKeys: 3, lua: COMMIT });
redis.defineCommand('finish', { numberOfKeys: 2, lua: FINISH });
const scripts = redis as Redis & {
  takeIn(state: string, seen: string, inbox: string, lease: string, at: number, mid: string, token: string): Promise<number>;
  commitTurn(state: string, inbox: string, outbox: string, doc: string, mid: string, ...messages: string[]): Promise<number>;
  finish(outbox: string, lease: string, last: string, token: string): Promise<number>;
};

interface Event {
  psid: string;
  mid: string;
}

function eventsOf(body: Buffer): Event[] {
  const parsed = JSON.parse(body.toString('utf8')) as { entry?: { messaging?: { sender?: { id?: string }; message?: { mid?: string } }[] }[] };
  const events: Event[] = [];
  for (const entry of parsed.entry ?? []) {
    for (const m of entry.messaging ?? []) if (m.sender?.id && m.message?.mid) events.push({ psid: m.sender.id, mid: m.message.mid });
  }
  return events;
}

function signed(body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function post(body: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(graph, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', (err) => {
      process.stderr.write(`floor: send failed: ${err.message}\n`);
      resolve();
    });
    req.end(body);
  });
}

/** The `floor+` turn after the 200: commit with the outbox, post each message in order, let go. */
async function sameWork(e: Event, n: number): Promise<void> {
  const k = (what: string) => `${prefix}r:{${e.psid}}:${what}`;
  const message = (m: unknown) => JSON.stringify({ recipient: { id: e.psid }, messaging_type: 'RESPONSE', message: m });
  // 2.6 messages a turn on average, as the bot's walk: a picture, a text, and on 3 turns in 5 a second text part.
  const messages = [
    message({ attachment: { type: 'image', payload: { attachment_id: '1000000000001' } } }),
    ...(n % 5 < 3 ? [message({ text: `Bước ${n}: phần đầu` })] : []),
    message({ text: `Bước ${n}`, quick_replies: [{ content_type: 'text', title: 'Tiếp', payload: `n:s${n}` }] }),
  ];
  await scripts.commitTurn(k('state'), k('inbox'), k('outbox'), JSON.stringify({ step: n }), e.mid, ...messages);
  for (const [i, body] of messages.entries()) {
    await post(body);
    if (i < messages.length - 1) void redis.lpop(k('outbox')).catch(() => undefined);
  }
  await scripts.finish(k('outbox'), k('lease'), messages.at(-1)!, e.mid);
}

function reply(psid: string, n: number): void {
  const body = JSON.stringify({
    recipient: { id: psid },
    messaging_type: 'RESPONSE',
    message: { text: `Bước ${n}`, quick_replies: [{ content_type: 'text', title: 'Tiếp', payload: `n:s${n}` }] },
  });
  const req = request(graph, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => res.resume());
  req.on('error', (err) => process.stderr.write(`floor: send failed: ${err.message}\n`));
  req.end(body);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.method !== 'POST' || !signed(body, req.headers['x-hub-signature-256'])) {
      res.writeHead(403).end();
      return;
    }
    let events: Event[];
    try {
      events = eventsOf(body);
    } catch {
      res.writeHead(400).end();
      return;
    }
    // ioredis writes each call at once without waiting for the previous answer, so the events of
    // one webhook share one round trip.
    const key = (e: Event, what: string) => `${prefix}r:{${e.psid}}:${what}`;
    const done = Promise.all(
      events.map((e) =>
        SAME_WORK
          ? scripts.takeIn(key(e, 'state'), key(e, `seen:${e.mid}`), key(e, 'inbox'), key(e, 'lease'), Date.now(), e.mid, e.mid)
          : turn(key(e, 'state'), key(e, `seen:${e.mid}`)),
      ),
    );
    done.then(
      (turns) => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('EVENT_RECEIVED');
        turns.forEach((n, i) => {
          if (n <= 0) return;
          if (SAME_WORK) void sameWork(events[i]!, n).catch((err: Error) => process.stderr.write(`floor+: ${err.message}\n`));
          else reply(events[i]!.psid, n);
        });
      },
      () => res.writeHead(503).end(),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ ready: { port: (server.address() as AddressInfo).port } }));
process.on('disconnect', () => process.exit(0)); // the benchmark is gone
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void redis.quit().finally(() => process.exit(0)));
});
