/**
 * Keeping the broadcast audiences current as residents change (their commune, language, channel,
 * finished lessons, alerts on or off), and counting what residents did with an alert. After the
 * commit and best effort, like the analytics events: a write that fails leaves a set wrong until the
 * resident's next change, or until `rebuildAudiences` (`npm run admin -- audiences`) runs.
 */
import { areaPaths, type AlertSource } from '../broadcast/contract.js';
import { pushChannelOf } from '../channels/window.js';
import type { ResidentState } from '../engine/state.js';
import type { EngineEvent, Input } from '../engine/types.js';
import type { Keys } from '../store/keys.js';
import { eachMemberPage, scanKeys, type ScriptedRedis } from '../store/redis.js';
import type { ResidentStore } from '../store/resident-store.js';

export interface Bookkeeping {
  redis: ScriptedRedis;
  keys: Keys;
}

function memberships(keys: Keys, residentId: string, state: ResidentState | null): Set<string> {
  const out = new Set<string>();
  // Only residents on a channel we can write to first are an audience.
  const channel = pushChannelOf(residentId);
  if (!state || !channel) return out;
  out.add(keys.audienceChannel(channel));
  out.add(keys.audienceLocale(state.locale));
  if (state.area) for (const path of areaPaths(state.area)) out.add(keys.audienceArea(path));
  for (const lessonId of Object.keys(state.completed)) out.add(keys.audienceFinished(lessonId));
  if (!state.alerts) out.add(keys.audienceAlertsOff);
  return out;
}

export async function recordAudience(b: Bookkeeping, residentId: string, before: ResidentState | null, after: ResidentState | null): Promise<void> {
  const was = memberships(b.keys, residentId, before);
  const is = memberships(b.keys, residentId, after);
  const added = [...is].filter((key) => !was.has(key));
  const removed = [...was].filter((key) => !is.has(key));
  if (added.length + removed.length === 0) return; // most turns: no pipeline to build
  const pipeline = b.redis.pipeline();
  for (const key of added) pipeline.sadd(key, residentId);
  for (const key of removed) pipeline.srem(key, residentId);
  await pipeline.exec();
}

export async function recordAlertEvents(b: Bookkeeping, events: readonly EngineEvent[]): Promise<void> {
  for (const e of events) {
    if (e.type === 'alert_shown') await b.redis.hincrby(b.keys.alertStats(e.alertId), 'shown', 1);
    else if (e.type === 'alert_quiz_opened') await b.redis.hincrby(b.keys.alertStats(e.alertId), 'opened', 1);
    else if (e.type === 'quiz_answered' && e.alertId) await b.redis.hincrby(b.keys.alertStats(e.alertId), e.correct ? 'recognised' : 'missed', 1);
  }
}

/** Fill in an alert's content for the engine; without a source, or for a cancelled alert, none. */
export async function withAlert(input: Extract<Input, { type: 'alert' }>, source: AlertSource | undefined): Promise<Input> {
  const content = source ? await source.load(input.alertId) : undefined;
  if (!content || content.cancelled) return { type: 'alert', alertId: input.alertId };
  return {
    type: 'alert',
    alertId: input.alertId,
    content: {
      from: content.from,
      text: content.text,
      ...(content.imagePath ? { image: content.imagePath } : {}),
      ...(content.scamType ? { scamType: content.scamType } : {}),
      ...(content.lessonId ? { lessonId: content.lessonId } : {}),
    },
  };
}

/**
 * The audience sets made right again from the residents' states: each resident added to the sets
 * they belong in, and every set's members that do not belong (any more) taken out. The sets are
 * kept after each turn best effort, so a failed write, or a new rule (the web chat joining the push
 * channels), leaves them wrong until the resident's next change; `npm run admin -- audiences`
 * repairs that. Safe while the bot runs: a turn meanwhile writes what this would.
 */
export async function rebuildAudiences(b: Bookkeeping, store: ResidentStore): Promise<{ residents: number; added: number; removed: number }> {
  let residents = 0;
  let added = 0;
  let removed = 0;
  for await (const page of scanKeys(b.redis, b.keys.residentStates.pattern)) {
    const ids = page.map(b.keys.residentStates.residentOf);
    const states = await store.states(ids);
    // Every audience set shares the `{aud}` slot: one pipeline per page, on a Cluster too.
    const pipeline = b.redis.pipeline();
    ids.forEach((rid, i) => {
      if (states[i]) residents++;
      for (const key of memberships(b.keys, rid, states[i] ?? null)) pipeline.sadd(key, rid);
    });
    for (const [err, n] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      added += Number(n);
    }
  }
  await eachMemberPage(b.redis, b.keys.audiences, 'set', async (set, members) => {
    const states = await store.states(members);
    const stale = members.filter((rid, i) => !memberships(b.keys, rid, states[i] ?? null).has(set));
    if (stale.length) removed += await b.redis.srem(set, ...stale);
  });
  return { residents, added, removed };
}
