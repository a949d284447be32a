/**
 * Pictures Messenger has saved for this Page (shared/platforms.md §2.7, Meta's "Saving assets"): an
 * image sent by URL with `is_reusable: true` comes back with an `attachment_id`, and a later message
 * can carry that id instead of the URL. Meta then shows the picture at once, without fetching it from
 * us again, so the resident needs no "typing…" while they wait, and a broadcast's picture is fetched
 * once, not once per resident.
 *
 * Kept in one Redis hash per generation of the pictures folder (`url` → `<id> <saved at ms>`), read
 * into memory at start and again every minute, so every process of the bot uses what any of them
 * saved. A changed picture makes a new generation, so an old id never shows an old picture. Meta's
 * ids expire after 90 days: ids older than `maxAgeMs` are not used, and the picture is sent by URL
 * (and saved) again. Redis failing here only means pictures go by URL: sending never waits on it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorFields, type Logger } from '../../log.js';
import type { ScriptedRedis } from '../../store/redis.js';

const DAY_MS = 86_400_000;
/** Meta's ids last 90 days; ours stop being used well before. */
export const SAVED_PICTURE_MAX_AGE_MS = 80 * DAY_MS;
const REFRESH_MS = 60_000;

export interface SavedPicturesOptions {
  redis: ScriptedRedis;
  /** `keys.messengerPictures(generation)`. */
  key: string;
  log: Logger;
  clock: () => number;
  maxAgeMs?: number;
}

export class SavedPictures {
  private readonly saved = new Map<string, { id: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly maxAgeMs: number;

  constructor(private readonly opts: SavedPicturesOptions) {
    this.maxAgeMs = opts.maxAgeMs ?? SAVED_PICTURE_MAX_AGE_MS;
  }

  /** Read what every process saved, now and then every minute. */
  start(): void {
    void this.load();
    this.timer ??= setInterval(() => void this.load(), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Read the saved ids from Redis (never throws: without them, pictures go by URL). */
  async load(): Promise<void> {
    try {
      const all = await this.opts.redis.hgetall(this.opts.key);
      const stale: string[] = [];
      for (const [url, value] of Object.entries(all)) {
        const [id, at] = value.split(' ');
        const savedAt = Number(at);
        if (!id || !Number.isFinite(savedAt) || this.opts.clock() - savedAt >= this.maxAgeMs) stale.push(url);
        else if (savedAt > (this.saved.get(url)?.at ?? -1)) this.saved.set(url, { id, at: savedAt });
      }
      // Expired ids (alerts' pictures are never sent again): keep the hash to what is still used.
      if (stale.length) await this.opts.redis.hdel(this.opts.key, ...stale);
    } catch (err) {
      this.opts.log.warn('saved Messenger pictures not read; pictures go by URL', errorFields(err));
    }
  }

  /** The id to send instead of this picture's URL, if one was saved recently enough. */
  idFor(url: string): string | undefined {
    const saved = this.saved.get(url);
    return saved && this.opts.clock() - saved.at < this.maxAgeMs ? saved.id : undefined;
  }

  /** Meta saved this picture as `id`: use it from now on, here and (through Redis) in every process. */
  remember(url: string, id: string): void {
    const at = this.opts.clock();
    this.saved.set(url, { id, at });
    const { redis, key, log } = this.opts;
    redis
      .multi()
      .hset(key, url, `${id} ${at}`)
      .pexpire(key, this.maxAgeMs + 10 * DAY_MS)
      .exec()
      .catch((err: unknown) => log.warn('saved Messenger picture not stored', errorFields(err)));
  }

  /** Meta refused this id: send the picture by URL (and save it anew) from now on. */
  forget(url: string, id: string): void {
    if (this.saved.get(url)?.id !== id) return;
    this.saved.delete(url);
    // For every process. Should another have saved a newer id meanwhile, that goes too: one more send by URL.
    this.opts.redis.hdel(this.opts.key, url).catch((err: unknown) => this.opts.log.warn('saved Messenger picture not removed', errorFields(err)));
  }
}

/**
 * A short name for this version of the pictures folder: every file's name, size and modification
 * time. Any picture added, changed or removed gives a new one (and so new saved ids).
 */
export function picturesGeneration(dir: string): string {
  const hash = createHash('sha256');
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return 'none';
  }
  for (const name of names) {
    const s = statSync(join(dir, name), { throwIfNoEntry: false });
    if (s?.isFile()) hash.update(`${name}\0${s.size}\0${Math.trunc(s.mtimeMs)}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
