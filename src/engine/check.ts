/**
 * "Is this a scam?" in the conversation: a command or menu button asks for the message; outside a
 * lesson, something that looks forwarded (a link, or a long text) is offered a check. The verdict
 * comes from the explainable checker (src/checker/), in this order: how risky; the officials' alert
 * it matches, with its date; which signs, with the exact words; what to do now; the lesson that
 * teaches this scam. Then the buttons: that lesson, "Report to officials", check another, menu.
 *
 * Reporting: the verdict keeps the message, masked, in the resident's state; "Report to officials"
 * says what is shared (the masked message) and with whom (officials of their area) and asks once
 * per report; "yes" emits `report_made`, which the shell stores after the commit. Any other turn
 * forgets the kept message.
 */
import { checkMessage } from '../checker/check.js';
import type { ActiveAlert, Verdict } from '../checker/types.js';
import { hasMaskOrDigits, maskText } from '../reports/mask.js';
import { dayOf } from '../reports/time.js';
import type { Locale } from '../flows/schema.js';
import { addressed, DEFAULT_ADDRESS } from './address.js';
import { hasNegation, saysInShort, saysYesOrNo, type Command } from './match.js';
import { readAs } from './normalize.js';
import { localize } from './text.js';
import { payload } from './payloads.js';
import type { PendingReport } from './state.js';
import type { Turn } from './turn.js';
import type { Choice } from './types.js';

/** Reports one resident may send officials a day (Vietnam time); more is likely a mistake or abuse. */
export const REPORTS_PER_DAY = 20;

/** Longer than this, or with a link, a message outside a lesson looks forwarded. */
export const FORWARDED_LENGTH = 80;
const MAX_CHECKED = 2000;
const LINKISH = /(https?:\/\/|hxxps?:\/\/|www\.|\b[a-z0-9-]+\s?(\.|\[\.\]|\(dot\))\s?(com|vn|net|org|info|xyz|top|example|link|site|online|shop)\b)/i;

export function looksForwarded(text: string): boolean {
  return text.length >= FORWARDED_LENGTH || LINKISH.test(text);
}

/** A phone number, even spaced ("0900 000 123", "+84 912…"). */
const PHONE = /(?:\+?84|\b0)(?:[\s.-]?\d){8,10}\b/;
/** A sender's tag ("[NH-ABC]", "(BHXH)") opening the text, or a bank's "quý khách": written by an organisation, or posing as one. */
const SENDER = /^\s*[[(][^\])]{2,24}[\])]|\bqu[yý] kh[aá]ch\b/iu;

/** A message received and pasted, not the resident's own words: a link, a phone number, a sender's tag. */
export function looksPasted(text: string): boolean {
  return LINKISH.test(text) || PHONE.test(text) || SENDER.test(text);
}

/** Fewer words than this is a greeting or an answer, not a message to check. */
const MIN_WORDS_TO_CHECK = 5;

/**
 * A typed-looking message worth offering a check: a sentence in which the checker already finds
 * warning signs ("Con ơi mẹ đổi số mới, chuyển giúp mẹ 5 triệu…" is short and has no link).
 */
export function soundsLikeScam(turn: Turn, text: string): boolean {
  const rules = turn.flows.checker;
  if (!rules || text.trim().split(/\s+/).length < MIN_WORDS_TO_CHECK) return false;
  return checkMessage(text.slice(0, MAX_CHECKED), rules, { alerts: turn.env.activeAlerts ?? [] }).risk !== 'low';
}

