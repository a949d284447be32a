/**
 * Residents as the conversation leaves them: a state document committed through ResidentStore, the
 * audience sets kept by src/conversation/audience.ts (`recordAudience`), and a contact hash with
 * the time of their last message (what the messaging window is computed from).
 */
import { randomInt } from 'node:crypto';
import type { AreaRef } from '../../src/accounts/schema.js';
import type { Alert } from '../../src/broadcast/alert.js';
import type { Broadcast } from '../../src/broadcast/index.js';
import type { JobDeps } from '../../src/broadcast/jobs.js';
import type { PushChannel } from '../../src/channels/window.js';
import type { Config } from '../../src/config.js';
import { recordAudience } from '../../src/conversation/audience.js';
import { newResident, type QuizHistory, type ResidentState } from '../../src/engine/state.js';
import { createLogger } from '../../src/log.js';
import { createKeys, type Keys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { ResidentStore } from '../../src/store/resident-store.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface SeedResident {
  channel: PushChannel;
  /** Platform user id (made up when absent). */
  user?: string;
  area: AreaRef;
  locale?: 'vi' | 'en';
  completed?: string[];
  alertsOff?: boolean;
  /** How long ago they last wrote, ms; absent: never. */
  lastWroteAgo?: number;
  unreachable?: boolean;
  quiz?: Record<string, Pick<QuizHistory, 'right' | 'wrong'>>;
}

export interface Seeded extends SeedResident {
  user: string;
  id: string;
}

let seq = 0;
export const newUserId = () => `${randomInt(1e8, 1e9)}${String(++seq).padStart(7, '0')}`;

export async function seedResidents(redis: ScriptedRedis, keys: Keys, residents: SeedResident[], now = Date.now()): Promise<Seeded[]> {
  const store = new ResidentStore(redis, keys, createLogger('silent'));
  const out: Seeded[] = residents.map((r) => {
    const user = r.user ?? newUserId();
    return { ...r, user, id: `${r.channel}:${user}` };
  });
  for (let i = 0; i < out.length; i += 250) {
    await Promise.all(
      out.slice(i, i + 250).map(async (r) => {
        const state: ResidentState = {
          ...newResident(now - 30 * DAY, r.locale ?? 'vi', `anon-${r.user}`),
          area: r.area,
          alerts: !r.alertsOff,
          completed: Object.fromEntries((r.completed ?? []).map((id) => [id, { at: now - DAY, right: 3, total: 3, times: 1 }])),
          quiz: Object.fromEntries(
            Object.entries(r.quiz ?? {}).map(([k, h]) => [k, { ...h, lastAt: now - DAY, lastCorrect: h.right > 0, box: 0 }]),
          ),
        };
        const commit = await store.commit(r.id, 0, state, undefined, [], now);
        if (commit.type !== 'committed') throw new Error(`seeding ${r.id}: ${commit.type}`);
        await recordAudience({ redis, keys }, r.id, null, state);
        const contact: (string | number)[] = [];
        if (r.lastWroteAgo !== undefined) contact.push('lastInbound', now - r.lastWroteAgo);
        if (r.unreachable) contact.push('status', 'unreachable', 'statusReason', 'seeded');
        if (contact.length) await redis.hset(keys.resident(r.id).contact, ...contact);
      }),
    );
  }
  return out;
}

/** Bounded polling: never a fixed wait, never a time assertion. */
/** `n` residents of `area`, half on Messenger and half on Zalo, who wrote an hour ago (inside both windows). */
export function seedReachable(server: { redis: ScriptedRedis; prefix: string }, n: number, area: AreaRef): Promise<Seeded[]> {
  const residents = Array.from({ length: n }, (_, i): SeedResident => ({ channel: i % 2 ? 'zalo' : 'messenger', area, lastWroteAgo: HOUR }));
  return seedResidents(server.redis, createKeys(server.prefix), residents);
}

export async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 60_000, everyMs = 50): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/**
 * What a broadcast job needs, run by a test with no processor beside it (nobody to wait for), at the
 * test's own clock; `more` replaces any part (a failing `deliver`).
 */
export function jobDepsOf(
  broadcast: Broadcast, base: { redis: ScriptedRedis; keys: Keys; config: Config; clock: () => number }, more: Partial<JobDeps> = {},
): JobDeps {
  return {
    ...base, store: broadcast.store, audience: broadcast.audience, queues: broadcast.queues,
    log: createLogger('silent'), drainMaxMs: 0,
    startSending: (id) => broadcast.service.startSending(id),
    maybeFinish: (id) => broadcast.service.maybeFinish(id),
    reconcile: async () => undefined,
    ...more,
  };
}

/** An alert already being sent to `area` (its approvals done), stored as an official made it. */
export function sendingAlert(broadcast: Broadcast, area: AreaRef, now: number, by = { id: 'abcdefghij', name: 'Test' }): Promise<Alert> {
  const alert: Alert = {
    id: broadcast.store.newId(), rev: 1, createdBy: by.id, createdByName: by.name, fromName: 'UBND Xã Sóc Sơn',
    text: { vi: 'Cảnh báo' }, audience: { area }, status: 'sending', approvals: [], createdAt: now, updatedAt: now,
  };
  return broadcast.store.create(alert, { by: by.id, byName: by.name, action: 'created' });
}
