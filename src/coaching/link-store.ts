/** Lesson links in Redis: one hash per code (`data` JSON, `uses` counter), and each coach's list of codes. */
import type { AddressForm } from '../engine/address.js';
import type { Keys } from '../store/keys.js';
import { scanKeys, type ScriptedRedis } from '../store/redis.js';
import { Link, newCode, resolution, SHARED_BY_RESIDENT, type Resolution } from './link.js';
import { safeJson } from '../json.js';

const DAY = 24 * 60 * 60 * 1000;
export const DEFAULT_LINK_DAYS = 30;
export const SHARE_LINK_DAYS = 90;
/** An ended link (and a coach's note on it) is kept this long, for the coach's list and a kind "expired" page; then it goes. */
const KEPT_AFTER_END_MS = 90 * DAY;

/**
 * How long a "create link" request's idempotency key is kept. A coach's phone retries within
 * seconds or minutes (the answer was lost, the tap repeated); a day also covers a page left open.
 */
export const LINK_REQUEST_TTL_SECONDS = 24 * 60 * 60;

export interface LinkWithUses extends Link {
  uses: number;
}

export interface NewCoachLink {
  lessonId: string;
  coachId: string;
  senderName: string;
  note?: string | undefined;
  address?: AddressForm | undefined;
  expiresInDays?: number | undefined;
}

/** What a create with an idempotency key did: made the link, found the one its key made before, or found its key used for another link. */
export type CreateOnce =
  | { outcome: 'created' | 'repeated'; link: LinkWithUses }
  | { outcome: 'key-reused'; link: LinkWithUses };

export class LinkStore {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: Keys,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A coach's new link. */
  async create(input: NewCoachLink): Promise<LinkWithUses> {
    const now = this.clock();
    for (let attempt = 0; attempt < 5; attempt++) {
      const link = await this.write(newCode(), input, now);
      if (link) return link;
    }
    throw new Error('could not find a free link code after 5 tries');
  }

  /**
   * A coach's new link, made once per idempotency `key`: the coach's phone sends the same key when
   * it tries the same link again (its first answer was lost, or timed out), and gets the link the
   * first try made instead of a second one. The key names a code first (`SET NX EX`, so of two tries
   * at once one reserves it and the other reads it), then the link of that code is written with
   * HSETNX: whichever try gets there writes it, and a try that stopped in between (a crash) is
   * finished by the next. Two commands, not one script: the key and the link hash to different
   * Cluster slots. The same key with another lesson, note or duration is `key-reused`.
   */
  async createOnce(input: NewCoachLink & { key: string }): Promise<CreateOnce> {
    const requestKey = this.keys.linkRequest(input.coachId, input.key);
    const now = this.clock();
    for (let attempt = 0; attempt < 5; attempt++) {
      const candidate = newCode();
      // A code already in use would make the key name someone else's link: don't reserve it.
      if (await this.redis.exists(this.keys.link(candidate))) continue;
      const reserved = await this.redis.set(requestKey, candidate, 'EX', LINK_REQUEST_TTL_SECONDS, 'NX');
      const code = reserved === 'OK' ? candidate : await this.redis.get(requestKey);
      if (!code) continue; // the key lapsed between the two commands: reserve afresh
      const existing = await this.get(code);
      if (existing && existing.coachId === input.coachId && !existing.sharedBy) {
        // A first try that stopped after writing the link may not have listed it: list it (NX: idempotent).
        await this.redis.zadd(this.keys.coachLinks(input.coachId), 'NX', existing.createdAt, code);
        return { outcome: sameRequest(existing, input) ? 'repeated' : 'key-reused', link: existing };
      }
      if (existing) {
        // The code was taken between the check and the reservation (another coach's new link):
        // free the key, unless another try has already moved it on, and reserve a new code.
        if ((await this.redis.get(requestKey)) === code) await this.redis.del(requestKey);
        continue;
      }
      const link = await this.write(code, input, now);
      if (link) return { outcome: 'created', link };
      // Written meanwhile by a try with the same key: the next round reads it.
    }
    throw new Error('could not create the link after 5 tries');
  }