/** Ask for the message to check (`lead`: said first, e.g. how to paste one). */
export function askForMessage(turn: Turn, lead?: string): void {
  turn.state.screen = 'check';
  turn.say([...(lead ? [lead] : []), turn.t('check.ask')].join('\n\n'), { choices: [{ payload: payload.command('menu'), label: turn.t('buttons.menu') }] });
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

const ALERT_SIGNAL = 'alert:';
const MAX_REPORT_PHRASES = 5;
const MAX_PREVIEW = 400;

/** `20/11/2026` in Vietnam time (UTC+7), as residents read dates in either language. */
export function alertDate(ms: number): string {
  const d = new Date(ms + 7 * 60 * 60 * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** "This matches an alert sent by officials on <date>: <title>", one line per matched alert. */
function alertLines(turn: Turn, v: Verdict): string[] {
  const byId = new Map<string, ActiveAlert>((turn.env.activeAlerts ?? []).map((a) => [a.id, a]));
  return v.signals
    .filter((s) => s.id.startsWith(ALERT_SIGNAL))
    .flatMap((s) => {
      const alert = byId.get(s.id.slice(ALERT_SIGNAL.length));
      if (!alert) return [];
      const title = localize(alert.title, turn.locale);
      return [alert.sentAt !== undefined ? turn.t('check.alert_match', { date: alertDate(alert.sentAt), title }) : turn.t('check.alert_match_undated', { title })];
    });
}

/** A sign's reason as officials read it: in the neutral form of address ("bạn"), whoever reported it. */
function forOfficials(reason: string, locale: Locale): string {
  return addressed(reason, DEFAULT_ADDRESS, locale).slice(0, 300);
}

/** What a report of this message would carry: the message masked, and what the checker found. */
function pendingReport(text: string, v: Verdict): PendingReport {
  const phrases: string[] = [];
  for (const s of v.signals) {
    if (s.weight <= 0 || s.id.startsWith('link.') || s.id.startsWith(ALERT_SIGNAL)) continue;
    const words = maskText(s.evidence).text.trim();
    if (words.length < 3 || words.length > 60 || hasMaskOrDigits(words)) continue;
    if (!phrases.some((p) => p.toLowerCase() === words.toLowerCase())) phrases.push(words);
    if (phrases.length >= MAX_REPORT_PHRASES) break;
  }
  return {
    text: maskText(text).text.slice(0, MAX_CHECKED),
    risk: v.risk,
    ...(v.scamType ? { scamType: v.scamType } : {}),
    signals: v.signals
      .filter((s) => s.weight > 0)
      .slice(0, 12)
      .map((s) => ({ id: s.id.slice(0, 80), vi: forOfficials(s.reason.vi, 'vi'), en: forOfficials(s.reason.en, 'en') })),
    domains: [...new Set(v.links.filter((l) => l.verdict !== 'official').map((l) => l.host))].slice(0, 10),
    phrases,
  };
}

export function checkAndSay(turn: Turn, text: string): void {
  const rules = turn.flows.checker;
  delete turn.state.pendingCheck;
  if (!rules) {
    turn.showMenu(turn.t('check.unavailable'));
    return;
  }
  const checked = text.slice(0, MAX_CHECKED);
  const verdict = checkMessage(checked, rules, { alerts: turn.env.activeAlerts ?? [] });
  if (verdict.nothingToCheck) {
    // "🙂" or "??": no message to judge. Ask for it again rather than say it shows no sign of a scam.
    turn.state.screen = 'check';
    turn.say(turn.t('check.nothing'), { choices: [{ payload: payload.command('menu'), label: turn.t('buttons.menu') }] });
    return;
  }
  const lines = [riskLine(turn, verdict), ...alertLines(turn, verdict)];
  const warnings = verdict.signals.filter((s) => s.weight > 0 && !s.id.startsWith(ALERT_SIGNAL));
  const genuine = verdict.signals.filter((s) => s.weight < 0);
  // Below the medium threshold the headline says there is no clear sign of a scam, so the few signs found
  // are not announced as "the signs I found" (which reads as a verdict of its own) but as things to keep in mind.
  const signsTitle = verdict.risk === 'low' ? 'check.signs_low' : 'check.signs';
  if (warnings.length) lines.push(turn.t(signsTitle), ...warnings.map((s) => `• ${turn.text(s.reason)} («${s.evidence.slice(0, 80)}»)`));
  if (genuine.length && verdict.risk === 'low') lines.push(turn.t('check.genuine_signs'), ...genuine.map((s) => `• ${turn.text(s.reason)}`));
  lines.push('', turn.text(verdict.advice));
  // Checked in the middle of a lesson: going back to it comes first.
  const choices: Choice[] = turn.continueChoices();
  const lesson = verdict.lesson ? turn.flows.byId.get(verdict.lesson) : undefined;
  if (lesson) {
    lines.push(turn.t('check.lesson', { title: localize(lesson.flow.title, turn.locale) }));
    choices.push({ payload: payload.lesson(lesson.flow.id), label: localize(lesson.flow.title, turn.locale) });
  }
  choices.push({ payload: payload.report('ask'), label: turn.t('report.button') });
  choices.push({ payload: payload.command('check'), label: turn.t('check.again_label') });
  choices.push({ payload: payload.command('menu'), label: turn.t('buttons.menu') });
  turn.state.screen = 'menu';
  turn.state.pendingReport = pendingReport(checked, verdict);
  turn.emit({ type: 'message_checked', risk: verdict.risk, signals: verdict.signals.map((s) => s.id), ...(verdict.scamType ? { scamType: verdict.scamType } : {}) });
  turn.say(lines.join('\n'), { choices });
}

// ── Reporting to officials ──────────────────────────────────────────────────────────────────

/** Who will see a report: officials of the resident's commune (named), or of every area when it is not known. */
function whoSees(turn: Turn): string {
  const area = turn.state.area;
  if (!area) return turn.t('report.who_unknown');
  const same = (x: string | undefined, y: string | undefined) => (x ?? '') === (y ?? '');
  const option = turn.env.areas?.find((a) => a.ref.province === area.province && same(a.ref.district, area.district) && same(a.ref.commune, area.commune));
  return option ? turn.t('report.who_area', { place: option.place }) : turn.t('report.who_own');
}

/** "Report to officials": say what is shared and with whom, and ask (once for this report). */
export function askReport(turn: Turn): void {
  const pending = turn.state.pendingReport;
  if (!pending) {
    turn.showMenu(turn.t('report.nothing'));
    return;
  }
  const preview = pending.text.length > MAX_PREVIEW ? `${pending.text.slice(0, MAX_PREVIEW)}…` : pending.text;
  turn.state.screen = 'report';
  turn.say(turn.t('report.consent', { who: whoSees(turn), text: preview }), {
    choices: [
      { payload: payload.report('yes'), label: turn.t('report.yes_label') },
      { payload: payload.report('no'), label: turn.t('report.no_label') },
    ],
  });
}

/**
 * A typed answer to "report it to officials?": a yes or a no, or the words of sending ("gửi đi", "có
 * gửi"; "không gửi", "đừng gửi" say no: `words.send_not`). Undefined for anything else, which forgets the message: its
 * consent is asked for this one message, and only a clear answer gives it.
 */
export function reportAnswered(turn: Turn, text: string, command: Command | undefined): boolean | undefined {
  const said = saysYesOrNo(turn.env.texts, text, command);
  if (said !== undefined || command) return said;
  // "đừng" folds to "dung" ("đúng", right) without its marks: not sending is listed as such.
  if (saysInShort(turn.env.texts, 'words.send_not', text, SEND_MAX_WORDS)) return false;
  if (!saysInShort(turn.env.texts, 'words.send', text, SEND_MAX_WORDS)) return undefined;
  return !hasNegation(readAs(text));
}
/** "Thôi không gửi nữa đâu cháu ạ": a longer message is about something else. */
const SEND_MAX_WORDS = 6;

/** The consent answer: yes reports the kept message; either way it is forgotten. */
export function answerReport(turn: Turn, yes: boolean): void {
  const pending = turn.state.pendingReport;
  delete turn.state.pendingReport;
  if (!pending) {
    turn.showMenu(turn.t('report.nothing'));
    return;
  }
  if (!yes) {
    turn.showMenu(turn.t('report.not_sent'));
    return;
  }
  // The limit officials' report store also holds (src/reports/store.ts): said here, so that a report
  // over it is not thanked as sent.
  const day = dayOf(turn.env.now);
  const sent = turn.state.reportsToday?.day === day ? turn.state.reportsToday.n : 0;
  if (sent >= REPORTS_PER_DAY) {
    turn.showMenu(turn.t('report.limited', { count: REPORTS_PER_DAY }));
    return;
  }
  turn.state.reportsToday = { day, n: sent + 1 };
  turn.emit({ type: 'report_made', report: pending });
  turn.showMenu(turn.t('report.sent'));
}
