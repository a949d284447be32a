/**
 * One turn's working memory: the resident's state being changed, and the replies and events
 * collected on the way. Created and thrown away inside `step()`, so the engine stays pure.
 */
import type { Locale, Step } from '../flows/schema.js';
import type { CompiledFlow, FlowSet } from './flowset.js';
import { stepAfter } from './flowset.js';
import { matchOption, numberIn } from './match.js';
import { containsWords, normalizeAnswer, readAs } from './normalize.js';
import { payload } from './payloads.js';
import type { Progress, ResidentState } from './state.js';
import { behaviourOf } from './steps/registry.js';
import { alertBehind } from './alerts.js';
import { askArea } from './area.js';
import { afterAnswer, bankItemOf, dueItems, isScheduled } from './review.js';
import { fill, localize } from './text.js';
import { addressed, DEFAULT_ADDRESS, type AddressForm } from './address.js';
import type { Choice, EngineEvent, Env, Reply } from './types.js';

/** Steps shown back to back without waiting (message steps with `wait: false`) stop here. */
const MAX_CHAIN = 20;

/** "Học …", "bài …", "cho bác học bài …", "dạy tôi về …", "I want to learn …": said before the words of a lesson's title. */
const ASKING_FOR_A_LESSON =
  /^(?:(?:cho |de )?(?:toi |minh |bac |em |con |chau |me |bo |ong |ba )?(?:muon |can |xin )?(?:hoc|xem|mo|day(?: \S+)?)(?: bai)?(?: hoc)?(?: ve| cach)?|bai(?: hoc)?(?: ve)?|(?:i want to )?(?:learn|open)(?: about)?|lesson(?: about)?)\s+/;
/** More lessons than this holding the words: the menu says it better. */
const MAX_HOLDING = 4;

export class Turn {
  readonly replies: Reply[] = [];
  readonly events: EngineEvent[] = [];

  constructor(
    readonly flows: FlowSet,
    readonly env: Env,
    public state: ResidentState,
  ) {}

  get locale(): Locale {
    return this.state.locale;
  }

  /** How the resident is addressed (xưng hô). */
  get form(): AddressForm {
    return this.state.address?.form ?? DEFAULT_ADDRESS;
  }

  t(key: string, vars?: Record<string, string | number>): string {
    return this.env.texts.t(this.locale, key, vars, this.form);
  }

  /** The resident's name, or the word they are addressed by ("bạn", "bác"). */
  name(): string {
    return this.state.name ?? this.t('default_name');
  }

  say(text: string, extra: Omit<Reply, 'text'> = {}): void {
    this.replies.push({ text, ...extra });
  }

  /** Add text in front of the next reply, or as its own reply when nothing follows. */
  note(text: string): void {
    this.replies.push({ text });
  }

  emit(event: EngineEvent): void {
    this.events.push(event);
  }

  /** Variables available to flow texts. */
  vars(progress?: Progress | null): Record<string, string | number> {
    const p = progress ?? this.state.current;
    const compiled = p ? this.flows.byId.get(p.flowId) : undefined;
    return {
      name: this.name(),
      right: p?.right ?? 0,
      total: p?.total ?? 0,
      lesson: compiled ? localize(compiled.flow.title, this.locale) : '',
      ...(p?.vars ?? {}),
    };
  }

  /** A text of the lessons, quiz bank or checker, in the resident's language and form of address, its variables filled. */
  text(t: { vi: string; en?: string | undefined }): string {
    const template = addressed(localize(t, this.locale), this.form, this.locale);
    return template.includes('{{') ? fill(template, this.vars()) : template;
  }

  // ── Menu ────────────────────────────────────────────────────────────────────────────────

  /** Questions due for review now, quiz-bank items and lessons' own (0 when there is nowhere to practise them). */
  reviewsDue(): number {
    return this.flows.practiceFlowId ? dueItems(this.state, this.flows, this.env.now).length : 0;
  }

  /** "▶ Học tiếp" when a lesson is left unfinished; none otherwise. */
  continueChoices(): Choice[] {
    return this.state.current ? [{ payload: payload.command('continue'), label: this.t('menu.continue_label') }] : [];
  }

  /** The way back from a side reply (help, thanks): the lesson left unfinished, then the menu. */
  wayBack(): Choice[] {
    return [...this.continueChoices(), { payload: payload.command('menu'), label: this.t('buttons.menu') }];
  }

