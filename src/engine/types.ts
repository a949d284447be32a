/**
 * Channel-neutral shapes the engine speaks: what a resident sent, what to say back, what happened.
 * Nothing here knows about Redis, HTTP or a platform.
 */
import type { Locale } from '../flows/schema.js';
import type { FlowSet } from './flowset.js';
import type { ResidentState } from './state.js';

export interface Choice {
  /** What comes back when the button is tapped (short: Zalo echoes it as text). */
  payload: string;
  label: string;
}

export interface Reply {
  text: string;
  /** Path under the flows folder (`media/x.png`); channels turn it into a public URL. */
  image?: string;
  choices?: Choice[];
  /** A web page to open (an official site, a coach's link); channels show it as a button or a tappable line. */
  link?: { url: string; label: string };
}

export type Input =
  | { type: 'text'; text: string }
  | { type: 'payload'; payload: string }
  /** First contact or "Get started"; `ref` is a referral code when there is one. */
  | { type: 'start'; ref?: string }
  /** Not from the resident: quiz items are due for review and the platform lets us write now. */
  | { type: 'reminder' };

export type EngineEvent =
  | { type: 'resident_joined' }
  | { type: 'lesson_started'; flowId: string; flowVersion: number; resumed: boolean }
  | { type: 'step_shown'; flowId: string; stepId: string }
  | { type: 'quiz_answered'; flowId: string; stepId: string; itemId?: string; scamType: string; correct: boolean }
  | { type: 'answer_checked'; flowId: string; stepId: string; correct: boolean }
  | { type: 'lesson_completed'; flowId: string; right: number; total: number }
  | { type: 'lesson_moved'; flowId: string; fromStep: string; toStep: string | null }
  | { type: 'language_changed'; locale: Locale }
  | { type: 'input_not_understood'; where: string }
  | { type: 'data_deleted' }
  | { type: 'review_reminded'; due: number };

/** System strings, from i18next; injected so the engine stays pure and testable. */
export interface Texts {
  t(locale: Locale, key: string, vars?: Record<string, string | number>): string;
  /** Every word listed under `key` in every locale (commands work in any language). */
  words(key: string): readonly string[];
}

export interface Env {
  /** Milliseconds since the epoch, from the caller's clock. */
  now: number;
  texts: Texts;
  /** Fresh random id, from the caller (used once per new resident). */
  newId: () => string;
  defaultLocale: Locale;
  /** Display name the channel knows, if any. */
  displayName?: string;
}

export interface StepResult {
  replies: Reply[];
  /** `null` means: forget this resident entirely (they asked to delete their data). */
  state: ResidentState | null;
  events: EngineEvent[];
}

export interface EngineContext {
  flows: FlowSet;
  env: Env;
  locale: Locale;
}
