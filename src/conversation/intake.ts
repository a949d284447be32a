/**
 * Taking webhook events in: each event goes into its resident's inbox in Redis (durably, once),
 * the resident is marked due, and only then does the webhook answer 200. Processing follows.
 */
import { residentIdOf, type InboundActivity } from '../channels/activity.js';
import type { Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import { perItem, type ScriptedPipeline, type ScriptedRedis } from '../store/redis.js';

export interface IntakeResult {
  taken: number;
  duplicates: number;
}

export interface Intake {
  accept(activities: readonly InboundActivity[]): Promise<IntakeResult>;
}

export interface IntakeDeps {
  redis: ScriptedRedis;
  keys: Keys;
  log: Logger;
  clock?: () => number;
  /** Called for each resident with new work, after it is durable (the processor's `kick`). */
  onDue?: (residentId: string) => void;
}

/**
 * Put an event we start ourselves (an alert, a review follow-up) into a resident's inbox, so it is
 * handled in order with their messages; true when it was new. Idempotent by event id, and it does
 * not count as the resident writing to us (no messaging window is opened).
 */
export async function enqueueOwnEvent(
  redis: ScriptedRedis, keys: Keys, residentId: string, event: { name: 'alert' | 'review'; id: string; ref?: string }, now: number,
): Promise<boolean> {
  const [channel, ...rest] = residentId.split(':');
  const activity: InboundActivity = {
    type: 'event',
    name: event.name,
    channelId: channel as InboundActivity['channelId'],
    id: event.id,
    timestamp: now,
    from: { id: rest.join(':') },
    ...(event.ref ? { ref: event.ref } : {}),
  };
  const k = keys.resident(residentId);
  const taken = await redis.enqueueEvent(k.inbox, k.inboxData, k.seen, k.contact, activity.id, now, JSON.stringify(activity), '0');
  if (taken === 1) await redis.zadd(keys.due, now, residentId);
  return taken === 1;
}

export function createIntake(deps: IntakeDeps): Intake {
  const clock = deps.clock ?? Date.now;
  return {
    async accept(activities) {
      const now = clock();
      const residents = activities.map(residentIdOf);
      const unfollow = (a: InboundActivity) => a.type === 'event' && a.name === 'unfollow';
      const due = new Set(residents.filter((_, i) => !unfollow(activities[i]!)));
      // An unfollow has nothing to answer: remember they cannot be messaged until they write again.
      const add = (p: ScriptedPipeline, a: InboundActivity, i: number) => {
        const k = deps.keys.resident(residents[i]!);
        if (unfollow(a)) {
          p.hset(k.contact, 'status', 'unreachable', 'statusReason', 'unfollowed');
        } else {
          p.enqueueEvent(k.inbox, k.inboxData, k.seen, k.contact, a.id, a.timestamp, JSON.stringify(a), '1');
        }
      };
      // `due` is global (another Cluster slot), so it is written after the inbox. A crash in between
      // means no 200 was sent; the platform redelivers, and the redelivery (a duplicate) marks it due.
      const dueArgs = [...due].flatMap((rid) => [now, rid]);
      let results: unknown[];
      if (!deps.redis.isCluster) {
        // Sent together, without waiting in between: one connection runs its commands in order, so
        // "inbox, then due" holds, and the webhook waits one round trip. No explicit pipeline: that
        // would be a write of its own, where auto-pipelining puts these in the same write as every
        // other command of this moment.
        const r = deps.redis;
        const inbox = activities.map((a, i) => {
          const k = deps.keys.resident(residents[i]!);
          return unfollow(a)
            ? r.hset(k.contact, 'status', 'unreachable', 'statusReason', 'unfollowed')
            : r.enqueueEvent(k.inbox, k.inboxData, k.seen, k.contact, a.id, a.timestamp, JSON.stringify(a), '1');
        });
        const all: unknown[] = await Promise.all(due.size ? [...inbox, r.zadd(deps.keys.due, 'LT', ...dueArgs)] : inbox);
        results = all.slice(0, activities.length);
      } else {
        // One command per event, each in its resident's slot (a delivery may carry several residents).
        results = await perItem(deps.redis, activities, add);
        if (due.size) await deps.redis.zadd(deps.keys.due, 'LT', ...dueArgs);
      }
      let taken = 0;
      let duplicates = 0;
      results.forEach((value, i) => {
        if (unfollow(activities[i]!)) return;
        if (value === 1) taken++;
        else duplicates++;
      });
      for (const rid of due) deps.onDue?.(rid);
      return { taken, duplicates };
    },
  };
}
