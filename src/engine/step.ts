/**
 * The dialogue engine: `step(flows, state, input, env) → { replies, state, events }`.
 * Pure: no I/O, no clock, no randomness of its own (the clock and ids come in `env`).
 *
 * @example
 * const { replies, state } = step(flows, null, { type: 'text', text: 'xin chào' }, env);
 */
import { clonePlain } from './clone.js';
import { confirmDelete, LANGUAGE_OPTIONS, runCommand, setAlerts, setLanguage } from './commands.js';
import { imageFor, type FlowSet } from './flowset.js';
import { hasNegation, matchCommand, matchOption, numberIn, saysInShort, saysWord, saysYesOrNo, type Command } from './match.js';
import { normalizeAnswer, readAs } from './normalize.js';
import { parsePayload, payload as makePayload, type Payload } from './payloads.js';
import { MAX_OFFERED, newResident, type ResidentState } from './state.js';
import type { StepInput } from './steps/behaviour.js';
import { behaviourOf } from './steps/registry.js';
import { showAlert } from './alerts.js';
import { onAreaText, setArea } from './area.js';
import { answerOffer, answerReport, askForMessage, askReport, reportAnswered, checkAndSay, looksForwarded, looksPasted, offerCheck, soundsLikeScam } from './check.js';
import { answerConsent, consentUnanswered, onReferral, queueLesson } from './referral.js';
import { openByWords } from './openers.js';
import { formAskedFor, inferAddress, setAddress, takeAddressFromLink } from './address-setting.js';
import { answerCourtesy, asideIn, kindWordFor, replyWhileAskedToPaste, stepClaims } from './asides.js';
import { Turn } from './turn.js';
import type { Env, Input, Reply, StepResult } from './types.js';

/** After this long away, "tiếp"/"continue" shows the step again instead of skipping past it. */
export const WELCOME_BACK_AFTER_MS = 6 * 60 * 60 * 1000;

/** A review reminder is not sent to someone who was chatting this recently: it would interrupt. */
export const REMINDER_QUIET_MS = 30 * 60 * 1000;
/** "Con xem giúp mẹ tin nhắn này có phải lừa đảo không": longer than the other short replies. */
const CHECK_INTENT_MAX_WORDS = 14;

export function step(flows: FlowSet, prior: ResidentState | null, input: Input, env: Env): StepResult {
  const result = stepOnce(flows, prior, input, env);
  // A changed state is this turn's own copy, never `prior` itself.
  if (result.state && result.state !== prior) rememberOffered(result.state, result.replies);
  return result;
}

function rememberOffered(state: ResidentState, replies: readonly Reply[]): void {
  const offered = offeredAfter(replies);
  if (offered) state.offered = offered;
  else delete state.offered;
}

/** Buttons that answer a lesson's step, which the step places itself (its synonyms, yes/no words, `means`). */
const STEP_PAYLOADS = new Set(['option', 'next', 'skip']);

/**
 * What a typed number picks from after these replies (`ResidentState.offered`): the last reply's
 * choices, unless they are a lesson step's own. So also mid-lesson after an alert, or a side
 * question such as "alerts on or off?": it is what the resident sees last. The alert lane, which
 * writes a broadcast's states without a turn each, keeps it the same way.
 */
export function offeredAfter(replies: readonly Reply[]): ResidentState['offered'] {
  const choices = replies.at(-1)?.choices;
  if (!choices?.length || choices.some((c) => STEP_PAYLOADS.has(parsePayload(c.payload)?.type ?? ''))) return undefined;
  return choices.slice(0, MAX_OFFERED).map(({ payload, label }) => ({ payload, label }));
}

function stepOnce(flows: FlowSet, prior: ResidentState | null, input: Input, env: Env): StepResult {
  if (input.type === 'reminder') return remind(flows, prior, env);
  if (input.type === 'alert') return showAlert(flows, prior, input, env);
  const isNew = prior === null;
  const state: ResidentState = prior ? clonePlain(prior) : newResident(env.now, env.defaultLocale, env.newId());
  const away = env.now - state.lastActive;
  state.lastActive = env.now;
  state.turns += 1;
  if (env.displayName && !state.name) state.name = env.displayName;
  const turn = new Turn(flows, env, state);

  takeAddressFromLink(turn, input);
  if (isNew) {
    turn.emit({ type: 'resident_joined' });
    turn.say(turn.t('welcome', { name: turn.name() }));
  }

  const deleted = dispatch(turn, input, { isNew, away });
  if (deleted) return { replies: turn.replies, state: null, events: turn.events };
  const replies = turn.replies.map((r) => (r.image ? { ...r, image: imageFor(flows, r.image, turn.state.locale) } : r));
  return { replies, state: turn.state, events: turn.events };
}

