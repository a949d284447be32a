/**
 * What the conversation needs of a broadcast alert, and how an alert reaches one resident. The
 * alert itself (composing, approval, planning, BullMQ) lives in the rest of this folder; a resident
 * gets it through their own inbox, like a message, so it is handled in order with their messages,
 * sent through the outbox with its retries, and never twice: the event id is `alert:<id>`, and the
 * inbox refuses an id it has seen.
 */
import type { AreaRef } from '../accounts/schema.js';
import { enqueueOwnEvent } from '../conversation/intake.js';
import type { LocalText } from '../flows/schema.js';
import type { Keys } from '../store/keys.js';
import { perItem, type ScriptedRedis } from '../store/redis.js';

/** The part of an alert a resident sees. */
export interface AlertContent {
  id: string;
  /** Who sends it, as residents read it: "UBND xã An Bình". */
  from: string;
  text: LocalText;
  /** Path of the attached picture relative to the public base (`alerts/<id>/image`), if any. */
  imagePath?: string;
  /** "Would you recognise it? Try this": practise the quiz-bank items of this scam type… */
  scamType?: string;
  /** …or open this lesson. */
  lessonId?: string;
  /** Cancelled alerts are not shown, even if already queued for a resident. */
  cancelled: boolean;
}

export interface AlertSource {
  load(alertId: string): Promise<AlertContent | undefined>;
}

/**
 * Give an alert to residents of one channel, reachable now (the alert lane, src/conversation/alert-lane.ts):
 * resolves with the residents who get it through their inbox instead, already woken.
 */
export type AlertDeliver = (alertId: string, residentIds: readonly string[], now: number) => Promise<{ inbox: string[] }>;

/** Counters of an alert (`keys.alertStats`), written by the processor and the conversation. */
export const ALERT_COUNTERS = ['sent', 'failed', 'unreachable', 'notReachableNow', 'skipped', 'shown', 'opened', 'recognised', 'missed'] as const;
export type AlertCounter = (typeof ALERT_COUNTERS)[number];

/** The area paths a resident belongs to, most general first (see keys.audienceArea). */
export function areaPaths(area: AreaRef): string[] {
  const paths = [area.province];
  if (area.district) paths.push(`${area.province}/${area.district}`);
  if (area.commune) paths.push(`${area.province}/${area.district ?? ''}/${area.commune}`);
  return paths;
}

/** The one area path that selects exactly this area's residents. */
export function areaPath(area: AreaRef): string {
  return areaPaths(area).at(-1)!;
}

/**
 * Put an alert into one resident's inbox; true when it was new for them. Idempotent: a retried
 * batch job enqueues the same event id, which the inbox refuses. Does not open a messaging window.
 */
export function enqueueAlert(redis: ScriptedRedis, keys: Keys, residentId: string, alertId: string, now: number): Promise<boolean> {
  return enqueueOwnEvent(redis, keys, residentId, { name: 'alert', id: `alert:${alertId}`, ref: alertId }, now);
}

/**
 * Residents whose alert still waits for them (in their inbox or outbox) though nobody may be looking:
 * a worker stopped between taking it in and marking them due. Marked due again (`ZADD NX` keeps an
 * earlier or backoff time) and woken; returned, to wait for.
 */
export async function wakeWaiting(
  redis: ScriptedRedis, keys: Keys, residentIds: readonly string[], now: number, kick?: (residentId: string) => void,
): Promise<string[]> {
  if (residentIds.length === 0) return [];
  await redis.zadd(keys.due, 'NX', ...residentIds.flatMap((rid) => [now, rid]));
  for (const rid of residentIds) kick?.(rid);
  return [...residentIds];
}

/**
 * The alert into each resident's inbox, as a turn of theirs will show it; the residents woken for
 * it (wait for these): those who got it now, and those a retried batch finds it still waiting for
 * in their inbox (see `wakeWaiting`). The others had it already.
 */
export async function handOverToInboxes(
  redis: ScriptedRedis, keys: Keys, alertId: string, residentIds: readonly string[], now: number, kick?: (residentId: string) => void,
): Promise<string[]> {
  const taken = await Promise.all(residentIds.map((rid) => enqueueAlert(redis, keys, rid, alertId, now)));
  const fresh = residentIds.filter((_, i) => taken[i]);
  for (const rid of fresh) kick?.(rid);
  const had = residentIds.filter((_, i) => !taken[i]);
  if (had.length === 0) return fresh;
  const eventId = `alert:${alertId}`; // as enqueueAlert names it
  const inInbox = await perItem(redis, had, (p, rid) => p.hexists(keys.resident(rid).inboxData, eventId));
  return [...fresh, ...(await wakeWaiting(redis, keys, had.filter((_, i) => inInbox[i] === 1), now, kick))];
}
