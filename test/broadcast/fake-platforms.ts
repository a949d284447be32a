/**
 * Messenger's Send API and Zalo's OA API (with its token endpoint) as one local HTTP server, so that
 * the bot's own processes — this one and any worker child process — reach them over real HTTP
 * (nock only intercepts inside the process that loaded it; shared/platforms.md §4).
 *
 * With `savePictures`, a Messenger picture sent by URL with `is_reusable` is saved and its id
 * returned, as Meta does.
 * A message counts as delivered when the fake *answers* it 200/OK. `hold()` keeps answers back;
 * a request whose connection is gone by `release()` (its process was killed) is dropped unanswered,
 * as a platform that never got it, so it is not counted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Channel = 'messenger' | 'zalo';

export interface Delivery {
  channel: Channel;
  user: string;
  message: { text?: string; attachment?: unknown; [k: string]: unknown };
  senderAction?: string;
  at: number;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeRequest {
  channel: Channel;
  user: string;
  /** This user's requests before this one (0 for the first). */
  n: number;
}

export const TOKENS = {
  MESSENGER_APP_SECRET: 'fake-app-secret-123',
  MESSENGER_PAGE_ACCESS_TOKEN: 'EAAfake-page-token',
  ZALO_APP_ID: '1234567890123456789',
  ZALO_OA_ID: '579745863508352884',
  ZALO_APP_SECRET: 'fake-zalo-app-secret',
  ZALO_OA_SECRET_KEY: 'fake-zalo-oa-secret',
  ZALO_ACCESS_TOKEN: 'zalo-access-seed-fake',
  ZALO_REFRESH_TOKEN: 'zalo-refresh-seed-fake',
};

export class FakePlatforms {
  url = '';
  /** Every message answered OK (when `keep`). */
  readonly delivered: Delivery[] = [];
  /** Requests seen per user (answered or not). */
  private readonly seen = new Map<string, number>();
  /** Answered OK, per channel. */
  readonly okCount: Record<Channel, number> = { messenger: 0, zalo: 0 };
  requests = 0;
  /** Decide an answer; undefined → OK. */
  policy: ((req: FakeRequest) => Answer | undefined) | undefined;
  /** Called for each delivery (the benchmark's way to watch without keeping them). */
  onDelivery: ((d: Delivery) => void) | undefined;
  private held: { respond: () => void; closed: () => boolean }[] = [];
  private holding = false;
  /** Save Messenger pictures sent with `is_reusable` and answer with their id, as Meta does (off: answer without one). */
  savePictures = false;
  /** Pictures saved for the Page: URL → attachment id. */
  readonly pictureIds = new Map<string, string>();
  /** Which requests `hold()` keeps back (all when unset). */
  private holdWhich: ((req: FakeRequest) => boolean) | undefined;
  private readonly server = createServer((req, res) => this.handle(req, res));

  constructor(private readonly keep = true) {}

