/**
 * The turn benchmark's Messenger Send API, in a process of its own (started with `fork`) so that its
 * work counts neither towards the server's CPU nor the driver's. Answers every `POST …/me/messages`
 * 200 at once, as Graph does (`{ recipient_id, message_id }`, and `attachment_id` for a picture sent
 * with `is_reusable`), and tells the driver over IPC, batched
 * per event-loop turn, when each message arrived (see `Arrival` in turns-shared.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { savedPicture } from '../test/broadcast/fake-platforms.js';
import { GRAPH_PATH, nowNs, type Arrival, type FromGraph, type ToGraph } from './turns-shared.js';

const SendBody = z.object({
  recipient: z.object({ id: z.string() }),
  sender_action: z.string().optional(),
  message: z
    .object({
      quick_replies: z.array(z.object({ payload: z.string() })).optional(),
      attachment: z.object({ payload: z.object({ buttons: z.array(z.object({ payload: z.string() })).optional() }).loose() }).optional(),
    })
    .loose()
    .optional(),
});

const ENDPOINT = `${GRAPH_PATH}/me/messages`;
const send = (m: FromGraph) => process.send!(m);

let requests = 0;
let messageId = 0;
/** Each PSID's previous message body, to recognise the same message sent twice in a row. */
const previous = new Map<string, string>();
let batch: Arrival[] = [];
/** Pictures "saved" for the Page, as Meta does: URL → attachment id. */
const pictureIds = new Map<string, string>();

function flush(): void {
  const arrivals = batch;
  batch = [];
  send({ arrivals });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const at = nowNs();
  if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== ENDPOINT) return answer(res, 404, { error: { message: 'no such fake endpoint' } });
  let parsed: ReturnType<typeof SendBody.safeParse> | undefined;
  try {
    parsed = SendBody.safeParse(JSON.parse(raw));
  } catch {
    parsed = undefined; // not JSON
  }
  if (!parsed?.success) return answer(res, 400, { error: { code: 100, message: 'bad body' } });
  requests++;
  const psid = parsed.data.recipient.id;
  const m = parsed.data.message;
  answer(res, 200, { recipient_id: psid, message_id: `m_${++messageId}`, ...savedPicture(pictureIds, m) });
  const payloads = (m?.quick_replies ?? m?.attachment?.payload.buttons ?? []).map((c) => c.payload);
  const duplicate = previous.get(psid) === raw;
  previous.set(psid, raw);
  if (batch.length === 0) setImmediate(flush);
  batch.push([psid, at, payloads.length > 0, payloads, duplicate]);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  send({ ready: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } });
});

process.on('message', (m: ToGraph) => {
  if ('stats' in m) send({ stats: { requests, rssMb: Math.round(process.memoryUsage().rss / 1048576) } });
  if ('stop' in m) {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