  menuChoices(): Choice[] {
    const choices: Choice[] = this.continueChoices();
    const due = this.reviewsDue();
    if (due > 0) choices.push({ payload: payload.command('review'), label: this.t('menu.review_label', { count: due }) });
    for (const c of this.flows.list) {
      choices.push({ payload: payload.lesson(c.flow.id), label: localize(c.flow.title, this.locale) });
    }
    if (this.flows.checker) choices.push({ payload: payload.command('check'), label: this.t('check.menu_label') });
    return choices;
  }

  showMenu(lead?: string): void {
    this.state.screen = 'menu';
    this.state.menuMisses = 0;
    if (this.flows.list.length === 0) {
      this.say([lead, this.t('menu.empty')].filter(Boolean).join('\n\n'));
      return;
    }
    const lines: string[] = [];
    if (lead) lines.push(lead, '');
    const current = this.state.current && this.flows.byId.get(this.state.current.flowId);
    if (current) lines.push(this.t('menu.continue_line', { title: localize(current.flow.title, this.locale) }));
    const due = this.reviewsDue();
    if (due > 0) lines.push(this.t('menu.review_line', { count: due }));
    lines.push(this.t('menu.title'));
    // The list is the buttons, numbered alike: where a channel shows only the list (Zalo with more
    // than 5 choices), the number typed is the button's (see `offered` in the state).
    const choices = this.menuChoices();
    const finished = new Set(Object.keys(this.state.completed).map((id) => payload.lesson(id)));
    choices.forEach((c, i) => {
      lines.push(this.t('menu.item', { n: i + 1, title: c.label, mark: finished.has(c.payload) ? this.t('menu.done_mark') : '' }));
    });
    this.say(lines.join('\n'), { choices });
  }

  /**
   * A lesson's title typed outside a lesson (a number means the list last shown, see `step`), or words
   * of titles ("tiền điện", "qr", "vneid", "học vneid"): the one lesson holding them opens; a few are
   * offered (one of them opened unasked would hide the others: `matchOption` takes no beginning of a
   * title for it when another title holds the words).
   */
  pickFromMenu(text: string): boolean {
    if (numberIn(text) !== undefined) return false;
    const options = this.flows.list.map((c) => ({ label: c.flow.title }));
    const index = matchOption(text, options, this.env.texts);
    const picked = index === undefined ? undefined : this.flows.list[index];
    if (picked) {
      this.openLesson(picked.flow.id);
      return true;
    }
    const words = normalizeAnswer(text).replace(ASKING_FOR_A_LESSON, '');
    if (words.length < 2) return false;
    const holding = this.flows.list.filter((c) => Object.values(c.flow.title).some((t) => t && containsWords(readAs(t), words)));
    if (holding.length === 1) this.openLesson(holding[0]!.flow.id);
    else if (holding.length > 1 && holding.length <= MAX_HOLDING) {
      this.say(this.t('menu.title'), {
        choices: [
          ...holding.map((c) => ({ payload: payload.lesson(c.flow.id), label: localize(c.flow.title, this.locale) })),
          { payload: payload.command('menu'), label: this.t('buttons.menu') },
        ],
      });
    } else return false;
    return true;
  }

  // ── Lessons ─────────────────────────────────────────────────────────────────────────────

  openLesson(flowId: string): void {
    this.state.queue = this.state.queue.filter((id) => id !== flowId);
    const compiled = this.flows.byId.get(flowId);
    if (!compiled) {
      this.showMenu(this.t('lesson.unknown'));
      return;
    }
    const current = this.state.current;
    if (current && current.flowId === flowId) {
      this.resume('lesson.resume');
      return;
    }
    if (current) this.state.paused[current.flowId] = current;
    const paused = this.state.paused[flowId];
    if (paused) {
      delete this.state.paused[flowId];
      this.state.current = { ...paused, ...returnTo(current) };
      this.resume('lesson.resume');
      return;
    }
    this.startFresh(compiled, returnTo(current));
  }

