/** Lesson links in Redis: one hash per code (`data` JSON, `uses` counter), and each coach's list of codes. */
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import { Link, newCode, resolution, type Resolution } from './link.js';

const DAY = 24 * 60 * 60 * 1000;
export const DEFAULT_LINK_DAYS = 30;
export const SHARE_LINK_DAYS = 90;

export interface LinkWithUses extends Link {
  uses: number;
}

export class LinkStore {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: Keys,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A coach's new link. */
  async create(input: { lessonId: string; coachId: string; senderName: string; note?: string | undefined; expiresInDays?: number | undefined }): Promise<LinkWithUses> {
    const now = this.clock();
    for (let attempt = 0; attempt < 5; attempt++) {
      const link: Link = Link.parse({
        code: newCode(),
        lessonId: input.lessonId,
        coachId: input.coachId,
        senderName: input.senderName,
        depth: 0,
        ...(input.note ? { note: input.note } : {}),
        createdAt: now,
        expiresAt: now + (input.expiresInDays ?? DEFAULT_LINK_DAYS) * DAY,
        revoked: false,
      });
      const created = await this.redis.hsetnx(this.keys.link(link.code), 'data', JSON.stringify(link));
      if (created === 1) {
        // Two slots on a Redis Cluster (the link, the coach's list), so two commands, not one pipeline.
        await Promise.all([this.redis.hset(this.keys.link(link.code), 'uses', 0), this.redis.zadd(this.keys.coachLinks(input.coachId), now, link.code)]);
        return { ...link, uses: 0 };
      }
    }
    throw new Error('could not find a free link code after 5 tries');
  }

  /** A resident's own link (idempotent: the code is derived from the resident and the lesson). */
  async ensureShare(link: Link): Promise<void> {
    await this.redis.hsetnx(this.keys.link(link.code), 'data', JSON.stringify(link));
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
