/**
 * What a coach sees: the residents their links reached who agreed to be followed, their lessons
 * started and finished, and when they were last active; plus how far their lessons rippled on.
 * No resident id or phone number leaves this function: a resident is the name they gave, or a number.
 */
import { z } from 'zod';
import type { FlowSet } from '../engine/flowset.js';
import { localize } from '../engine/text.js';
import type { Locale } from '../flows/schema.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import type { ResidentStore } from '../store/resident-store.js';

export const LessonRef = z.object({ id: z.string(), title: z.string() }).strict();

export const CoachResident = z
  .object({
    /** The name the resident gave, or "Người học #3" / "Resident #3" (their order of arrival). */
    label: z.string(),
    started: z.array(LessonRef),
    finished: z.array(LessonRef),
    /** ISO date-time of their last message. */
    lastActive: z.string(),
  })
  .strict();
export type CoachResident = z.infer<typeof CoachResident>;

export const CoachView = z
  .object({
    residents: z.array(CoachResident),
    /** Residents reached who did not agree to be followed (or have not answered): counted, never shown. */
    notFollowing: z.number().int().min(0),
    /** Neighbours reached through residents' own links, and the longest chain. */
    ripple: z.object({ neighbours: z.number().int().min(0), deepest: z.number().int().min(0) }).strict(),
  })
  .strict();
export type CoachView = z.infer<typeof CoachView>;

export interface CoachViewDeps {
  redis: ScriptedRedis;
  keys: Keys;
  store: ResidentStore;
  flows: FlowSet;
}

const LABEL: Record<Locale, string> = { vi: 'Người học', en: 'Resident' };

export async function loadCoachView(deps: CoachViewDeps, coachId: string, locale: Locale, limit = 500): Promise<CoachView> {
  const ids = await deps.redis.zrange(deps.keys.coachResidents(coachId), 0, limit - 1);
  const [neighbours, deepest] = await deps.redis.hmget(deps.keys.coachRipple(coachId), 'neighbours', 'deepest');
  const title = (id: string) => {
    const c = deps.flows.byId.get(id);
    return { id, title: c ? localize(c.flow.title, locale) : id };
  };
  const residents: CoachResident[] = [];
  let notFollowing = 0;
  for (const [i, rid] of ids.entries()) {
    const { state } = await deps.store.load(rid);
    // Deleted data, or a resident who said no (or not yet): not shown.
    if (!state || !state.coaches.includes(coachId)) continue;
    if (state.consent?.follow !== true) {
      notFollowing++;
      continue;
    }
    const finished = Object.keys(state.completed);
    const started = [...new Set([...(state.current ? [state.current.flowId] : []), ...Object.keys(state.paused)])].filter((id) => !finished.includes(id));
    residents.push({
      label: state.name ?? `${LABEL[locale]} #${i + 1}`,
      started: started.map(title),
      finished: finished.map(title),
      lastActive: new Date(state.lastActive).toISOString(),
    });
  }
  residents.sort((a, b) => b.lastActive.localeCompare(a.lastActive));
  return { residents, notFollowing, ripple: { neighbours: Number(neighbours ?? 0), deepest: Number(deepest ?? 0) } };
}
