/**
 * "Is this a scam?" in the conversation: a command or menu button asks for the message; outside a
 * lesson, something that looks forwarded (a link, or a long text) is offered a check. The verdict
 * comes from the explainable checker (src/checker/): how risky, which signs with the exact words,
 * what to do now, and the lesson that teaches this scam.
 */
import { checkMessage } from '../checker/check.js';
import type { Verdict } from '../checker/types.js';
import { localize } from './text.js';
import { payload } from './payloads.js';
import type { Turn } from './turn.js';
import type { Choice } from './types.js';

/** Longer than this, or with a link, a message outside a lesson looks forwarded. */
const FORWARDED_LENGTH = 80;
const MAX_CHECKED = 2000;
const LINKISH = /(https?:\/\/|hxxps?:\/\/|www\.|\b[a-z0-9-]+\s?(\.|\[\.\]|\(dot\))\s?(com|vn|net|org|info|xyz|top|example|link|site|online|shop)\b)/i;

export function looksForwarded(text: string): boolean {
  return text.length >= FORWARDED_LENGTH || LINKISH.test(text);
}

export function askForMessage(turn: Turn): void {
  turn.state.screen = 'check';
  turn.say(turn.t('check.ask'), { choices: [{ payload: payload.command('menu'), label: turn.t('buttons.menu') }] });
}

/** Outside a lesson: "shall I check this?", keeping the text until the answer. */
export function offerCheck(turn: Turn, text: string): void {
  turn.state.screen = 'check-offer';
  turn.state.pendingCheck = text.slice(0, MAX_CHECKED);
  turn.say(turn.t('check.offer'), {
    choices: [
      { payload: payload.check(true), label: turn.t('check.yes_label') },
      { payload: payload.command('menu'), label: turn.t('buttons.menu') },
    ],
  });
}

export function answerOffer(turn: Turn, yes: boolean): void {
  const text = turn.state.pendingCheck;
  delete turn.state.pendingCheck;
  if (yes && text) checkAndSay(turn, text);
  else turn.showMenu();
}

function riskLine(turn: Turn, v: Verdict): string {
  return turn.t(`check.risk_${v.risk}`);
}

export function checkAndSay(turn: Turn, text: string): void {
  const rules = turn.flows.checker;
  delete turn.state.pendingCheck;
  if (!rules) {
    turn.showMenu(turn.t('check.unavailable'));
    return;
  }
  const verdict = checkMessage(text.slice(0, MAX_CHECKED), rules, { alerts: turn.env.activeAlerts ?? [] });
  const lines = [riskLine(turn, verdict)];
  const warnings = verdict.signals.filter((s) => s.weight > 0);
  const genuine = verdict.signals.filter((s) => s.weight < 0);
  if (warnings.length) lines.push(turn.t('check.signs'), ...warnings.map((s) => `• ${localize(s.reason, turn.locale)} («${s.evidence.slice(0, 80)}»)`));
  if (genuine.length && verdict.risk === 'low') lines.push(turn.t('check.genuine_signs'), ...genuine.map((s) => `• ${localize(s.reason, turn.locale)}`));
  lines.push('', localize(verdict.advice, turn.locale));
  const choices: Choice[] = [];
  const lesson = verdict.lesson ? turn.flows.byId.get(verdict.lesson) : undefined;
  if (lesson) {
    lines.push(turn.t('check.lesson', { title: localize(lesson.flow.title, turn.locale) }));
    choices.push({ payload: payload.lesson(lesson.flow.id), label: localize(lesson.flow.title, turn.locale) });
  }
  choices.push({ payload: payload.command('check'), label: turn.t('check.again_label') });
  choices.push({ payload: payload.command('menu'), label: turn.t('buttons.menu') });
  turn.state.screen = 'menu';
  turn.emit({ type: 'message_checked', risk: verdict.risk, signals: verdict.signals.map((s) => s.id), ...(verdict.scamType ? { scamType: verdict.scamType } : {}) });
  turn.say(lines.join('\n'), { choices });
}