  async start(): Promise<this> {
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The bot's environment for both channels, pointing here. */
  env(): Record<string, string> {
    return {
      ...TOKENS,
      MESSENGER_GRAPH_URL: `${this.url}/graph/v25.0`,
      ZALO_API_URL: `${this.url}/zalo`,
      ZALO_OAUTH_URL: `${this.url}/zalo-oauth/v4/oa/access_token`,
      PUBLIC_BASE_URL: 'https://bot.example.test',
    };
  }

  /** Keep answers back: to every request, or only to those `which` picks. */
  hold(which?: (req: FakeRequest) => boolean): void {
    this.holding = true;
    this.holdWhich = which;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Held requests whose sender is still connected. */
  get heldOpen(): number {
    return this.held.filter((h) => !h.closed()).length;
  }

  release(): void {
    this.holding = false;
    this.holdWhich = undefined;
    const held = this.held;
    this.held = [];
    for (const h of held) h.respond();
  }

  /** Texts delivered to one user, in order (none for a channel these fakes do not stand for). */
  textsTo(channel: string, user: string): string[] {
    return this.delivered.filter((d) => d.channel === channel && d.user === user && d.message.text).map((d) => d.message.text!);
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // Events rather than `for await`: the async iterator cost the benchmark's fake a third of its CPU.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.answerRequest(req, res, Buffer.concat(chunks).toString('utf8')));
  }

  private answerRequest(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/zalo-oauth/v4/oa/access_token') {
      return this.answer(res, { status: 200, body: { access_token: `zalo-access-${Date.now()}`, refresh_token: `zalo-refresh-${Date.now()}`, expires_in: '90000' } });
    }
    let channel: Channel;
    let user: string;
    let delivery: Delivery;
    if (path === '/graph/v25.0/me/messages') {
      const b = JSON.parse(raw) as { recipient: { id: string }; message?: Delivery['message']; sender_action?: string };
      channel = 'messenger';
      user = b.recipient.id;
      delivery = { channel, user, message: b.message ?? {}, ...(b.sender_action ? { senderAction: b.sender_action } : {}), at: Date.now() };
    } else if (path === '/zalo/v3.0/oa/message/cs') {
      const b = JSON.parse(raw) as { recipient: { user_id: string }; message: Delivery['message'] };
      channel = 'zalo';
      user = b.recipient.user_id;
      delivery = { channel, user, message: b.message, at: Date.now() };
    } else {
      return this.answer(res, { status: 404, body: { error: 'no such fake endpoint' } });
    }
    this.requests++;
    const key = `${channel}:${user}`;
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    let closed = false;
    // A response's 'close' before it was written: the connection went away.
    res.once('close', () => (closed = !res.writableEnded));
    const respond = () => {
      // The sender is gone (its process was killed): the platform never answered, nothing was shown.
      if (closed || req.socket.destroyed) return;
      const custom = this.policy?.({ channel, user, n });
      if (custom) return this.answer(res, custom);
      this.okCount[channel]++;
      if (this.keep) this.delivered.push(delivery);
      this.onDelivery?.(delivery);
      const count = this.okCount.messenger + this.okCount.zalo;
      return this.answer(res, channel === 'messenger'
        ? { status: 200, body: { recipient_id: user, message_id: `m_${count}`, ...(this.savePictures ? savedPicture(this.pictureIds, delivery.message) : {}) } }
        : { status: 200, body: { error: 0, message: 'Success', data: { message_id: `z_${count}`, user_id: user } } });
    };
    if (this.holding && (this.holdWhich?.({ channel, user, n }) ?? true)) this.held.push({ respond, closed: () => closed || req.socket.destroyed });
    else respond();
  }

  private answer(res: ServerResponse, a: Answer): void {
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(JSON.stringify(a.body));
  }
}

/** A 429 with Retry-After, as each platform sends it. */
export function rateLimited(channel: Channel, retryAfterS = 1): Answer {
  return channel === 'messenger'
    ? { status: 429, body: { error: { code: 4, message: 'Application request limit reached' } }, headers: { 'retry-after': String(retryAfterS) } }
    : { status: 429, body: { error: -32, message: 'Rate limit exceeded' }, headers: { 'retry-after': String(retryAfterS) } };
}

/**
 * What Meta adds to its answer for a message: an `attachment_id` when it is a picture sent by URL
 * with `is_reusable` (one id per URL, kept in `ids`), nothing otherwise.
 */
export function savedPicture(ids: Map<string, string>, message: unknown): { attachment_id?: string } {
  const payload = (message as { attachment?: { payload?: { url?: unknown; is_reusable?: unknown } } } | undefined)?.attachment?.payload;
  if (payload?.is_reusable !== true || typeof payload.url !== 'string') return {};
  let id = ids.get(payload.url);
  if (!id) ids.set(payload.url, (id = String(900_000_000_000 + ids.size)));
  return { attachment_id: id };
}