/** A short follow-up offering the due reviews; says nothing when there is nothing due or the resident is busy. */
function remind(flows: FlowSet, prior: ResidentState | null, env: Env): StepResult {
  if (!prior || env.now - prior.lastActive < REMINDER_QUIET_MS) return { replies: [], state: prior, events: [] };
  const turn = new Turn(flows, env, clonePlain(prior));
  const due = turn.reviewsDue();
  if (due === 0) return { replies: [], state: prior, events: [] };
  turn.say(turn.t('review.reminder', { count: due, name: turn.name() }), {
    choices: [
      { payload: makePayload.command('review'), label: turn.t('review.now') },
      { payload: makePayload.command('menu'), label: turn.t('buttons.menu') },
    ],
  });
  turn.emit({ type: 'review_reminded', due });
  return { replies: turn.replies, state: turn.state, events: turn.events };
}

interface TurnFacts {
  isNew: boolean;
  away: number;
}

/** Returns true when the resident's data is to be deleted. */
function dispatch(turn: Turn, input: Exclude<Input, { type: 'reminder' | 'alert' }>, facts: TurnFacts): boolean {
  // Whether a text is a command is asked on most screens: worked out once.
  const command = input.type === 'text' ? matchCommand(input.text, turn.env.texts) : undefined;
  // A typed number or label from the list just shown counts as a tap on that button.
  const parsed = input.type === 'payload' ? parsePayload(input.payload) : input.type === 'text' ? pickOffered(turn, input.text, command) : undefined;
  // A message kept for a report lives only until the consent answer: any other turn forgets it.
  const answersReport = parsed?.type === 'report' || (turn.state.screen === 'report' && input.type === 'text' && reportAnswered(turn, input.text, command) !== undefined);
  if (!answersReport) delete turn.state.pendingReport;
  // So does a message offered a check (unmasked: it may hold others' numbers) until "check it?" is answered.
  const answersOffer = parsed?.type === 'check' || (turn.state.screen === 'check-offer' && input.type === 'text' && offerAnswered(turn, input.text, command) !== undefined);
  if (!answersOffer) delete turn.state.pendingCheck;
  if (input.type === 'referral') {
    onReferral(turn, input);
    return false;
  }
  if (input.type === 'start') {
    if (turn.state.current && !facts.isNew) turn.resume('continue.welcome_back');
    else turn.showMenu();
    return false;
  }
  if (parsed) return onPayload(turn, parsed);
  // A payload that is none of ours (a platform's own, or typed-looking) is read as text.
  if (input.type === 'payload') return onText(turn, input.payload, facts, matchCommand(input.payload, turn.env.texts));
  return onText(turn, input.text, facts, command);
}

function onPayload(turn: Turn, p: Payload): boolean {
  switch (p.type) {
    case 'command':
      return runCommand(turn, p.command);
    case 'language':
      setLanguage(turn, p.locale);
      return false;
    case 'address':
      setAddress(turn, p.form);
      return false;
    case 'delete':
      return confirmDelete(turn, p.confirm);
    case 'lesson':
      turn.openLesson(p.flowId);
      return false;
    case 'practice':
      turn.openPractice(p.scamType);
      return false;
    case 'consent':
      answerConsent(turn, p.follow);
      return false;
    case 'queue':
      queueLesson(turn, p.flowId);
      return false;
    case 'area':
      setArea(turn, p.index);
      return false;
    case 'alerts':
      setAlerts(turn, p.on);
      return false;
    case 'check':
      answerOffer(turn, p.yes);
      return false;
    case 'report':
      if (p.answer === 'ask') askReport(turn);
      else answerReport(turn, p.answer === 'yes');
      return false;
    default: {
      const current = turn.state.current;
      if (!current || turn.placeId() !== p.stepId) {
        // A tap on an older message: show where the resident really is.
        if (current) {
          turn.note(turn.t('lesson.stale_button'));
          const here = turn.reconcile();
          if (here) turn.enter(here.compiled, here.step);
        } else turn.showMenu();
        return false;
      }
      turn.state.screen = 'lesson';
      answerStep(turn, { type: 'payload', payload: p });
      return false;
    }
  }
}

