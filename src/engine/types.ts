/**
 * Channel-neutral shapes the engine speaks: what a resident sent, what to say back, what happened.
 * Nothing here knows about Redis, HTTP or a platform.
 */
import type { ActiveAlert } from '../checker/types.js';
import type { Locale } from '../flows/schema.js';
import type { AddressForm } from './address.js';
import type { FlowSet } from './flowset.js';
import type { PendingReport, ResidentState } from './state.js';

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
  | { type: 'reminder' }
  /** Not from the resident: an official's scam alert; `content` is filled in by the shell (absent: cancelled or gone). */
  | { type: 'alert'; alertId: string; content?: AlertView }
  /** A lesson link's code (m.me ref, typed on Zalo, the web's ?code=), already looked up by the shell. */
  | { type: 'referral'; code: string; link?: ReferralLink; invalid?: 'unknown' | 'expired' | 'revoked' };

/** A commune residents can pick: its codes, its name ("Xã An Bình"), where it is, and its province as residents name it. */
export interface CommuneOption {
  ref: { province: string; district?: string | undefined; commune?: string | undefined };
  name: string;
  place: string;
  /** "Thành phố Hà Nội", and the other names typed for it ("HN"); one object shared by the province's communes. */
  province: { name: string; aliases?: readonly string[] | undefined };
}

/** The part of an official's alert the engine shows. */
export interface AlertView {
  from: string;
  text: { vi: string; en?: string | undefined };
  /** Picture path relative to the public base (`alerts/<id>/image`). */
  image?: string | undefined;
  scamType?: string | undefined;
  lessonId?: string | undefined;
}

/** What the engine needs to know of a valid lesson link. */
export interface ReferralLink {
  lessonId: string;
  /** The coach's name as residents should read it; absent for a resident's own share link. */
  senderName?: string | undefined;
  coachId?: string | undefined;
  /** 0 = a coach's link; 1 = shared by someone a coach reached; and so on. */
  depth: number;
  /** How the coach says the resident is addressed, taken unless the resident chose a form themselves. */
  address?: AddressForm | undefined;
  /** The coach's commune, taken as the resident's when they have not given one. */
  area?: { province: string; district?: string | undefined; commune?: string | undefined } | undefined;
}

export type EngineEvent =
  | { type: 'resident_joined' }
  | { type: 'lesson_started'; flowId: string; flowVersion: number; resumed: boolean }
  | { type: 'step_shown'; flowId: string; stepId: string }
  | { type: 'quiz_answered'; flowId: string; stepId: string; itemId?: string; scamType: string; correct: boolean; alertId?: string }
  | { type: 'answer_checked'; flowId: string; stepId: string; correct: boolean }
  | { type: 'lesson_completed'; flowId: string; right: number; total: number }
  | { type: 'lesson_moved'; flowId: string; fromStep: string; toStep: string | null }
  | { type: 'language_changed'; locale: Locale }
  | { type: 'address_changed'; form: AddressForm; by: 'chosen' | 'coach' | 'inferred' }
  | { type: 'input_not_understood'; where: string }
  | { type: 'data_deleted' }
  | { type: 'review_reminded'; due: number }
  | { type: 'referral_used'; code: string; lessonId: string; coachId?: string; depth: number; first: boolean }
  | { type: 'share_offered'; code: string; lessonId: string; coachId?: string; depth: number }
  | { type: 'consent_changed'; follow: boolean }
  | { type: 'alert_shown'; alertId: string }
  | { type: 'alert_quiz_opened'; alertId: string; scamType: string }
  | { type: 'alerts_changed'; on: boolean }
  | { type: 'area_set'; province: string; commune?: string }
  | { type: 'message_checked'; risk: string; signals: string[]; scamType?: string }
  /** The resident agreed to report a checked message to officials; the shell stores it (masked) after the commit. */
  | { type: 'report_made'; report: PendingReport };

/** System strings, from i18next; injected so the engine stays pure and testable. */
export interface Texts {
  /** `form` fills `{{you}}`, `{{me}}` (and capitalised); the default form when absent. */
  t(locale: Locale, key: string, vars?: Record<string, string | number>, form?: AddressForm): string;
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
  /** Public address of the bot (for a resident's own lesson link); no share link without it. */
  publicUrl?: string;
  /** Officials' alerts active now, which the scam check recognises. */
  activeAlerts?: readonly ActiveAlert[];
  /** The deployment's communes, for residents to give theirs (alerts to their area). None: not asked. */
  areas?: readonly CommuneOption[];
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
