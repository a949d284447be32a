/**
 * The global commands a resident can type anywhere (`menu`, `help`, `continue`, `restart`, `repeat`, `review`,
 * `check`, `follow`, `alerts`, `area`, `address`, `language`, `pause`, `delete`: words in locales/*, `commands`),
 * and the side screens they open (language, delete confirmation) and come back from.
 */
import { askAddress } from './address-setting.js';
import { askArea } from './area.js';
import { askForMessage } from './check.js';
import type { Command } from './match.js';
import { normalizeAnswer, plain } from './normalize.js';
import { payload as makePayload } from './payloads.js';
import { reviewConsent } from './referral.js';
import type { Turn } from './turn.js';

export function runCommand(turn: Turn, command: Command, typed?: string): boolean {
  const { state } = turn;
  switch (command) {
    case 'menu':
      turn.showMenu();
      return false;
    case 'help': {
      turn.say(turn.t('help.text'), { choices: turn.wayBack() });
      return false;
    }
    case 'review':
      turn.openPractice();
      return false;
    case 'follow':
      reviewConsent(turn);
      return false;
    case 'check':
      if (turn.flows.checker) askForMessage(turn);
      else turn.showMenu(turn.t('check.unavailable'));
      return false;
    case 'alerts': {
      // Plain, not normalizeAnswer: every word may be the answer here ("bật", "on").
      const said = typed ? plain(typed) : '';
      if (/\b(tat|off)\b/.test(said)) setAlerts(turn, false);
      else if (/\b(bat|on)\b/.test(said)) setAlerts(turn, true);
      else {
        const now = turn.t(state.alerts ? 'alert.state_on' : 'alert.state_off');
        // On, but without a commune no commune's alert reaches them: say so, and offer to choose it.
        const noArea = state.alerts && !state.area && Boolean(turn.env.areas?.length);
        turn.say([turn.t('alert.ask', { now }), ...(noArea ? [turn.t('alert.no_area')] : [])].join('\n\n'), {
          choices: [
            { payload: makePayload.alerts(true), label: turn.t('alert.on_label') },
            { payload: makePayload.alerts(false), label: turn.t('alert.off_label') },
            ...(noArea ? [{ payload: makePayload.command('area'), label: turn.t('area.choose_label') }] : []),
          ],
        });
      }
      return false;
    }
    case 'area':
      if (turn.env.areas?.length) askArea(turn);
      else turn.showMenu();
      return false;
    case 'address':
      askAddress(turn);
      return false;
    case 'continue':
      if (state.current) turn.resume('lesson.resume');
      else turn.showMenu(turn.t('continue.nothing'));
      return false;
    case 'repeat': {
      // "Xem lại", "quay lại": the step they are on, once more (there is no step before it to go back
      // to in a branching lesson); outside a lesson, the one left unfinished, or the menu.
      const here = state.screen === 'lesson' ? turn.reconcile() : undefined;
      if (here) turn.enter(here.compiled, here.step);
      else if (state.current) turn.resume('lesson.resume');
      else turn.showMenu();
      return false;
    }
    case 'restart': {
      const compiled = state.current && turn.flows.byId.get(state.current.flowId);
      if (!compiled) {
        turn.showMenu(turn.t('lesson.restart_nothing'));
        return false;
      }
      turn.note(turn.t('lesson.restart', { title: turn.text(compiled.flow.title) }));
      turn.startFresh(compiled);
      return false;
    }
    case 'language': {
      const direct = typed ? languageNamed(typed) : undefined;
      state.back = state.screen === 'lesson' ? 'lesson' : 'menu';
      if (direct) {
        setLanguage(turn, direct);
        return false;
      }
      state.screen = 'language';
      turn.say(turn.t('language.ask'), {
        choices: LANGUAGE_OPTIONS.map((o) => ({ payload: makePayload.language(o.locale), label: o.label.vi })),
      });
      return false;
    }
    case 'pause':
      state.screen = 'menu';
      turn.say(turn.t(state.current ? 'pause.done' : 'pause.nothing'), {
        choices: state.current ? turn.continueChoices() : [{ payload: makePayload.command('menu'), label: turn.t('buttons.menu') }],
      });
      return false;
    case 'delete':
      if (state.screen !== 'confirm-delete') state.back = state.screen === 'lesson' ? 'lesson' : 'menu';
      state.screen = 'confirm-delete';
      turn.say(turn.t('delete.confirm'), {
        choices: [
          { payload: makePayload.delete(true), label: turn.t('buttons.delete_yes') },
          { payload: makePayload.delete(false), label: turn.t('buttons.delete_no') },
        ],
      });
      return false;
  }
}

export const LANGUAGE_OPTIONS = [
  { locale: 'vi' as const, label: { vi: 'Tiếng Việt' }, synonyms: { vi: ['vietnamese', 'viet', 'vi'] } },
  { locale: 'en' as const, label: { vi: 'English' }, synonyms: { vi: ['tieng anh', 'anh', 'en'] } },
];

function languageNamed(typed: string): 'vi' | 'en' | undefined {
  const n = normalizeAnswer(typed);
  if (['english', 'tieng anh'].includes(n)) return 'en';
  if (['tieng viet', 'vietnamese'].includes(n)) return 'vi';
  return undefined;
}

export function setLanguage(turn: Turn, locale: 'vi' | 'en'): void {
  const { state } = turn;
  state.locale = locale;
  turn.emit({ type: 'language_changed', locale });
  turn.note(turn.t('language.set'));
  goBack(turn);
}

export function confirmDelete(turn: Turn, confirmed: boolean): boolean {
  if (confirmed) {
    turn.replies.length = 0;
    turn.say(turn.t('delete.done'));
    turn.emit({ type: 'data_deleted' });
    return true;
  }
  turn.note(turn.t('delete.cancelled'));
  goBack(turn);
  return false;
}

/** Leave a side screen (language, delete confirmation) for where the resident was. */
function goBack(turn: Turn): void {
  const { state } = turn;
  if (state.back === 'lesson' && state.current) {
    const here = turn.reconcile();
    if (here) {
      state.screen = 'lesson';
      turn.enter(here.compiled, here.step);
    }
    return;
  }
  turn.showMenu();
}

export function setAlerts(turn: Turn, on: boolean): void {
  turn.state.alerts = on;
  turn.emit({ type: 'alerts_changed', on });
  turn.note(turn.t(on ? 'alert.on' : 'alert.off'));
  turn.resumeOrMenu();
}
