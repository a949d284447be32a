/**
 * The resident's commune, so officials' alerts reach the right people: asked once after the
 * welcome (typed by name, with or without diacritics, "xã"/"phường" optional), skippable, and
 * changeable with a command; a coach's link gives the coach's commune.
 */
import { saysInShort, saysWord } from './match.js';
import { namedLikeProvince, provinceCommunes, readPlace, sameName } from './place-names.js';
import { parsePayload, payload } from './payloads.js';
import type { Turn } from './turn.js';
import type { Choice } from './types.js';

/** More places than this are not listed: the resident is asked to type the name instead. */
const MAX_LISTED = 9;

const withoutKind = (name: string) => name.replace(/^(xã|phường|thị trấn)\s+/i, '');

/** Ask for the commune; `choices` (e.g. the lesson suggestions just shown) stay tappable instead of "Skip". */
export function askArea(turn: Turn, choices?: readonly Choice[]): void {
  turn.state.screen = 'area';
  turn.state.menuMisses = 0;
  delete turn.state.areaProvince;
  // The example is a name from the deployment's own list, so that it is one the bot knows.
  const first = turn.env.areas?.[0];
  const example = first ? withoutKind(first.name) : 'An Bình';
  turn.say(turn.t('area.ask', { example }), {
    choices: choices?.length ? [...choices] : [{ payload: payload.command('menu'), label: turn.t('buttons.skip') }],
  });
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
  const read = readPlace(text, areas, turn.state.areaProvince);
  if ('province' in read) {
    askCommuneOf(turn, read.province);
    return;
  }
  const { found } = read;
  // "Bác không nhớ tên xã mới", "để sau nhé cháu": no place, but an answer all the same.
  if (found.length === 0 && ['words.skip', 'words.no'].some((key) => saysInShort(texts, key, text))) {
    leaveArea(turn);
    return;
  }
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
  listPlaces(turn, turn.t(sameName(areas, found) ? 'area.which' : 'area.which_like'), found);
}

/**
 * A province understood (named alone, or with a district only): its communes are asked for, and
 * the next answer is looked for there first. Listed when they are few; else those named like the
 * province ("Phường Lào Cai" for "Lào Cai"), so that the ward is one tap away but never taken unasked.
 */
function askCommuneOf(turn: Turn, code: string): void {
  const areas = turn.env.areas ?? [];
  const communes = provinceCommunes(areas, code);
  const first = areas[communes[0]!]!;
  turn.state.areaProvince = code;
  const province = first.province.name;
  const listed = communes.length <= MAX_LISTED ? communes : namedLikeProvince(areas, code);
  if (listed.length > 0 && listed.length <= MAX_LISTED) listPlaces(turn, turn.t('area.province_list', { province }), listed);
  else turn.say(turn.t('area.province', { province, example: withoutKind(first.name) }), { choices: keptChoices(turn) });
}

/** The places numbered under `heading`; none of them may be theirs: the way out (Skip, or the lesson's suggestions) comes after. */
function listPlaces(turn: Turn, heading: string, found: readonly number[]): void {
  const areas = turn.env.areas ?? [];
  const lines = found.map((i, n) => `${n + 1}. ${areas[i]!.place}`);
  turn.say(`${heading}\n${lines.join('\n')}`, {
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
  delete turn.state.areaProvince;
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
  delete turn.state.areaProvince;
  turn.emit({ type: 'area_set', province: option.ref.province, ...(option.ref.commune ? { commune: option.ref.commune } : {}) });
  turn.note(turn.t('area.saved', { place: option.place }));
  turn.resumeOrMenu();
}
