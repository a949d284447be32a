/**
 * The Zalo OA token pair (shared/platforms.md §1.2): a short-lived access token (25 h) and a
 * single-use refresh token (3 months). Kept in Redis so every process and every restart shares one
 * pair; seeded from ZALO_ACCESS_TOKEN/ZALO_REFRESH_TOKEN only when Redis has none (the env pair is used
 * up by the first refresh, so Redis wins afterwards).
 *
 * Refreshing: early (less than 10 minutes of access token life left) or when the API refused the token,
 * by one process at a time under a Redis lock (`SET NX PX` with a random token, released by the Lua
 * compare-and-delete `releaseLease`); the others wait and re-read. The new pair is stored BEFORE anyone
 * uses it: losing the new refresh token would mean an OA admin has to authorise the app again.
 *
 * Tokens are never logged; logs carry states, reasons (status and error codes) and lifetimes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import type { ScriptedRedis } from '../../store/redis.js';
import { refreshTokenPair, type OAuthOptions } from './oauth.js';
import { safeJson } from '../../json.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Access token life per Zalo; an upper bound for a seeded token of unknown age. */
export const ACCESS_TOKEN_TTL_MS = 25 * HOUR;
/** Refresh token life ("3 months", read as 90 days); counted from when we obtained it. */
export const REFRESH_TOKEN_TTL_MS = 90 * DAY;
export const REFRESH_EARLY_MS = 10 * MINUTE;
export const WARN_BEFORE_MS = 14 * DAY;
/** How long a process reuses the pair it read for sending (real time). */
const SEND_CACHE_MS = 1000;

export const StoredPair = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** ms; exact after a refresh (`expires_in`), an upper bound for a seeded pair. */
  accessExpiresAt: z.number(),
  refreshExpiresAt: z.number(),
  updatedAt: z.number(),
  source: z.enum(['env', 'refresh']),
  /** A fingerprint (not the token) of the env refresh token this chain started from. */
  seed: z.string(),
  /** Set when the token endpoint refused the refresh token: it will not work again. */
  refreshError: z.string().optional(),
});
export type StoredPair = z.infer<typeof StoredPair>;

export type TokenState = 'ok' | 'refresh_expiring' | 'missing' | 'refresh_expired' | 'refresh_refused';

export interface TokenStatus {
  state: TokenState;
  accessExpiresAt?: number;
  refreshExpiresAt?: number;
}

export interface ZaloTokenOptions extends OAuthOptions {
  redis: ScriptedRedis;
  /** `keys.zaloToken` and `keys.zaloTokenLock`. */
  key: string;
  lockKey: string;
  /** ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN: used only when Redis holds no usable pair. */
  seed?: { accessToken?: string | undefined; refreshToken?: string | undefined };
  log: Logger;
  clock?: () => number;
  /** How long the refresher may hold the lock (default 30 s; the OAuth call times out after 10 s). */
  lockMs?: number;
  /** Waiting for another process's refresh: pause between looks and how many looks (default 100 ms × 200). */
  waitMs?: number;
  maxWaits?: number;
}

export interface ZaloTokens {
  /** A usable access token, refreshed first when it is close to expiry; `undefined` when none can be had. */
  accessToken(): Promise<string | undefined>;
  /**
   * The API refused `refused` as invalid or expired: refresh, unless another process already replaced
   * it, and return the new token (`undefined` when there is none).
   */
  refreshAfterRejection(refused: string): Promise<string | undefined>;
  status(): Promise<TokenStatus>;
  /** Seed if needed, refresh if due, and say in the logs when the refresh token is about to lapse. */
  check(): Promise<TokenStatus>;
}

/** After a refresh that failed for a passing reason, wait this long before trying again. */
const TRANSIENT_BACKOFF_MS = 30_000;
const STORE_ATTEMPTS = 3;

