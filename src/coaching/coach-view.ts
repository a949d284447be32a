/**
 * What a coach sees: the residents their links reached who agreed to be followed, which of the
 * coach's links brought each (with the coach's own note), their lessons started (and how far) and
 * finished, and when they were last active; plus how far their lessons rippled on. And, per link,
 * how its residents are doing with its lesson. No resident id or phone number leaves this module:
 * a resident is the name they gave, or a number. Residents who did not agree are counted, never shown.
 */
import { z } from 'zod';
import type { FlowSet } from '../engine/flowset.js';
import type { Progress, ResidentState } from '../engine/state.js';
import { localize } from '../engine/text.js';
import type { Locale } from '../flows/schema.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import type { ResidentStore } from '../store/resident-store.js';
import type { LinkStore } from './link-store.js';

export const LessonRef = z.object({ id: z.string(), title: z.string() }).strict();

/** How far into a lesson: the step reached, of how many (a lesson's steps, in file order). */
export const StepOf = z
  .object({
    step: z.number().int().min(1).describe('The step the resident is on, counting from 1.'),
    steps: z.number().int().min(1).describe('The lesson\'s number of steps.'),
  })
  .strict();
export type StepOf = z.infer<typeof StepOf>;

export const StartedLesson = LessonRef.extend(StepOf.shape).strict();

/** One of the coach's links that brought the resident, with the coach's note ("nhà bác Tư, xóm 3"). */
export const ViaLink = z.object({ code: z.string(), note: z.string().optional() }).strict();

export const CoachResident = z
  .object({
    /** The name the resident gave, or "Người học #3" / "Resident #3" (their order of arrival among those listed). */
    label: z.string(),
    via: z.array(ViaLink).describe('The coach\'s links this resident opened, oldest first (empty for residents reached before links were recorded per resident and not first through this coach).'),
    started: z.array(StartedLesson),
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

/** How the residents a link brought are doing with its lesson: only counts and step numbers, never who. */
export const LinkResidents = z
  .object({
    finished: z.number().int().min(0).describe('Agreed to be followed and finished the link\'s lesson.'),
    learning: z.array(StepOf).describe('Agreed and learning the lesson now (or paused in it): one entry per resident, how far.'),
    notStarted: z.number().int().min(0).describe('Agreed, and have not started the lesson (kept for after another, or left at the consent question).'),
    notFollowing: z.number().int().min(0).describe('Did not agree to be followed, or have not answered: counted only.'),
  })
  .strict();
export type LinkResidents = z.infer<typeof LinkResidents>;

export interface CoachViewDeps {
  redis: ScriptedRedis;
  keys: Keys;
  store: ResidentStore;
  flows: FlowSet;
  links: LinkStore;
}

const LABEL: Record<Locale, string> = { vi: 'Người học', en: 'Resident' };
const NO_LINKS: LinkResidents = { finished: 0, learning: [], notStarted: 0, notFollowing: 0 };

/** A resident in the coach's list whose data still exists and names this coach. */
interface Reached {
  state: ResidentState;
  follows: boolean;
  /** The coach's link codes that brought them. */
  codes: string[];
}

/** The residents the coach's links reached (oldest arrival first), with which of the coach's links. */
async function reachedBy(deps: CoachViewDeps, coachId: string, limit: number): Promise<Reached[]> {
  const ids = await deps.redis.zrange(deps.keys.coachResidents(coachId), 0, limit - 1);
  // One round trip for all (one per resident on a Cluster), not one each.
  const states = await deps.store.states(ids);
  const out: Reached[] = [];
  for (const state of states) {
    // Deleted data: not shown, not counted.
    if (!state || !state.coaches.includes(coachId)) continue;
    let codes = state.coachLinks.filter((l) => l.coachId === coachId).map((l) => l.code);
    // States from before `coachLinks` know only the very first link, if that was this coach's.
    if (!codes.length && state.arrivedBy?.coachId === coachId && state.arrivedBy.depth === 0) codes = [state.arrivedBy.code];
    out.push({ state, follows: state.consent?.follow === true, codes });
  }
  return out;
}

/** Where the resident is in a lesson they started: the current one, or one they paused. */
function progressIn(state: ResidentState, lessonId: string): Progress | undefined {
  return state.current?.flowId === lessonId ? state.current : state.paused[lessonId];
}

function stepOf(flows: FlowSet, p: Progress): StepOf {
  const steps = Math.max(1, flows.byId.get(p.flowId)?.steps.length ?? 1);
  return { step: Math.min(p.stepIndex + 1, steps), steps };
}

export async function loadCoachView(deps: CoachViewDeps, coachId: string, locale: Locale, limit = 500): Promise<CoachView> {
  const reached = await reachedBy(deps, coachId, limit);
  const [neighbours, deepest] = await deps.redis.hmget(deps.keys.coachRipple(coachId), 'neighbours', 'deepest');
  const title = (id: string) => {
    const c = deps.flows.byId.get(id);
    return { id, title: c ? localize(c.flow.title, locale) : id };
  };
  const following = reached.filter((r) => r.follows);
  const codes = [...new Set(following.flatMap((r) => r.codes))];
  const notes = new Map((await Promise.all(codes.map((c) => deps.links.get(c)))).flatMap((l) => (l?.note ? [[l.code, l.note] as const] : [])));

  const residents = following.map(({ state, codes }, i): CoachResident => {
    const finished = Object.keys(state.completed);
    const started = [...new Set([...(state.current ? [state.current.flowId] : []), ...Object.keys(state.paused)])].filter((id) => !finished.includes(id));
    return {
      // Numbered among the residents listed, so the numbers have no gaps where someone said no.
      label: state.name ?? `${LABEL[locale]} #${i + 1}`,
      via: codes.map((code) => ({ code, ...(notes.has(code) ? { note: notes.get(code)! } : {}) })),
      started: started.flatMap((id) => {
        const p = progressIn(state, id);
        return p ? [{ ...title(id), ...stepOf(deps.flows, p) }] : [];
      }),
      finished: finished.map(title),
      lastActive: new Date(state.lastActive).toISOString(),
    };
  });
  residents.sort((a, b) => b.lastActive.localeCompare(a.lastActive));
  return {
    residents,
    notFollowing: reached.length - following.length,
    ripple: { neighbours: Number(neighbours ?? 0), deepest: Number(deepest ?? 0) },
  };
}

/**
 * For each of `links` (the coach's own), how the residents it brought are doing with its lesson.
 * Those who did not agree to be followed are only counted.
 */
export async function loadLinkResidents(
  deps: CoachViewDeps,
  coachId: string,
  links: readonly { code: string; lessonId: string }[],
  limit = 500,
): Promise<Map<string, LinkResidents>> {
  const out = new Map<string, LinkResidents>(links.map((l) => [l.code, { ...NO_LINKS, learning: [] }]));
  const lessonOf = new Map(links.map((l) => [l.code, l.lessonId]));
  for (const { state, follows, codes } of await reachedBy(deps, coachId, limit)) {
    for (const code of codes) {
      const sum = out.get(code);
      const lessonId = lessonOf.get(code);
      if (!sum || !lessonId) continue;
      if (!follows) sum.notFollowing++;
      else if (state.completed[lessonId]) sum.finished++;
      else {
        const p = progressIn(state, lessonId);
        if (p) sum.learning.push(stepOf(deps.flows, p));
        else sum.notStarted++;
      }
    }
  }
  return out;
}