  /**
   * The practice lesson (the first with a quiz-draw step), started afresh so its draw puts the due
   * reviews first; `scamType` narrows the questions to one type.
   */
  openPractice(scamType?: string): void {
    const compiled = this.flows.practiceFlowId ? this.flows.byId.get(this.flows.practiceFlowId) : undefined;
    if (!compiled) {
      this.showMenu(this.t('lesson.no_practice'));
      return;
    }
    const current = this.state.current;
    const over = current && current.flowId !== compiled.flow.id ? current : undefined;
    if (over) this.state.paused[over.flowId] = over;
    delete this.state.paused[compiled.flow.id];
    const known = scamType !== undefined && this.flows.bankTypes.has(scamType);
    const alertId = known ? alertBehind(this.state, scamType, this.env.now) : undefined;
    if (alertId) this.emit({ type: 'alert_quiz_opened', alertId, scamType: scamType! });
    this.startFresh(compiled, { ...(known ? { scamType: scamType! } : {}), ...(alertId ? { alertId } : {}), ...returnTo(over) });
  }

  /** Start a lesson at its first step; `from`: the scam type and alert it answers to, the lesson it was opened over. */
  startFresh(compiled: CompiledFlow, from: { scamType?: string; alertId?: string; returnTo?: string } = {}): void {
    const first = compiled.steps[0]!;
    this.state.current = {
      flowId: compiled.flow.id,
      flowVersion: compiled.flow.version,
      stepId: first.id,
      stepIndex: 0,
      right: 0,
      total: 0,
      misses: 0,
      tries: 0,
      vars: {},
      startedAt: this.env.now,
      ...from,
    };
    this.state.screen = 'lesson';
    this.emit({ type: 'lesson_started', flowId: compiled.flow.id, flowVersion: compiled.flow.version, resumed: false });
    this.enter(compiled, first);
  }

  /** Show the current step again, after a notice ("we go on with …"). */
  resume(noticeKey: string): void {
    const here = this.reconcile();
    if (!here) return;
    this.state.screen = 'lesson';
    this.note(this.t(noticeKey, { title: localize(here.compiled.flow.title, this.locale) }));
    this.emit({ type: 'lesson_started', flowId: here.compiled.flow.id, flowVersion: here.compiled.flow.version, resumed: true });
    this.enter(here.compiled, here.step);
  }

  /** After a side question (commune, alerts, consent…): back to the lesson left open, or the menu. */
  resumeOrMenu(): void {
    if (this.state.current) this.resume('lesson.resume');
    else this.showMenu();
  }

  /**
   * Find the resident's place in the lesson as it is now. A lesson edited under a resident
   * (step removed or renamed) puts them at the same position, or the nearest one, with a notice;
   * a lesson removed altogether sends them to the menu. Returns undefined when there is no lesson.
   */
  reconcile(): { compiled: CompiledFlow; step: Step; moved: boolean } | undefined {
    const p = this.state.current;
    if (!p) return undefined;
    const compiled = this.flows.byId.get(p.flowId);
    if (!compiled) {
      this.emit({ type: 'lesson_moved', flowId: p.flowId, fromStep: p.stepId, toStep: null });
      this.state.current = null;
      this.showMenu(this.t('lesson.gone'));
      return undefined;
    }
    const index = compiled.indexOf.get(p.stepId);
    if (index !== undefined) {
      p.flowVersion = compiled.flow.version;
      p.stepIndex = index;
      return { compiled, step: compiled.steps[index]!, moved: false };
    }
    const nearest = Math.min(p.stepIndex, compiled.steps.length - 1);
    const step = compiled.steps[nearest]!;
    this.emit({ type: 'lesson_moved', flowId: p.flowId, fromStep: p.stepId, toStep: step.id });
    this.note(this.t('lesson.moved', { title: localize(compiled.flow.title, this.locale) }));
    Object.assign(p, { flowVersion: compiled.flow.version, stepId: step.id, stepIndex: nearest, misses: 0, tries: 0 });
    return { compiled, step, moved: true };
  }

