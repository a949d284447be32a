/**
 * Taking webhook events in: each event goes into its resident's inbox in Redis (durably, once),
 * the resident is marked due, and only then does the webhook answer 200. Processing follows, for a
 * resident nobody was holding with the claim already made by the same call (take-in-7.lua).
 */
import { randomUUID } from 'node:crypto';
import { residentIdOf, type InboundActivity } from '../channels/activity.js';
import type { Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import { noteContact, STATE_TTL_SECONDS } from '../store/resident-store.js';

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
  /**
   * Hold each resident in the same call that takes their event in, when nobody holds them, and hand
   * the claim to the processor (its `kick` with what it would have read): the turn starts without a
   * round trip of its own. Without it, residents are only marked due and woken.
   */
  hold?: { leaseMs: number; onHeld: (residentId: string, held: Held) => void };
}

/** A resident held by the intake for the processor: the lease's token and what the claim reads. */
export interface Held {
  token: string;
  claim: Claim;
}

/** What the processor's claim script answers when it holds the resident (claim-resident-6.lua). */
export type Claim = [1, string, string, number, string, string, number, string, string];

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
  // The webhook's take-in script, asked not to hold them: the processor is woken by the caller.
  const [taken] = await redis.takeIn(k.inbox, k.inboxData, k.seen, k.contact, k.lease, k.outbox, k.state, activity.id, now, JSON.stringify(activity), '0', '', 0, STATE_TTL_SECONDS);
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
      // The first event of each resident also tries to hold them (one token per resident).
      const tokens = new Map<string, string>();
      // One command per event, in its resident's slot; auto-pipelining puts them (and every other
      // command of this moment) into one write per Redis node.
      const inbox: Promise<unknown>[] = activities.map((a, i) => {
        const rid = residents[i]!;
        const k = deps.keys.resident(rid);
        // An unfollow has nothing to answer: remember they cannot be messaged until they write again.
        if (unfollow(a)) return noteContact(r.multi(), k.contact, { status: 'unreachable', statusReason: 'unfollowed' }).exec();
        let token = '';
        if (deps.hold && !tokens.has(rid)) tokens.set(rid, (token = randomUUID()));
        return r.takeIn(k.inbox, k.inboxData, k.seen, k.contact, k.lease, k.outbox, k.state, a.id, a.timestamp, JSON.stringify(a), '1', token, deps.hold?.leaseMs ?? 0, STATE_TTL_SECONDS);
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
      const held = new Map<string, Held>();
      results.forEach((value, i) => {
        if (unfollow(activities[i]!)) return;
        const answer = value as Awaited<ReturnType<ScriptedRedis['takeIn']>>;
        if (answer[0] === 0) return void duplicates++;
        taken++;
        if (answer[0] === 2) held.set(residents[i]!, { token: tokens.get(residents[i]!)!, claim: [1, ...answer.slice(1)] as Claim });
      });
      for (const rid of due) {
        const h = held.get(rid);
        if (h) deps.hold!.onHeld(rid, h);
        else deps.onDue?.(rid);
      }
      return { taken, duplicates };
    },
  };
}
