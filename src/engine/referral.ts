/**
 * Arriving through a lesson link: who sent it, asking once whether coaches may see progress, and
 * not breaking off a lesson in progress without asking. Also the resident's own link to pass a
 * finished lesson on (the ripple).
 */
import { localize } from './text.js';
import { payload } from './payloads.js';
import { shareCode } from './share.js';
import type { Turn } from './turn.js';
import type { Input, Reply } from './types.js';

type Referral = Extract<Input, { type: 'referral' }>;

const MAX_COACHES = 20;

export function onReferral(turn: Turn, input: Referral): void {
  const { state } = turn;
  const link = input.link;
  const compiled = link ? turn.flows.byId.get(link.lessonId) : undefined;
  if (!link || !compiled) {
    turn.showMenu(turn.t(`referral.${input.invalid ?? 'unknown'}`, { code: input.code }));
    return;
  }
  const first = state.arrivedBy === undefined;
  if (!state.area && link.area?.commune) state.area = { ...link.area };
  if (first) state.arrivedBy = { code: input.code, depth: link.depth, ...(link.coachId ? { coachId: link.coachId } : {}) };
  if (link.coachId && link.depth === 0 && !state.coaches.includes(link.coachId) && state.coaches.length < MAX_COACHES) {
    state.coaches.push(link.coachId);
  }
  if (link.coachId && link.depth === 0) rememberCoachLink(state, input.code, link.coachId);
  turn.emit({ type: 'referral_used', code: input.code, lessonId: link.lessonId, depth: link.depth, first, ...(link.coachId ? { coachId: link.coachId } : {}) });

  const title = localize(compiled.flow.title, turn.locale);
  const intro = link.senderName && link.depth === 0
    ? turn.t('referral.from_coach', { sender: link.senderName, title })
    : turn.t('referral.from_neighbour', { title });

  if (link.senderName && link.depth === 0 && state.consent === undefined) {
    state.pendingLesson = link.lessonId;
    askConsent(turn, `${intro}\n\n${turn.t('consent.ask', { sender: link.senderName })}`);
    return;
  }
  startOrAsk(turn, link.lessonId, intro);
}

/**
 * Which of a coach's links brought the resident, for the coach's view ("came through HS7K3P9Q, nhà bác
 * Tư"): each code once, in the order first opened; past MAX_COACHES the oldest goes, as the newest
 * links are the ones a coach is checking on.
 */
function rememberCoachLink(state: Turn['state'], code: string, coachId: string): void {
  if (state.coachLinks.some((l) => l.code === code)) return;
  state.coachLinks.push({ code, coachId });
  if (state.coachLinks.length > MAX_COACHES) state.coachLinks.splice(0, state.coachLinks.length - MAX_COACHES);
}

/** Open the lesson, unless another is in progress: then ask "now or after it?". */
function startOrAsk(turn: Turn, lessonId: string, intro?: string): void {
  const { state } = turn;
  const current = state.current && turn.flows.byId.get(state.current.flowId);
  const target = turn.flows.byId.get(lessonId);
  if (!target) {
    turn.showMenu();
    return;
  }
  if (current && current.flow.id !== lessonId) {
    const lines = [intro, turn.t('referral.now_or_later', { current: localize(current.flow.title, turn.locale) })].filter(Boolean);
    state.screen = 'menu';
    turn.say(lines.join('\n\n'), {
      choices: [
        { payload: payload.lesson(lessonId), label: turn.t('referral.now') },
        { payload: payload.queue(lessonId), label: turn.t('referral.later') },
      ],
    });
    return;
  }
  if (intro) turn.note(intro);
  turn.openLesson(lessonId);
}

export function askConsent(turn: Turn, text: string): void {
  turn.state.screen = 'consent';
  turn.state.menuMisses = 0;
  turn.say(text, {
    choices: [
      { payload: payload.consent(true), label: turn.t('consent.yes_label') },
      { payload: payload.consent(false), label: turn.t('consent.no_label') },
    ],
  });
}

export function answerConsent(turn: Turn, follow: boolean): void {
  const { state } = turn;
  state.consent = { follow, at: turn.env.now };
  turn.emit({ type: 'consent_changed', follow });
  turn.note(turn.t(follow ? 'consent.thanks_yes' : 'consent.thanks_no'));
  startPendingLesson(turn);
}

/** The consent question is over (answered or left): the coach's lesson it held back, if any. */
function startPendingLesson(turn: Turn): void {
  const pending = turn.state.pendingLesson;
  delete turn.state.pendingLesson;
  if (pending) startOrAsk(turn, pending);
  else turn.resumeOrMenu();
}

/**
 * Something else than yes or no to the consent question: ask once more, saying how to answer; "tiếp"
 * or a second miss starts the coach's lesson at once, the question left for the next link or «theo dõi».
 */
export function consentUnanswered(turn: Turn, saysNext: boolean): void {
  const { state } = turn;
  if (!saysNext && state.menuMisses === 0) {
    askConsent(turn, turn.t('consent.hint'));
    state.menuMisses = 1;
    return;
  }
  state.screen = 'menu';
  startPendingLesson(turn);
}

/** The "follow" command: say where things stand and ask again. */
export function reviewConsent(turn: Turn): void {
  const { state } = turn;
  if (state.coaches.length === 0) {
    turn.showMenu(turn.t('consent.no_coach'));
    return;
  }
  const now = turn.t(state.consent?.follow ? 'consent.state_yes' : 'consent.state_no');
  askConsent(turn, turn.t('consent.ask_again', { now }));
}

export function queueLesson(turn: Turn, lessonId: string): void {
  const { state } = turn;
  const target = turn.flows.byId.get(lessonId);
  if (!target) {
    turn.showMenu();
    return;
  }
  if (!state.queue.includes(lessonId)) state.queue.push(lessonId);
  const current = state.current && turn.flows.byId.get(state.current.flowId);
  turn.note(turn.t('referral.queued', { title: localize(target.flow.title, turn.locale), current: current ? localize(current.flow.title, turn.locale) : '' }));
  turn.resumeOrMenu();
}

/** What the end of a lesson adds: the queued lesson first, and the resident's own link to pass it on. */
export function endExtras(turn: Turn, flowId: string): { lines: string[]; first?: { payload: string; label: string }; link?: Reply['link'] } {
  const { state, env } = turn;
  const out: { lines: string[]; first?: { payload: string; label: string }; link?: Reply['link'] } = { lines: [] };
  const queued = state.queue.find((id) => id !== flowId && turn.flows.byId.has(id));
  if (queued) {
    const title = localize(turn.flows.byId.get(queued)!.flow.title, turn.locale);
    out.lines.push(turn.t('referral.next_queued', { title }));
    out.first = { payload: payload.lesson(queued), label: title };
  }
  if (env.publicUrl) {
    const code = shareCode(state.anonId, flowId);
    const coachId = state.arrivedBy?.coachId ?? state.coaches[0];
    const depth = (state.arrivedBy?.depth ?? 0) + 1;
    out.lines.push(turn.t('share.line', { code }));
    out.link = { url: `${env.publicUrl.replace(/\/$/, '')}/l/${code}`, label: turn.t('share.label') };
    turn.emit({ type: 'share_offered', code, lessonId: flowId, depth, ...(coachId ? { coachId } : {}) });
  }
  return out;
}
