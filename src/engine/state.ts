/**
 * What we keep about a resident, as one JSON document: profile, place in the current lesson,
 * paused lessons, completed lessons with scores, and each quiz item's history.
 * Parsed with zod when read back from Redis, so an old or damaged document is caught, not trusted.
 */
import { z } from 'zod';
import { LocaleSchema, type Locale } from '../flows/schema.js';
import { AddressForm } from './address.js';

/** The most choices kept in `offered` (a menu has one per lesson, plus a few). */
export const MAX_OFFERED = 60;

export const Progress = z.object({
  flowId: z.string(),
  flowVersion: z.number().int(),
  stepId: z.string(),
  /** Position of the step in the flow, so a renamed step can be found again. */
  stepIndex: z.number().int().min(0),
  right: z.number().int().min(0),
  total: z.number().int().min(0),
  /** Answers in a row the bot could not place at this step. */
  misses: z.number().int().min(0),
  /** Wrong tries at a free-text answer step. */
  tries: z.number().int().min(0).default(0),
  vars: z.record(z.string(), z.string()),
  startedAt: z.number(),
  /** At a quiz-draw step: the quiz-bank items drawn on entering it, and which one is being asked. */
  draw: z.object({ items: z.array(z.string()), index: z.number().int().min(0) }).optional(),
  /** Set when the lesson was opened for one scam type (an official's alert, a coach's link). */
  scamType: z.string().optional(),
  /** The alert this practice answers to ("would you recognise it?"), for the alert's results. */
  alertId: z.string().optional(),
  /** The unfinished lesson this one was opened over (from an alert, the menu), taken up again when this one ends. */
  returnTo: z.string().optional(),
});
export type Progress = z.infer<typeof Progress>;

export const QuizHistory = z.object({
  right: z.number().int().min(0),
  wrong: z.number().int().min(0),
  lastAt: z.number(),
  lastCorrect: z.boolean(),
  /** Spaced review of quiz-bank items: 0 = nothing to review, 1–4 = the next gap (see engine/review.ts). */
  box: z.number().int().min(0).default(0),
  /** When the item should be asked again; absent once it is learned. */
  due: z.number().optional(),
});
export type QuizHistory = z.infer<typeof QuizHistory>;

export const Completion = z.object({
  at: z.number(),
  right: z.number().int().min(0),
  total: z.number().int().min(0),
  times: z.number().int().min(1),
});

export const Screen = z.enum(['menu', 'lesson', 'confirm-delete', 'language', 'consent', 'area', 'check', 'check-offer', 'report']);
export type Screen = z.infer<typeof Screen>;

/**
 * A checked message the resident may report to officials, kept from the verdict until they answer
 * the consent question (any other turn forgets it). Already masked (src/reports/mask.ts): the raw
 * message is never kept past its check.
 */
export const PendingReport = z.object({
  text: z.string().max(2000),
  risk: z.enum(['high', 'medium', 'low']),
  scamType: z.string().max(40).optional(),
  /** The warning signs the checker found, with their reasons as the resident read them (but addressing "bạn"). */
  signals: z.array(z.object({ id: z.string().max(80), vi: z.string().max(300), en: z.string().max(300) })).max(12),
  /** Hosts of the message's links that are not official addresses. */
  domains: z.array(z.string().max(253)).max(10),
  /** Words the checker quoted (masked, no digits), for an alert's match phrases. */
  phrases: z.array(z.string().max(60)).max(5),
});
export type PendingReport = z.infer<typeof PendingReport>;

