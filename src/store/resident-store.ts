/**
 * Reading and committing a resident's state. One command to load, one Lua call to commit (which
 * also recognises a message handled before); a commit computed from an outdated revision is
 * refused, so two turns of one resident in two processes never lose an update.
 */
import { ResidentState } from '../engine/state.js';
import type { EngineEvent, Reply } from '../engine/types.js';
import type { Logger } from '../log.js';
import type { Keys } from './keys.js';
import type { ChainableCommander } from 'ioredis';
import { perItem, type ScriptedRedis } from './redis.js';

/** Message ids are remembered this long: Messenger retries for up to 36 h, Zalo for up to 12 h. */
export const SEEN_WINDOW_MS = 48 * 60 * 60 * 1000;
/** A resident who never writes again is forgotten after this long. */
export const STATE_TTL_SECONDS = 400 * 24 * 60 * 60;
const EVENTS_MAXLEN = 1_000_000;
/**
 * Analytics events are kept this long, like an untouched state: they carry only the anonymous id,
 * which nothing else keeps once a resident deleted their data or their state expired.
 */
export const EVENTS_KEPT_MS = STATE_TTL_SECONDS * 1000;

/**
 * Notes something about how to reach a resident (unreachable, send after) on their contact record,
 * kept no longer than the rest of them: NX leaves a contact's own expiry alone, and gives one to a
 * contact that had none (a deleted resident's retried goodbye can recreate it).
 */
export function noteContact(chain: ChainableCommander, contactKey: string, fields: Record<string, string | number>): ChainableCommander {
  return chain.hset(contactKey, fields).expire(contactKey, STATE_TTL_SECONDS, 'NX');
}

export interface Loaded {
  state: ResidentState | null;
  rev: number;
}

export type CommitResult =
  | { type: 'committed'; rev: number }
  | { type: 'conflict' }
  | { type: 'duplicate'; replies: Reply[] };

export class ResidentStore {
  private readonly analytics: AnalyticsBuffer;

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: Keys,
    private readonly log: Logger,
  ) {
    this.analytics = new AnalyticsBuffer(redis, keys.events);
  }

  /**
   * One HMGET. Whether the message was handled before is not asked here: the commit script answers
   * that atomically anyway (and returns the replies given then), so a redelivery costs one pure
   * `step` thrown away instead of every turn paying a pipeline and an HGET.
   */
  async load(residentId: string): Promise<Loaded> {
    const [rev, doc] = await this.redis.hmget(this.keys.resident(residentId).state, 'rev', 'doc');
    return this.fromStored(rev, doc);
  }

  /** Several residents' states in one round trip (one per resident on a Cluster); null for one with none. */
  async states(residentIds: readonly string[]): Promise<(ResidentState | null)[]> {
    const docs = await perItem(this.redis, residentIds, (p, rid) => p.hget(this.keys.resident(rid).state, 'doc'));
    return docs.map((doc) => (typeof doc === 'string' && doc ? this.parse(doc) : null));
  }

  /** The state hash's `rev` and `doc` fields as read by the caller (e.g. in a script of its own). */
  fromStored(rev: string | number | null | undefined, doc: string | null | undefined): Loaded {
    return { state: doc ? this.parse(doc) : null, rev: Number(rev ?? 0) };
  }

  /**
   * Commit a turn: state, message id, replies, and (webhook channels) the event out of the inbox and
   * the platform messages into the outbox, all in one Lua call. `wroteKeepMs`: this turn is the
   * resident writing on a channel without a webhook take-in (the web chat), so when they last wrote
   * is committed with it, and their contact kept that long. A deleting turn deletes the contact too.
   */
  async commit(
    residentId: string, rev: number, state: ResidentState | null, messageId: string | undefined, replies: Reply[], now: number,
    outbox: readonly string[] = [], wroteKeepMs?: number,
  ): Promise<CommitResult> {
    const k = this.keys.resident(residentId);
    const [code, value] = await this.redis.commitTurn(
      k.state, k.seen, k.replies, k.inbox, k.inboxData, k.outbox, k.mailbox, k.contact,
      rev, state ? JSON.stringify(state) : '', messageId ?? '', JSON.stringify(replies), now, SEEN_WINDOW_MS, STATE_TTL_SECONDS,
      JSON.stringify(outbox), wroteKeepMs ?? '',
    );
    if (code === 1) return { type: 'committed', rev: Number(value) };
    if (code === -2) return { type: 'duplicate', replies: JSON.parse(String(value)) as Reply[] };
    return { type: 'conflict' };
  }

  /**
   * Analytics events go to one stream, outside the resident's slot, so they are written after the
   * commit: at worst an event is missing, never a turn. They carry the anonymous id only. Many
   * turns' events go out together, a few milliseconds after the first (see AnalyticsBuffer).
   */
  recordEvents(anonId: string, events: readonly EngineEvent[], now: number): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.analytics.add(events.map((event) => ['at', now, 'r', anonId, 'e', JSON.stringify(event)]));
  }

  /** Write the analytics events still waiting (on shutdown). */
  flushEvents(): Promise<void> {
    return this.analytics.flush();
  }

  /**
   * Remember when to offer this resident a review follow-up (`at`), or forget it. Outside the
   * resident's slot like the events: a lost entry only means the review waits for their return.
   */
  async scheduleFollowup(residentId: string, at: number | undefined): Promise<void> {
    if (at === undefined) await this.redis.zrem(this.keys.followups, residentId);
    else await this.redis.zadd(this.keys.followups, at, residentId);
  }

  private parse(doc: string): ResidentState | null {
    let json: unknown;
    try {
      json = JSON.parse(doc);
    } catch {
      json = undefined;
    }
    const parsed = ResidentState.safeParse(json);
    if (parsed.success) return parsed.data;
    // Unreadable state (a bug or a manual edit): start the resident afresh rather than fail every turn.
    this.log.warn('resident state unreadable; starting afresh', { issues: parsed.error?.issues.length ?? 0 });
    return null;
  }
}