function onText(turn: Turn, text: string, facts: TurnFacts, command: Command | undefined): boolean {
  const { state } = turn;

  // "Bị lừa rồi": what to do now, before any step's answer or any question left open (openers.ts).
  if (!command && openByWords(turn, text)) return false;
  // "Gọi tôi là bác": the form of address, from anywhere. "Bác không hiểu": the resident calls themselves
  // "bác", so the bot becomes their "cháu" from this very answer on (unless they chose otherwise).
  const asked = command ? undefined : formAskedFor(text);
  if (asked) {
    setAddress(turn, asked);
    return false;
  }
  inferAddress(turn, text);

  if (state.screen === 'confirm-delete') {
    if (saysWord(turn.env.texts, 'words.yes', text)) return confirmDelete(turn, true);
    if (!command) return confirmDelete(turn, false);
  }
  if (state.screen === 'check' && !command && text.trim()) {
    // "Dạ", "thôi", "không biết dán", "chờ chút": a reply to the question, not the message to check.
    const reply = replyWhileAskedToPaste(turn, text);
    if (reply === 'leave') turn.showMenu();
    else if (reply === 'explain') askForMessage(turn, turn.t('check.how_to_paste'));
    else checkAndSay(turn, text);
    return false;
  }
  if (state.screen === 'check-offer') {
    const yes = offerAnswered(turn, text, command);
    if (yes !== undefined) {
      answerOffer(turn, yes);
      return false;
    }
  }
  if (state.screen === 'report') {
    const yes = reportAnswered(turn, text, command);
    if (yes !== undefined) {
      answerReport(turn, yes);
      return false;
    }
    state.screen = 'menu';
  }
  if (state.screen === 'area' && !command) {
    onAreaText(turn, text);
    return false;
  }
  if (state.screen === 'consent' && !command) {
    const yes = saysWord(turn.env.texts, 'words.yes', text);
    if (yes || saysWord(turn.env.texts, 'words.no', text)) answerConsent(turn, yes);
    else consentUnanswered(turn, saysWord(turn.env.texts, 'words.next', text));
    return false;
  }
  if (state.screen === 'language') {
    const index = matchOption(text, LANGUAGE_OPTIONS, turn.env.texts);
    if (index !== undefined) {
      setLanguage(turn, LANGUAGE_OPTIONS[index]!.locale);
      return false;
    }
  }

  const lessonHere = state.screen === 'lesson' ? turn.reconcile() : undefined;
  if (state.screen === 'lesson' && !lessonHere) return false; // the lesson is gone; the menu was shown

  if (lessonHere?.moved && !command) {
    // The resident has not seen the step they were moved to: show it rather than apply the answer to it.
    turn.enter(lessonHere.compiled, lessonHere.step);
    return false;
  }

  // "tiếp" on a message step moves on, unless the resident has been away long enough to need the step again.
  const saysNext = saysWord(turn.env.texts, 'words.next', text);
  if (lessonHere && saysNext && facts.away >= WELCOME_BACK_AFTER_MS) {
    turn.resume('continue.welcome_back');
    return false;
  }
  if (lessonHere?.step.kind === 'message' && saysNext) {
    answerStep(turn, { type: 'text', text });
    return false;
  }

  // A command word that is this step's own answer ("kiểm tra" among a lesson's accepted answers) answers it.
  if (command && !(lessonHere && stepClaims(lessonHere.step, text))) return runCommand(turn, command, text);

  if (lessonHere) {
    answerStep(turn, { type: 'text', text });
    return false;
  }
  // A message someone received and wonders about (even as the very first thing a resident sends):
  // forwarded-looking, or a sentence with warning signs in it.
  if (turn.flows.checker && looksForwarded(text)) {
    offerCheck(turn, text);
    return false;
  }
  if (facts.isNew) {
    if (soundsLikeScam(turn, text)) offerCheck(turn, text);
    else turn.showMenu();
    return false;
  }
  // "tiếp", "ok", "👍" outside a lesson: go on with the lesson left unfinished (the menu's first button).
  if (saysNext) return runCommand(turn, 'continue');
  // "Tin này có phải lừa đảo không cháu": asking for a check in their own words (outside a lesson, where
  // the same words may answer a quiz).
  if (turn.flows.checker && !looksPasted(text) && saysInShort(turn.env.texts, 'words.check_intent', text, CHECK_INTENT_MAX_WORDS)) {
    askForMessage(turn);
    return false;
  }
  if (turn.pickFromMenu(text)) return false;
  if (soundsLikeScam(turn, text)) {
    offerCheck(turn, text);
    return false;
  }
  // Not lost: confused (the help), thankful or greeting (a word back).
  const aside = asideIn(turn.env.texts, text);
  if (aside === 'confused') return runCommand(turn, 'help');
  if (answerCourtesy(turn, aside)) return false;
  state.menuMisses += 1;
  turn.emit({ type: 'input_not_understood', where: 'menu' });
  const misses = state.menuMisses;
  turn.showMenu(turn.t('hint.menu'));
  state.menuMisses = misses;
  return false;
}