  /** Write a coach's link under `code` unless the code is taken; then add it to the coach's list. */
  private async write(code: string, input: NewCoachLink, now: number): Promise<LinkWithUses | undefined> {
    const link: Link = Link.parse({
      code,
      lessonId: input.lessonId,
      coachId: input.coachId,
      senderName: input.senderName,
      depth: 0,
      ...(input.note ? { note: input.note } : {}),
      ...(input.address ? { address: input.address } : {}),
      createdAt: now,
      expiresAt: now + (input.expiresInDays ?? DEFAULT_LINK_DAYS) * DAY,
      revoked: false,
    });
    const key = this.keys.link(link.code);
    const created = await this.redis.hsetnx(key, 'data', JSON.stringify(link));
    if (created !== 1) return undefined;
    // Two slots on a Redis Cluster (the link, the coach's list), so two commands, not one pipeline.
    await Promise.all([
      this.redis.multi().hset(key, 'uses', 0).pexpire(key, this.keptFor(link)).exec(),
      this.redis.zadd(this.keys.coachLinks(input.coachId), link.createdAt, link.code),
    ]);
    return { ...link, uses: 0 };
  }

  /** A resident's own link (idempotent: the code is derived from the resident and the lesson), gone a while after it ends. */
  async ensureShare(link: Link): Promise<void> {
    const key = this.keys.link(link.code);
    await this.redis.multi().hsetnx(key, 'data', JSON.stringify(link)).pexpire(key, this.keptFor(link), 'NX').exec();
  }

  /**
   * Links made before links expired and before a resident's own link stopped naming them (its
   * `sharedBy` held their anonymous id): the id replaced, the expiry set. Safe to run again, and while
   * the bot runs (a link written meanwhile is already right).
   */
  async tidy(): Promise<{ links: number; sharers: number; expiries: number }> {
    const done = { links: 0, sharers: 0, expiries: 0 };
    for await (const batch of scanKeys(this.redis, this.keys.links)) {
      for (const key of batch) {
        const [data, ttl] = await Promise.all([this.redis.hget(key, 'data'), this.redis.pttl(key)]);
        const parsed = Link.safeParse(safeJson(data));
        if (!parsed.success) {
          // Unreadable (a manual edit): no use to anyone, but not deleted by hand here either.
          if (ttl === -1) done.expiries += await this.redis.pexpire(key, KEPT_AFTER_END_MS);
          continue;
        }
        done.links += 1;
        const link = parsed.data;
        if (link.sharedBy && link.sharedBy !== SHARED_BY_RESIDENT) {
          await this.redis.hset(key, 'data', JSON.stringify({ ...link, sharedBy: SHARED_BY_RESIDENT }));
          done.sharers += 1;
        }
        if (ttl === -1) {
          await this.redis.pexpire(key, this.keptFor(link));
          done.expiries += 1;
        }
      }
    }
    return done;
  }

  /** How much longer the link is kept, ms: counted on our clock, as its end is (Redis's may differ). */
  private keptFor(link: Link): number {
    return Math.max(0, link.expiresAt - this.clock()) + KEPT_AFTER_END_MS;
  }

  async get(code: string): Promise<LinkWithUses | undefined> {
    const [data, uses] = await this.redis.hmget(this.keys.link(code), 'data', 'uses');
    if (!data) return undefined;
    const parsed = Link.safeParse(JSON.parse(data));
    return parsed.success ? { ...parsed.data, uses: Number(uses ?? 0) } : undefined;
  }

  async resolve(code: string): Promise<Resolution> {
    return resolution(code, await this.get(code), this.clock());
  }

  async recordUse(code: string): Promise<void> {
    await this.redis.hincrby(this.keys.link(code), 'uses', 1);
  }

  /** Revoke a link; false when it does not exist or belongs to another coach. */
  async revoke(code: string, coachId: string): Promise<LinkWithUses | undefined> {
    const link = await this.get(code);
    if (!link || link.coachId !== coachId || link.sharedBy) return undefined;
    const next = { ...link, revoked: true };
    const { uses: _uses, ...data } = next;
    await this.redis.hset(this.keys.link(code), 'data', JSON.stringify(data));
    return next;
  }

  /** A coach's own links, newest first. */
  async listForCoach(coachId: string, limit = 100): Promise<LinkWithUses[]> {
    const codes = await this.redis.zrevrange(this.keys.coachLinks(coachId), 0, limit - 1);
    const links = await Promise.all(codes.map((c) => this.get(c)));
    return links.filter((l): l is LinkWithUses => l !== undefined);
  }
}

/** Whether a stored link is what `input` asks for: the same lesson, note, form of address and duration. */
function sameRequest(link: Link, input: NewCoachLink): boolean {
  const days = input.expiresInDays ?? DEFAULT_LINK_DAYS;
  return link.lessonId === input.lessonId && (link.note ?? '') === (input.note ?? '') && link.address === input.address && link.expiresAt - link.createdAt === days * DAY;
}
