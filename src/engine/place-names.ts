/**
 * A place as residents type it, read against the deployment's communes: a commune's name with or
 * without its kind ("xã", "phường"), its province however it is written ("Hà Nội", "Hanoi", "HN",
 * "tp Hà Nội", "tỉnh Lào Cai"), and the district that addresses still name out of habit although the
 * 2025 reform removed districts ("xã Ba Vì, huyện Ba Vì, Hà Nội": read past).
 *
 * @example
 * readPlace('xã Ba Vì, huyện Ba Vì, Hà Nội', areas); // → { found: [3] }
 * readPlace('Hanoi', areas);                        // → { province: '01' }
 */
import { containsWords, readAs } from './normalize.js';
import type { CommuneOption } from './types.js';

/** What was read: a province alone (its communes are then asked for), or the communes it may be (none, one, several). */
export type PlaceRead = { province: string } | { found: number[] };

const PREFIXES = /^(xa|phuong|thi tran|tt|x|p|commune|ward)\.?\s+/;
/** "Ba Vi commune", "Ba Dinh ward": the English way puts the word after the name. */
const SUFFIXES = /\s+(commune|ward|town)$/;
/** "Tôi ở …", "nhà bác ở …", "I live in …": said before the name, not part of it. */
const SAID_BEFORE = /^(?:(?:toi|bac|em|chau|con|minh|nha toi|nha bac|nha em|nha con|nha minh|gia dinh toi)\s+(?:dang\s+)?(?:song\s+)?(?:o|tai)|(?:i|we)\s+(?:live|am|m|are)\s+(?:in|at|from)|(?:i m|i am|we re|we are)\s+from)\s+/;
/** A village inside the commune ("thôn 3", "xóm Đông", "bản Pả Vi"): said first, not part of the commune's name. */
const VILLAGE = /^(?:thon|xom|ban|ap|to)\s+\S+\s+(?=(?:xa|phuong|thi tran)\s)/;
/** The words of a place that say what kind it is, left out to compare places ("xã Bát Xát, tỉnh Lào Cai" → "bat xat lao cai"). */
const KINDS = /\b(?:xa|phuong|thi tran|thi xa|tinh|thanh pho|tp|huyen|quan|commune|ward|town|province|district|city)\b/g;
/** A province's kind, before its name ("tỉnh", "thành phố", "tp") or after it in English ("Hanoi city"). */
const PROVINCE_BEFORE = /^(?:tinh|thanh pho|tp)\s+/;
const PROVINCE_AFTER = /\s+(?:province|city)$/;
/** The province's kind left at the end once its name is taken off ("xã Ba Vì, tp | Hà Nội"). */
const PROVINCE_KIND_LEFT = /\s+(?:tinh|thanh pho|tp)$/;
/** A district after the commune: from its kind word (or "h.", "q.", "tx") to the end ("xã Ba Vì | huyện Ba Vì"). */
const DISTRICT_AFTER = /^(.+?)\s+(?:huyen|quan|thi xa|thanh pho|tp|h|q|tx)\s+\S.*$/;
/** In English the kind follows the name: "Ba Vi commune, Ba Vi district". */
const COMMUNE_THEN_MORE = /^(.+?)\s+(?:commune|ward|town)\s+\S.*$/;
/** A district named alone, with no commune before it. */
const DISTRICT_ONLY = /^(?:huyen|quan|thi xa|district)\s+\S/;
const COMMUNE_KIND_ONLY = /^(?:xa|phuong|thi tran|tt|x|p)$/;

/**
 * Polite words around a place ("dạ Ba Vì ạ", "Ba Vì cháu ạ", "Lào Cai nhé", "đang ở Lào Cai"), dropped
 * only when the words as typed name nothing: they are syllables of names too ("Hà Nội", "Ngọc Hà",
 * "Nha Trang", "Ô Diên"), as are `normalizeAnswer`'s particles.
 */
const POLITE_BEFORE = /^(?:(?:da|vang|thua|dang|o|tai)\s+)+/;
const POLITE_AFTER = /(?:\s+(?:a|nhe|nha|nhi|oi|voi|chau|con|em|bac|please|cam on|thanks))+$/;

const plainName = (name: string) => readAs(name).replace(PREFIXES, '').replace(SUFFIXES, '').trim();
const placeWords = (text: string) => readAs(text).replace(KINDS, ' ').replace(/\s+/g, ' ').trim();

interface Province {
  code: string;
  /** The ways it is typed: its name without its kind ("ha noi"), run together ("hanoi"), its aliases, and "tp" run on ("tphn"). */
  forms: Set<string>;
  communes: number[];
}

/** The list read once per list (the app keeps one for its lifetime). */
interface PlaceIndex {
  names: string[];
  places: string[];
  provinces: Map<string, Province>;
}

const indexes = new WeakMap<readonly CommuneOption[], PlaceIndex>();

function indexOf(areas: readonly CommuneOption[]): PlaceIndex {
  const known = indexes.get(areas);
  if (known) return known;
  const provinces = new Map<string, Province>();
  areas.forEach((a, i) => {
    let p = provinces.get(a.ref.province);
    if (!p) provinces.set(a.ref.province, (p = { code: a.ref.province, forms: provinceForms(a.province), communes: [] }));
    p.communes.push(i);
  });
  const index = { names: areas.map((a) => plainName(a.name)), places: areas.map((a) => placeWords(a.place)), provinces };
  indexes.set(areas, index);
  return index;
}

