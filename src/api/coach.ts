/** What the coach page reads: the lessons to pick from, and the residents the coach's links reached. */
import { ROLES } from '../accounts/schema.js';
import { CoachView, loadCoachView, type CoachViewDeps } from '../coaching/coach-view.js';
import type { LocalText } from '../flows/schema.js';
import { route, type ApiDeps } from './route.js';
import { LangQuery, LessonList } from './schemas.js';

const text = (t: LocalText) => ({ vi: t.vi, ...(t.en ? { en: t.en } : {}) });

const lessons = route({
  method: 'get', path: '/lessons', operationId: 'listLessons', tag: 'coach',
  summary: 'The lessons, in menu order',
  roles: ROLES, response: LessonList, status: 200,
  handle: async ({ deps }) => ({
    lessons: deps.flows.list.map(({ flow }) => ({ id: flow.id, title: text(flow.title), summary: text(flow.summary), tags: [...flow.tags] })),
  }),
});

const residents = route({
  method: 'get', path: '/coach/residents', operationId: 'coachResidents', tag: 'coach',
  summary: 'The residents this account\'s links reached who agreed to be followed, and the ripple',
  description: 'Only residents who agreed to be followed are listed, by the name they gave or "Resident #n" (numbered among those listed, by arrival), with which of the account\'s links brought them (and its note), and how far they are in each lesson started; no ids, channels or phone numbers.',
  roles: ['coach', 'admin'], query: LangQuery, response: CoachView, status: 200,
  handle: async ({ account, query, deps }) => loadCoachView(coachViewDeps(deps), account.id, query.lang),
});

/** What the coach view reads, from the API's dependencies. */
export const coachViewDeps = (deps: ApiDeps): CoachViewDeps => ({ redis: deps.redis, keys: deps.keys, store: deps.residents, flows: deps.flows, links: deps.links });

export const coachRoutes = [lessons, residents];