export function createZaloTokens(opts: ZaloTokenOptions): ZaloTokens {
  const { redis, key, lockKey, log } = opts;
  const clock = opts.clock ?? Date.now;
  const lockMs = opts.lockMs ?? 30_000;
  const waitMs = opts.waitMs ?? 100;
  const maxWaits = opts.maxWaits ?? 200;
  const seedAccess = opts.seed?.accessToken;
  const seedRefresh = opts.seed?.refreshToken;
  const seedPrint = seedRefresh ? fingerprint(seedRefresh) : undefined;

  let seeding: Promise<void> | undefined;
  let inflight: Promise<StoredPair | undefined> | undefined;
  let backoffUntil = 0;
  let unreadableLogged = false;
  let lastWarned: { state: TokenState; at: number } | undefined;

  async function read(): Promise<StoredPair | undefined> {
    const raw = await redis.get(key);
    if (raw === null) return undefined;
    const parsed = StoredPair.safeParse(safeJson(raw));
    if (parsed.success) return parsed.data;
    if (!unreadableLogged) log.error('zalo token pair in Redis is unreadable; set ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN to a new pair');
    unreadableLogged = true;
    return undefined;
  }

  const usable = (p: StoredPair | undefined) => p !== undefined && !p.refreshError && p.refreshExpiresAt > clock();
  const due = (p: StoredPair, refused?: string) => (refused !== undefined ? p.accessToken === refused : p.accessExpiresAt - clock() < REFRESH_EARLY_MS);

  function seedPair(): StoredPair {
    const now = clock();
    return {
      accessToken: seedAccess!,
      refreshToken: seedRefresh!,
      accessExpiresAt: now + ACCESS_TOKEN_TTL_MS,
      refreshExpiresAt: now + REFRESH_TOKEN_TTL_MS,
      updatedAt: now,
      source: 'env',
      seed: seedPrint!,
    };
  }

  /** Run `fn` holding the refresh lock, or return `undefined` at once when someone else holds it. */
  async function withLock<T>(fn: (lockToken: string) => Promise<T>): Promise<{ held: true; value: T } | { held: false }> {
    const lockToken = randomUUID();
    if ((await redis.set(lockKey, lockToken, 'PX', lockMs, 'NX')) !== 'OK') return { held: false };
    try {
      return { held: true, value: await fn(lockToken) };
    } finally {
      await redis.releaseLease(lockKey, lockToken).catch(() => undefined);
    }
  }

  async function seedOnce(): Promise<void> {
    if (!seedAccess || !seedRefresh) {
      if (seedAccess || seedRefresh) log.warn('zalo: set both ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN to seed the token pair; one alone is ignored');
      return;
    }
    if ((await redis.set(key, JSON.stringify(seedPair()), 'NX')) === 'OK') {
      log.info('zalo token pair seeded from ZALO_ACCESS_TOKEN/ZALO_REFRESH_TOKEN; Redis keeps it from now on');
      return;
    }
    // Redis wins, unless its pair is dead and the env holds a pair we never started from (an admin
    // authorised the app again and put the new pair in the environment).
    const stored = await read();
    if (usable(stored) || stored?.seed === seedPrint) return;
    await withLock(async () => {
      const again = await read();
      if (usable(again) || again?.seed === seedPrint) return;
      await redis.set(key, JSON.stringify(seedPair()));
      log.warn('zalo token pair replaced from ZALO_ACCESS_TOKEN/ZALO_REFRESH_TOKEN: the stored pair could not be refreshed');
    });
  }

  function ensureSeeded(): Promise<void> {
    seeding ??= seedOnce().catch((err: unknown) => {
      seeding = undefined; // try again on the next call
      throw err;
    });
    return seeding;
  }

  async function storeNewPair(next: StoredPair): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await redis.set(key, JSON.stringify(next));
        return;
      } catch (err) {
        if (attempt >= STORE_ATTEMPTS) {
          log.error('zalo token pair refreshed but NOT stored; an OA admin may have to authorise the app again');
          throw err;
        }
        await sleep(200 * attempt);
      }
    }
  }

  /** Holding the lock: trade the refresh token, store the result, then hand it out. */
  async function refreshHolding(pair: StoredPair, lockToken: string): Promise<StoredPair> {
    const result = await refreshTokenPair(opts, pair.refreshToken);
    const now = clock();
    if (result.ok) {
      const next: StoredPair = {
        accessToken: result.accessToken,
        refreshToken: result.refreshToken,
        accessExpiresAt: now + result.expiresInS * 1000,
        refreshExpiresAt: now + REFRESH_TOKEN_TTL_MS,
        updatedAt: now,
        source: 'refresh',
        seed: pair.seed,
      };
      // Always stored, lock or not: a pair Zalo just issued is the newest valid one.
      await storeNewPair(next);
      log.info('zalo token pair refreshed', { accessTokenExpiresInS: result.expiresInS });
      return next;
    }
    if (result.terminal) {
      // Mark it only while we still hold the lock, so a pair stored meanwhile is never overwritten.
      if ((await redis.renewLease(lockKey, lockToken, lockMs)) === 1) {
        await redis.set(key, JSON.stringify({ ...pair, refreshError: result.reason, updatedAt: now } satisfies StoredPair));
      }
      log.error('zalo refresh token refused: an OA admin must authorise the app again and set ZALO_ACCESS_TOKEN/ZALO_REFRESH_TOKEN', {
        reason: result.reason,
      });
      return pair;
    }
    backoffUntil = now + TRANSIENT_BACKOFF_MS;
    log.warn('zalo token refresh failed; will try again', { reason: result.reason });
    return pair;
  }

  async function refreshShared(refused?: string): Promise<StoredPair | undefined> {
    for (let i = 0; i < maxWaits; i++) {
      const current = await read();
      if (!current || !due(current, refused) || !usable(current) || clock() < backoffUntil) return current;
      const attempt = await withLock(async (lockToken) => {
        // Re-read under the lock: another process may have refreshed while we looked.
        const again = await read();
        if (!again || !due(again, refused) || !usable(again)) return again;
        return refreshHolding(again, lockToken);
      });
      if (attempt.held) return attempt.value;
      if (i === 0) log.debug('zalo token is being refreshed by another process; waiting');
      await sleep(waitMs);
    }
    log.warn('zalo token refresh: gave up waiting for another process');
    return read();
  }

  /**
   * The pair for a send: read from Redis at most once a second per process (a broadcast sends
   * thousands of messages a second, each asked Redis for the same pair). A pair refreshed by another
   * process meanwhile is picked up within that second, or at once when the API refuses the old token
   * (`refreshAfterRejection` reads Redis again).
   */
  let forSending: { pair: StoredPair | undefined; at: number } | undefined;
  async function readForSending(): Promise<StoredPair | undefined> {
    const now = performance.now();
    if (forSending && now - forSending.at < SEND_CACHE_MS) return forSending.pair;
    const pair = await read();
    forSending = { pair, at: now };
    return pair;
  }

  /** One refresh at a time in this process; callers share its result. */
  function refresh(refused?: string): Promise<StoredPair | undefined> {
    inflight ??= refreshShared(refused).finally(() => {
      inflight = undefined;
      forSending = undefined;
    });
    return inflight;
  }

  async function status(): Promise<TokenStatus> {
    await ensureSeeded();
    const pair = await read();
    if (!pair) return { state: 'missing' };
    const times = { accessExpiresAt: pair.accessExpiresAt, refreshExpiresAt: pair.refreshExpiresAt };
    const left = pair.refreshExpiresAt - clock();
    if (pair.refreshError) return { state: 'refresh_refused', ...times };
    if (left <= 0) return { state: 'refresh_expired', ...times };
    if (left < WARN_BEFORE_MS) return { state: 'refresh_expiring', ...times };
    return { state: 'ok', ...times };
  }

  return {
    async accessToken() {
      await ensureSeeded();
      let pair = await readForSending();
      if (pair && due(pair)) pair = (await refresh()) ?? pair;
      if (!pair || pair.accessExpiresAt <= clock()) return undefined;
      return pair.accessToken;
    },

    async refreshAfterRejection(refused) {
      await ensureSeeded();
      const pair = await refresh(refused);
      return pair && pair.accessToken !== refused && pair.accessExpiresAt > clock() ? pair.accessToken : undefined;
    },

    status,

    async check() {
      await ensureSeeded();
      const pair = await read();
      if (pair && due(pair)) await refresh();
      const s = await status();
      const now = clock();
      if (s.state === 'ok') {
        lastWarned = undefined;
      } else if (lastWarned?.state !== s.state || now - lastWarned.at >= DAY) {
        lastWarned = { state: s.state, at: now };
        const days = s.refreshExpiresAt === undefined ? undefined : Math.max(0, Math.floor((s.refreshExpiresAt - now) / DAY));
        if (s.state === 'refresh_expiring') {
          log.warn('zalo refresh token lapses soon unless a refresh succeeds; check the OAuth logs', { refreshTokenExpiresInDays: days });
        } else {
          log.error('zalo has no usable token pair: an OA admin must authorise the app and set ZALO_ACCESS_TOKEN/ZALO_REFRESH_TOKEN', {
            state: s.state,
          });
        }
      }
      return s;
    },
  };
}

/** Enough to recognise a token again, useless to anyone who reads Redis. */
function fingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16);
}