/**
 * What a typed text picks from the last list shown outside a lesson step (`state.offered`; on the
 * menu of a state kept before there was one, the menu's own): a number, or a label's words. Where
 * the resident is asked to type free text (a message to check, a commune's name) or a long message
 * was pasted, only a number, so that words of the text never pass for a label. Alerts on or off
 * take a yes or a no too. Deleting data is only ever confirmed by "yes" or its button.
 */
function pickOffered(turn: Turn, text: string, command: Command | undefined): Payload | undefined {
  const { state } = turn;
  // Mid-lesson only after a reply that was not the step's (an alert, a side question); the step's own clear them.
  if ((state.screen === 'lesson' && !state.offered) || state.screen === 'confirm-delete' || command) return undefined;
  const offered = state.offered ?? (state.screen === 'menu' ? turn.menuChoices() : undefined);
  if (!offered?.length) return undefined;
  const freeText = state.screen === 'check' || state.screen === 'area' || looksForwarded(text);
  if (freeText && numberIn(text) === undefined) return undefined;
  const index = matchOption(text, offered.map((c) => ({ label: { [turn.locale]: c.label }, means: meansOf(c.payload) })), turn.env.texts);
  return index === undefined ? undefined : parsePayload(offered[index]!.payload);
}

/** "Bật hay tắt?" answered "có", "ừ", "không", "thôi": on is the yes, off the no. */
function meansOf(raw: string): 'yes' | 'no' | undefined {
  const p = parsePayload(raw);
  return p?.type === 'alerts' ? (p.on ? 'yes' : 'no') : undefined;
}

/**
 * "Mình kiểm tra giúp nhé?" answered: a yes or a no, or the check asked for in words ("kiểm tra",
 * "ừ kiểm tra đi cháu"; not "không cần kiểm tra"); undefined for anything else.
 */
function offerAnswered(turn: Turn, text: string, command: Command | undefined): boolean | undefined {
  // The message is gone (a turn in between that was no answer): "kiểm tra" then asks for one.
  if (!turn.state.pendingCheck) return undefined;
  if (command === 'check') return true;
  const said = saysYesOrNo(turn.env.texts, text, command);
  if (said !== undefined || command) return said;
  return !hasNegation(readAs(text)) && saysInShort(turn.env.texts, 'commands.check', text) ? true : undefined;
}

/** Hand the input to the current step and act on the outcome. */
function answerStep(turn: Turn, input: StepInput): void {
  const here = turn.reconcile();
  if (!here) return;
  const { compiled, step: current } = here;
  const behaviour = behaviourOf(current);
  const outcome = behaviour.answer(current, input, turn, compiled);
  const progress = turn.state.current!;
  switch (outcome.type) {
    case 'advance':
      turn.replies.push(...outcome.replies);
      turn.advance(compiled, current, outcome.to);
      return;
    case 'stay':
      progress.misses = 0;
      turn.replies.push(...outcome.replies);
      return;
    case 'unplaced': {
      // A message pasted mid-lesson (a link, or long) that is no answer here: they want it checked; the lesson waits.
      if (input.type === 'text' && turn.flows.checker && looksForwarded(input.text)) {
        offerCheck(turn, input.text);
        return;
      }
      // "Không hiểu": reassured; "cảm ơn", "chào cháu": answered. Then the step again, never a step towards the menu.
      const kindWord = input.type === 'text' ? kindWordFor(turn, input.text, current.kind) : undefined;
      if (kindWord) {
        turn.say(kindWord);
        turn.enter(compiled, current);
        return;
      }
      // A sticker, a photo (an empty message) or an emoji alone: the resident is here, not lost; no step towards the menu.
      // So is an acknowledgment ("dạ", "ok") of what was said before the question.
      const blank = input.type === 'text' && (!normalizeAnswer(input.text) || saysWord(turn.env.texts, 'words.ack', input.text));
      if (!blank) progress.misses += 1;
      turn.emit({ type: 'input_not_understood', where: `${compiled.flow.id}/${current.id}` });
      if (progress.misses >= 2) {
        // Two answers in a row the bot could not place: offer the way out rather than insist.
        progress.misses = 0;
        turn.showMenu(turn.t('hint.lost'));
        return;
      }
      const shown = behaviour.show(current, turn);
      turn.say(turn.t(behaviour.hintKeyFor?.(current, turn) ?? behaviour.hintKey), shown.choices ? { choices: shown.choices } : {});
      return;
    }
  }
}