export const ResidentState = z.object({
  v: z.literal(1),
  /** Random id used in analytics events instead of the platform id; forgotten on deletion. */
  anonId: z.string(),
  locale: LocaleSchema,
  name: z.string().optional(),
  /**
   * How the bot addresses them (xưng hô, engine/address.ts): chosen with «xưng hô», given by a coach's
   * link, or read from how they speak of themselves ("bác không hiểu"), which never overrides a choice.
   * Absent (and in states from before it): "bạn".
   */
  address: z.object({ form: AddressForm, by: z.enum(['chosen', 'coach', 'inferred']) }).optional(),
  firstSeen: z.number(),
  lastActive: z.number(),
  turns: z.number().int().min(0),
  screen: Screen,
  /** Where to return after a side screen (language, delete confirmation). */
  back: z.enum(['menu', 'lesson']).default('menu'),
  /**
   * Answers in a row the bot could not place outside a lesson, on the screen the resident is on: the
   * menu, the commune question, the coach's consent question (each resets it when it asks).
   */
  menuMisses: z.number().int().min(0).default(0),
  current: Progress.nullable(),
  paused: z.record(z.string(), Progress).default({}),
  completed: z.record(z.string(), Completion).default({}),
  quiz: z.record(z.string(), QuizHistory).default({}),
  /** The last quiz-bank item asked, so the next draw never starts with it. */
  lastQuizItem: z.string().optional(),
  /** Coaches who sent this resident a lesson link (account ids, first first). */
  coaches: z.array(z.string()).max(20).default([]),
  /** How the resident first arrived through a link: its code and place in a sharing chain (0 = from a coach). */
  arrivedBy: z.object({ code: z.string(), depth: z.number().int().min(0), coachId: z.string().optional() }).optional(),
  /**
   * Every coach's link (depth 0) the resident opened, oldest first, the last 20: `arrivedBy` keeps only
   * the first link of all, so a coach could not tell which of their links (and its note, "nhà bác Tư")
   * brought someone. States from before it have none; the coach view then falls back to `arrivedBy`.
   */
  coachLinks: z.array(z.object({ code: z.string(), coachId: z.string() })).max(20).default([]),
  /** May the coaches who sent links see this resident's progress? Asked once; changed with a command. */
  consent: z.object({ follow: z.boolean(), at: z.number() }).optional(),
  /** Lessons a link brought while another was in progress, to start after it. */
  queue: z.array(z.string()).max(10).default([]),
  /** A referral waiting for the consent answer before its lesson starts. */
  pendingLesson: z.string().optional(),
  /** Scam alerts from the commune: on unless the resident turned them off. */
  alerts: z.boolean().default(true),
  /** The resident's commune (for alerts to their area), given during onboarding or from a coach's link. */
  area: z.object({ province: z.string(), district: z.string().optional(), commune: z.string().optional() }).optional(),
  /** A forwarded-looking message waiting for "yes, check it" (cleared on the answer, or any other turn). */
  pendingCheck: z.string().max(2000).optional(),
  /** A checked message waiting for "yes, report it to officials" (cleared on the answer, or any other turn). */
  pendingReport: PendingReport.optional(),
  /** Reports sent on one local day (Vietnam time, `YYYYMMDD`), for the daily limit. */
  reportsToday: z.object({ day: z.string(), n: z.number().int().min(0) }).optional(),
  /**
   * The choices of the last reply when it was not a lesson step's, so that a typed number or label
   * picks one as a tap would: Zalo shows more than 5 choices, and Messenger more than 13, as a
   * numbered list only, and numbers must mean what that list says.
   */
  offered: z.array(z.object({ payload: z.string(), label: z.string() })).max(MAX_OFFERED).optional(),
  /** The province named on the commune question ("Hà Nội"), whose communes the next answer is looked for in first. */
  areaProvince: z.string().max(10).optional(),
  /** Asked for their commune once already (after their first finished lesson). */
  areaAsked: z.boolean().default(false),
  /** The last alert shown, so a practice opened from it counts towards it. */
  lastAlert: z.object({ id: z.string(), at: z.number(), scamType: z.string().optional() }).optional(),
});
export type ResidentState = z.infer<typeof ResidentState>;

export function newResident(now: number, locale: Locale, anonId: string): ResidentState {
  return {
    v: 1,
    anonId,
    locale,
    firstSeen: now,
    lastActive: now,
    turns: 0,
    screen: 'menu',
    back: 'menu',
    menuMisses: 0,
    current: null,
    paused: {},
    completed: {},
    quiz: {},
    coaches: [],
    coachLinks: [],
    queue: [],
    alerts: true,
    areaAsked: false,
  };
}