  /** Make `step` the current one and show it; follows `wait: false` messages and ends the lesson at an end step. */
  enter(compiled: CompiledFlow, step: Step, chain = 0): void {
    const p = this.state.current;
    if (!p) return;
    // Showing the same step again (after a pause, an old button) keeps its drawn questions.
    const again = p.stepId === step.id && p.draw !== undefined;
    Object.assign(p, { stepId: step.id, stepIndex: compiled.indexOf.get(step.id) ?? 0, misses: 0, tries: 0 });
    if (!again) delete p.draw;
    this.state.screen = 'lesson';
    const behaviour = behaviourOf(step);
    if (!again && behaviour.onEnter && !behaviour.onEnter(step, this)) {
      // Nothing to ask here (e.g. no quiz-bank items of this type): go straight on.
      if (chain < MAX_CHAIN) this.advanceFrom(compiled, step, chain + 1);
      return;
    }
    this.emit({ type: 'step_shown', flowId: compiled.flow.id, stepId: step.id });
    this.replies.push(behaviour.show(step, this));
    if (step.kind === 'end') {
      this.complete(compiled);
      return;
    }
    if (step.kind === 'message' && !step.wait && chain < MAX_CHAIN) {
      const after = stepAfter(compiled, step);
      if (after) this.enter(compiled, after, chain + 1);
    }
  }

  /** Go on from `step` to its next (or to `target`); a step with nowhere to go ends the lesson. */
  advance(compiled: CompiledFlow, step: Step, target?: string): void {
    this.advanceFrom(compiled, step, 0, target);
  }

  private advanceFrom(compiled: CompiledFlow, step: Step, chain: number, target?: string): void {
    const after = stepAfter(compiled, step, target);
    if (after) {
      this.enter(compiled, after, chain);
      return;
    }
    this.complete(compiled);
  }

  complete(compiled: CompiledFlow): void {
    const p = this.state.current;
    if (!p) return;
    const prior = this.state.completed[compiled.flow.id];
    this.state.completed[compiled.flow.id] = {
      at: this.env.now,
      right: p.right,
      total: p.total,
      times: (prior?.times ?? 0) + 1,
    };
    this.emit({ type: 'lesson_completed', flowId: compiled.flow.id, right: p.right, total: p.total });
    this.state.current = null;
    this.state.screen = 'menu';
    this.takeUpAgain(p.returnTo);
    // After the first lesson, when the resident has seen what the bot is for: their commune, for local alerts.
    if (!this.state.area && !this.state.areaAsked && this.env.areas?.length) {
      this.state.areaAsked = true;
      // On Messenger only the last message keeps its buttons: the lesson's suggestions move down to the question.
      const end = this.replies.at(-1);
      const suggestions = end?.choices;
      if (end) delete end.choices;
      askArea(this, suggestions);
    }
  }

  /**
   * The lesson a finished one was opened over becomes the one in progress again, and the end's
   * message offers to go on with it first ("▶ Học tiếp", the menu's first button too).
   */
  private takeUpAgain(flowId: string | undefined): void {
    const progress = flowId ? this.state.paused[flowId] : undefined;
    if (!flowId || !progress || !this.flows.byId.has(flowId)) return;
    delete this.state.paused[flowId];
    this.state.current = progress;
    const end = this.replies.at(-1);
    const title = localize(this.flows.byId.get(flowId)!.flow.title, this.locale);
    if (end) {
      end.text = `${end.text}\n\n${this.t('menu.continue_line', { title })}`;
      end.choices = [{ payload: payload.command('continue'), label: this.t('menu.continue_label') }, ...(end.choices ?? [])];
    }
  }

  /**
   * Record a scored answer in the lesson's score and the question's history (`key`: `bank/<item>` or
   * `<flow>/<step>`, see engine/review.ts), which schedules its review when it takes part in one.
   */
  score(key: string, correct: boolean): void {
    const p = this.state.current;
    if (p) {
      p.total += 1;
      if (correct) p.right += 1;
    }
    this.state.quiz[key] = afterAnswer(this.state.quiz[key], correct, this.env.now, isScheduled(key, this.flows));
    const itemId = bankItemOf(key);
    if (itemId !== undefined) this.state.lastQuizItem = itemId;
  }

  /** The id buttons of the current question carry: the step id, plus the question's number at a quiz-draw step. */
  placeId(): string | undefined {
    const p = this.state.current;
    if (!p) return undefined;
    return p.draw ? `${p.stepId}.${p.draw.index}` : p.stepId;
  }
}

/** Where a lesson opened over `over` returns to when it ends. */
function returnTo(over: Progress | null | undefined): { returnTo?: string } {
  return over ? { returnTo: over.flowId } : {};
}
