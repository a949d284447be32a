/**
 * The resident's commune, so officials' alerts reach the right people: asked once after the
 * welcome (typed by name, with or without diacritics, "xã"/"phường" optional), skippable, and
 * changeable with a command; a coach's link gives the coach's commune.
 */
import { saysWord } from './match.js';
import { containsWords, normalizeAnswer } from './normalize.js';
import { parsePayload, payload } from './payloads.js';
import type { Turn } from './turn.js';
import type { Choice, CommuneOption } from './types.js';

const PREFIXES = /^(xa|phuong|thi tran|tt|x|p|commune|ward)\.?\s+/;
/** "Ba Vi commune", "Ba Dinh ward": the English way puts the word after the name. */
const SUFFIXES = /\s+(commune|ward|town)$/;
const MAX_LISTED = 9;

const plainName = (name: string) => normalizeAnswer(name).replace(PREFIXES, '').replace(SUFFIXES, '').trim();

/** Ask for the commune; `choices` (e.g. the lesson suggestions just shown) stay tappable instead of "Skip". */
export function askArea(turn: Turn, choices?: readonly Choice[]): void {
  turn.state.screen = 'area';
  turn.state.menuMisses = 0;
  // The example is a name from the deployment's own list, so that it is one the bot knows.
  const first = turn.env.areas?.[0];
  const example = first ? first.name.replace(/^(xã|phường|thị trấn)\s+/i, '') : 'An Bình';
  turn.say(turn.t('area.ask', { example }), {
    choices: choices?.length ? [...choices] : [{ payload: payload.command('menu'), label: turn.t('buttons.skip') }],
  });
}

/** "Tôi ở …", "nhà bác ở …", "I live in …": said before the name, not part of it. */
const SAID_BEFORE = /^(?:(?:toi|bac|em|chau|con|minh|nha toi|nha bac|nha em|nha con|nha minh|gia dinh toi)\s+(?:dang\s+)?(?:song\s+)?(?:o|tai)|(?:i|we)\s+(?:live|am|m|are)\s+(?:in|at|from)|(?:i m|i am|we re|we are)\s+from)\s+/;
/** A village inside the commune ("thôn 3", "xóm Đông", "bản Pả Vi"): said first, not part of the commune's name. */
const VILLAGE = /^(?:thon|xom|ban|ap|to)\s+\S+\s+(?=(?:xa|phuong|thi tran)\s)/;
/** The words of a place that say what kind it is, left out to compare places ("xã Bát Xát, tỉnh Lào Cai" → "bat xat lao cai"). */
const KINDS = /\b(?:xa|phuong|thi tran|thi xa|tinh|thanh pho|tp|huyen|quan|commune|ward|town|province|district|city)\b/g;
const placeWords = (text: string) => normalizeAnswer(text).replace(KINDS, ' ').replace(/\s+/g, ' ').trim();

/**
 * Communes whose name is what the resident typed, or starts with it; else whose place (commune,
 * district, province) holds what they typed ("bat xat lao cai", "Bát Xát, tỉnh Lào Cai").
 */
function matches(typed: string, areas: readonly CommuneOption[]): number[] {
  const wanted = plainName(normalizeAnswer(typed).replace(SAID_BEFORE, '').replace(VILLAGE, ''));
  if (wanted.length < 2) return [];
  const exact = areas.flatMap((a, i) => (plainName(a.name) === wanted ? [i] : []));
  if (exact.length > 0) return exact;
  const words = placeWords(wanted);
  return areas.flatMap((a, i) => (plainName(a.name).startsWith(wanted) || (words && containsWords(placeWords(a.place), words)) ? [i] : []));
}

/** Names not found this many times in a row: the question is left for later («đổi xã»). */
const MAX_MISSES = 2;

/** A typed answer on the area screen: "skip" (or "no", "don't know", "next"), or a commune's name. */
export function onAreaText(turn: Turn, text: string): void {
  const texts = turn.env.texts;
  if (['words.skip', 'words.no', 'words.next'].some((key) => saysWord(texts, key, text))) {
    leaveArea(turn);
    return;
  }
  const areas = turn.env.areas ?? [];
  const found = matches(text, areas);
  if (found.length === 1) {
    setArea(turn, found[0]!);
    return;
  }
  if (found.length === 0 || found.length > MAX_LISTED) {
    turn.state.menuMisses += 1;
    if (turn.state.menuMisses >= MAX_MISSES) {
      leaveArea(turn);
      return;
    }
    turn.say(turn.t(found.length === 0 ? 'area.not_found' : 'area.too_many', { typed: text.trim().slice(0, 60) }), { choices: keptChoices(turn) });
    return;
  }
  // None of them may be theirs: the way out (Skip, or the lesson's suggestions) comes after the places.
  const lines = found.map((i, n) => `${n + 1}. ${areas[i]!.place}`);
  turn.say(`${turn.t('area.which')}\n${lines.join('\n')}`, {
    choices: [...found.map((i, n) => ({ payload: payload.area(i), label: String(n + 1) })), ...keptChoices(turn)],
  });
}

/** The buttons shown with the question (the lesson's suggestions, or Skip), without any list of places. */
function keptChoices(turn: Turn): Choice[] {
  const kept = (turn.state.offered ?? []).filter((c) => parsePayload(c.payload)?.type !== 'area');
  return kept.length ? kept : [{ payload: payload.command('menu'), label: turn.t('buttons.skip') }];
}

/** The commune question left for later: back to the lesson, or the menu. */
function leaveArea(turn: Turn): void {
  turn.note(turn.t('area.later'));
  turn.resumeOrMenu();
}

export function setArea(turn: Turn, index: number): void {
  const option = turn.env.areas?.[index];
  if (!option) {
    askArea(turn);
    return;
  }
  turn.state.area = { ...option.ref };
  turn.emit({ type: 'area_set', province: option.ref.province, ...(option.ref.commune ? { commune: option.ref.commune } : {}) });
  turn.note(turn.t('area.saved', { place: option.place }));
  turn.resumeOrMenu();
}