function provinceForms(province: CommuneOption['province']): Set<string> {
  const forms = new Set<string>();
  for (const name of [province.name, ...(province.aliases ?? [])]) {
    const form = readAs(name).replace(PROVINCE_BEFORE, '');
    if (!form) continue;
    const joined = form.replace(/ /g, '');
    forms.add(form).add(joined).add(`tp${joined}`);
  }
  return forms;
}

/** The province the whole text names ("tp Hà Nội", "Hanoi city", "HN"), if it names one and nothing more. */
function provinceNamed(index: PlaceIndex, said: string): string | undefined {
  const bare = said.replace(PROVINCE_BEFORE, '').replace(PROVINCE_AFTER, '');
  for (const p of index.provinces.values()) if (p.forms.has(bare)) return p.code;
  return undefined;
}

/** A province named at the end ("…, Hà Nội") or at the start ("Hà Nội, Ba Vì") of more words: the province and those words. */
function splitProvince(index: PlaceIndex, said: string): { province: Province; rest: string } | undefined {
  const text = said.replace(PROVINCE_AFTER, '');
  let best: { province: Province; rest: string; length: number } | undefined;
  for (const p of index.provinces.values()) {
    for (const form of p.forms) {
      if (best && form.length <= best.length) continue;
      if (text.endsWith(` ${form}`)) best = { province: p, rest: text.slice(0, -form.length - 1).replace(PROVINCE_KIND_LEFT, ''), length: form.length };
      else if (text.startsWith(`${form} `)) best = { province: p, rest: text.slice(form.length + 1), length: form.length };
    }
  }
  return best && { province: best.province, rest: best.rest.trim() };
}

/** The commune's part of an address that goes on to its district ("xa ba vi huyen ba vi" → "xa ba vi"); "" for a district alone. */
function communePart(text: string): string {
  if (DISTRICT_ONLY.test(text)) return '';
  for (const pattern of [COMMUNE_THEN_MORE, DISTRICT_AFTER]) {
    const before = pattern.exec(text)?.[1];
    // "xã Quan Sơn" is a commune's name, not a commune kind followed by a district ("quận"): kept whole.
    if (before && !COMMUNE_KIND_ONLY.test(before)) return before;
  }
  return text;
}

/** Among `within`, the communes named `wanted` exactly, else those whose name begins with it. */
function named(index: PlaceIndex, wanted: string, within: readonly number[]): number[] {
  const exact = within.filter((i) => index.names[i] === wanted);
  return exact.length > 0 ? exact : within.filter((i) => index.names[i]!.startsWith(wanted));
}

/**
 * What a resident typed for their commune. `within`: the province they named a moment ago, whose
 * communes come first. A name that is a province's as well as a commune's ("Lào Cai") is read as
 * the province unless said as the commune ("phường Lào Cai"): which commune of it is then asked.
 */
export function readPlace(typed: string, areas: readonly CommuneOption[], within?: string): PlaceRead {
  const index = indexOf(areas);
  const whole = readAs(typed);
  const read = readSaid(index, whole, within);
  const polite = whole.replace(POLITE_BEFORE, '').replace(POLITE_AFTER, '');
  return 'province' in read || read.found.length > 0 || polite === whole ? read : readSaid(index, polite, within);
}

function readSaid(index: PlaceIndex, text: string, within: string | undefined): PlaceRead {
  const said = text.replace(SAID_BEFORE, '').replace(VILLAGE, '');
  const province = provinceNamed(index, said);
  if (province) return { province };
  const wanted = plainName(said);
  if (wanted.length < 2) return { found: [] };
  const all = index.names.map((_, i) => i);
  const first = within ? index.provinces.get(within)?.communes : undefined;
  if (first) {
    const found = named(index, wanted, first);
    if (found.length > 0) return { found };
  }
  const exact = all.filter((i) => index.names[i] === wanted);
  if (exact.length > 0) return { found: exact };
  const split = splitProvince(index, said);
  if (split) {
    const commune = plainName(communePart(split.rest));
    // "huyện Sóc Sơn, Hà Nội": a district alone; which of its communes is theirs is asked, not guessed.
    if (!commune || COMMUNE_KIND_ONLY.test(commune)) return { province: split.province.code };
    return { found: commune.length < 2 ? [] : named(index, commune, split.province.communes) };
  }
  const commune = plainName(communePart(said));
  if (commune !== wanted && commune.length >= 2) {
    const found = named(index, commune, all);
    if (found.length > 0) return { found };
  }
  // Else whose place (commune, district, province) holds what they typed ("lung cu dong van").
  const words = placeWords(wanted);
  return { found: all.filter((i) => index.names[i]!.startsWith(wanted) || (words !== '' && containsWords(index.places[i]!, words))) };
}

/** The province's communes, for listing them; the name that shows it ("Tỉnh Lào Cai"). */
export function provinceCommunes(areas: readonly CommuneOption[], code: string): number[] {
  return indexOf(areas).provinces.get(code)?.communes ?? [];
}

/** The communes named exactly as the province is ("Phường Lào Cai" for "Lào Cai"). */
export function namedLikeProvince(areas: readonly CommuneOption[], code: string): number[] {
  const index = indexOf(areas);
  const forms = index.provinces.get(code)?.forms;
  return forms ? areas.flatMap((_, i) => (forms.has(index.names[i]!) ? [i] : [])) : [];
}

/** Do all these communes have the same name (one name, several places), rather than names that only begin alike? */
export function sameName(areas: readonly CommuneOption[], found: readonly number[]): boolean {
  const index = indexOf(areas);
  return found.every((i) => index.names[i] === index.names[found[0]!]);
}