/**
 * Analytics entries waiting a moment (`everyMs`, or until `most` are waiting) so that many turns'
 * events go to Redis in one write. One entry per turn alone was a write and a read of its own
 * whenever turns did not overlap, a tenth of a quiet process's system calls. An entry can be lost
 * only if the process dies in those milliseconds; shutdown flushes.
 */
class AnalyticsBuffer {
  private pending: (string | number)[][] = [];
  private done: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Batches being written now: a flush (shutdown) waits for them too. */
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly key: string,
    private readonly everyMs = 10,
    private readonly most = 500,
  ) {}

  /** Resolves once these entries are written; rejects if Redis refused them. */
  add(entries: (string | number)[][]): Promise<void> {
    this.pending.push(...entries);
    this.done ??= withResolvers();
    const written = this.done.promise;
    if (this.pending.length >= this.most) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.everyMs);
      this.timer.unref();
    }
    return written;
  }

  /** Write what is waiting; resolves once every batch so far is written or refused (their callers are told). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const entries = this.pending;
    const done = this.done;
    this.pending = [];
    this.done = undefined;
    if (done) {
      const writing = this.write(entries).then(done.resolve, done.reject);
      this.writing.add(writing);
      void writing.finally(() => this.writing.delete(writing));
    }
    await Promise.all(this.writing);
  }

  private async write(entries: (string | number)[][]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const fields of entries) pipeline.xadd(this.key, 'MAXLEN', '~', EVENTS_MAXLEN, '*', ...fields);
    // Stream ids are milliseconds: older than that goes (whole blocks at a time, "~", so nearly free).
    pipeline.xtrim(this.key, 'MINID', '~', Date.now() - EVENTS_KEPT_MS);
    const failed = ((await pipeline.exec()) ?? []).find(([err]) => err);
    if (failed) throw failed[0];
  }
}

function withResolvers(): { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // A batch nobody waits on must not count as an unhandled rejection: each caller gets `promise` and handles it.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
