/**
 * Taking webhook events in: each event goes into its resident's inbox in Redis (durably, once),
 * the resident is marked due, and only then does the webhook answer 200. Processing follows.
 */
import type { Redis } from 'ioredis';
import { residentIdOf, type InboundActivity } from '../channels/activity.js';
import type { Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';

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
      const pipeline = deps.redis.pipeline() as ReturnType<Redis['pipeline']> & {
        enqueueEvent: (...args: unknown[]) => unknown;
      };
      const residents: string[] = [];
      for (const a of activities) {
        const rid = residentIdOf(a);
        const k = deps.keys.resident(rid);
        residents.push(rid);
        if (a.type === 'event' && a.name === 'unfollow') {
          // Nothing to answer; remember they cannot be messaged until they write again.
          pipeline.hset(k.contact, 'status', 'unreachable', 'statusReason', 'unfollowed');
          continue;
        }
        pipeline.enqueueEvent(k.inbox, k.inboxData, k.seen, k.contact, a.id, a.timestamp, JSON.stringify(a), '1');
      }
      const results = (await pipeline.exec()) ?? [];
      let taken = 0;
      let duplicates = 0;
      const due = new Set<string>();
      results.forEach(([err, value], i) => {
        if (err) throw err;
        const a = activities[i]!;
        if (a.type === 'event' && a.name === 'unfollow') return;
        if (value === 1) taken++;
        else duplicates++;
        due.add(residents[i]!);
      });
      if (due.size) {
        // `due` is global (another Cluster slot), so it is written after the inbox. A crash in between
        // means no 200 was sent; the platform redelivers, and the redelivery (a duplicate) marks it due.
        await deps.redis.zadd(deps.keys.due, 'LT', ...[...due].flatMap((rid) => [now, rid]));
      }
      for (const rid of due) deps.onDue?.(rid);
      return { taken, duplicates };
    },
  };
}
