/**
 * The floor of `npm run bench`: the least code that does a Messenger turn's unavoidable work, to
 * measure the bot against. Per webhook: read the raw body, check its HMAC-SHA256 signature, parse it,
 * one Redis round trip per batch (a Lua call per event: remember the message id, count the
 * resident's turn — the state), answer 200 only then (the same durability rule as the bot), and one
 * keep-alive POST to the Send API with a reply that offers a button, so the driver's resident walks on.
 *
 * No framework, no validation library, no logging: whatever the bot spends beyond this is its own.
 * Started with `fork` by bench/turns.ts; configured through the environment; says its port over IPC.
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
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });

/** Returns the resident's turn number, or 0 when this message id was handled before (a redelivery). */
const TURN = `
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', 172800000) then
  return redis.call('HINCRBY', KEYS[1], 'turns', 1)
end
return 0`;
redis.defineCommand('turn', { numberOfKeys: 2, lua: TURN });
const turn = (redis as Redis & { turn(state: string, seen: string): Promise<number> }).turn.bind(redis);

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
    const done = Promise.all(events.map((e) => turn(`${prefix}r:{${e.psid}}:state`, `${prefix}r:{${e.psid}}:seen:${e.mid}`)));
    done.then(
      (turns) => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('EVENT_RECEIVED');
        turns.forEach((n, i) => n > 0 && reply(events[i]!.psid, n));
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
