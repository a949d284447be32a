/**
 * An official's scam alert, as a resident gets it: who sends it, the warning, a picture, and
 * "Would you recognise it? Try this" (practice on that scam type, or a lesson). Not the resident's
 * own activity: it does not count as them being active, and it never interrupts a lesson's place.
 * It does end a question the resident was asked (delete my data? check this? which commune?): its
 * buttons are gone from the screen, and a "yes" typed after the alert must not answer it.
 */
import { DEFAULT_ADDRESS } from './address.js';
import type { FlowSet } from './flowset.js';
import { payload } from './payloads.js';
import type { ResidentState } from './state.js';
import { localize } from './text.js';
import { Turn } from './turn.js';
import type { Env, Input, StepResult } from './types.js';

/** An alert's "try this" counts towards it for this long. */
export const ALERT_FOLLOW_UP_MS = 7 * 24 * 60 * 60 * 1000;

type AlertInput = Extract<Input, { type: 'alert' }>;

/**
 * All that `showAlert` reads of a resident's state, as a key: residents with the same key get the
 * same messages for the same alert, so a broadcast renders each key once (src/conversation/alert-lane.ts).
 * Whatever else of the state `showAlert` comes to depend on must be added here.
 */
export function alertVariant(state: { locale: string; current?: unknown; alerts?: boolean | undefined; address?: { form: string } | undefined }): string {
  if (state.alerts === false) return 'off'; // shown nothing, whatever else
  return `${state.locale}|${state.current != null ? 'lesson' : '-'}|${state.address?.form ?? DEFAULT_ADDRESS}`;
}

/** The screen a resident is on after an alert: their lesson stays; any question left open is closed. */
export function screenAfterAlert<S extends string>(screen: S): S | 'menu' {
  return screen === 'lesson' ? screen : 'menu';
}

export function showAlert(flows: FlowSet, prior: ResidentState | null, input: AlertInput, env: Env): StepResult {
  const content = input.content;
  if (!prior || !content || prior.alerts === false) return { replies: [], state: prior, events: [] };
  // Only `lastAlert`, `screen` and `offered` change, each replaced whole: a shallow copy keeps `prior`
  // untouched without the deep copy, which a broadcast would pay once per resident.
  const turn = new Turn(flows, env, { ...prior, screen: screenAfterAlert(prior.screen) });
  const { state } = turn;
  const choices = [];
  const knownType = content.scamType !== undefined && flows.bankTypes.has(content.scamType);
  if (knownType) choices.push({ payload: payload.practice(content.scamType!), label: turn.t('alert.try') });
  const lesson = content.lessonId ? flows.byId.get(content.lessonId) : undefined;
  if (lesson) choices.push({ payload: payload.lesson(lesson.flow.id), label: localize(lesson.flow.title, state.locale) });
  choices.push(...turn.wayBack());
  // "UBND <place>" (the official's People's Committee) is said in the resident's language.
  const place = /^UBND (.+)$/.exec(content.from)?.[1];
  const from = place ? turn.t('alert.from_committee', { place }) : content.from;
  const lines = [turn.t('alert.header', { from }), localize(content.text, state.locale)];
  if (knownType) lines.push(turn.t('alert.try_line'));
  else if (lesson) lines.push(turn.t('alert.lesson_line'));
  turn.say(lines.join('\n\n'), { choices, ...(content.image ? { image: content.image } : {}) });
  state.lastAlert = { id: input.alertId, at: env.now, ...(knownType ? { scamType: content.scamType } : {}) };
  turn.emit({ type: 'alert_shown', alertId: input.alertId });
  return { replies: turn.replies, state, events: turn.events };
}

/** The alert a practice opened now answers to, if the resident came from one recently. */
export function alertBehind(state: ResidentState, scamType: string | undefined, now: number): string | undefined {
  const last = state.lastAlert;
  if (!last || !scamType || last.scamType !== scamType || now - last.at > ALERT_FOLLOW_UP_MS) return undefined;
  return last.id;
}
