/**
 * Taking webhook events in: each event goes into its resident's inbox in Redis (durably, once),
 * the resident is marked due, and only then does the webhook answer 200. Processing follows.
 */
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
      const residents = activities.map(residentIdOf);
      const unfollow = (a: InboundActivity) => a.type === 'event' && a.name === 'unfollow';
      const due = new Set(residents.filter((_, i) => !unfollow(activities[i]!)));
      const r = deps.redis;
      // One command per event, in its resident's slot; auto-pipelining puts them (and every other
      // command of this moment) into one write per Redis node.
      const inbox: Promise<unknown>[] = activities.map((a, i) => {
        const k = deps.keys.resident(residents[i]!);
        // An unfollow has nothing to answer: remember they cannot be messaged until they write again.
        return unfollow(a)
          ? r.hset(k.contact, 'status', 'unreachable', 'statusReason', 'unfollowed')
          : r.enqueueEvent(k.inbox, k.inboxData, k.seen, k.contact, a.id, a.timestamp, JSON.stringify(a), '1');
      });
      // `due` is global (another Cluster slot), so it is written after the inbox. A crash in between
      // means no 200 was sent; the platform redelivers, and the redelivery (a duplicate) marks it due.
      // One connection runs its commands in order, so on one Redis both go out together; a Cluster may
      // run them on two nodes, so there the inbox is awaited first.
      if (r.isCluster) await Promise.all(inbox);
      const marking = due.size ? r.zadd(deps.keys.due, 'LT', ...[...due].flatMap((rid) => [now, rid])) : Promise.resolve(0);
      const [results] = await Promise.all([Promise.all(inbox), marking]);
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
