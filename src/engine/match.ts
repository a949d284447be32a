/**
 * Placing what a resident typed: a button payload, a number, a label or synonym, an everyday
 * yes/no, a global command. Returns `undefined` when it cannot tell, never a guess between two.
 */
import type { Locale } from '../flows/schema.js';
import { containsWords, labelForms, normalizeAnswer, plain, readAs } from './normalize.js';
import type { Texts } from './types.js';

export interface MatchableOption {
  label: Partial<Record<Locale, string>>;
  synonyms?: Partial<Record<Locale, string[]>> | undefined;
  means?: 'yes' | 'no' | undefined;
}

const NUMBER_WORDS: Record<string, number> = {
  mot: 1, hai: 2, ba: 3, bon: 4, tu: 4, nam: 5, sau: 6, bay: 7, tam: 8, chin: 9,
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  first: 1, second: 2, third: 3,
};
const NUMBER_PREFIXES = ['bai so', 'cau so', 'chon so', 'so', 'cau', 'chon', 'bai', 'dap an', 'y', 'number', 'option'];

/**
 * "2", "2.", "số 2", "câu hai", "bài 3", "option 2", "no. 2" → 2; a digit with polite words around it
 * too ("3 ạ", "dạ số 3 nhé"), a number word only alone ("bà ơi" is no "ba", three).
 */
export function numberIn(text: string): number | undefined {
  const asTyped = numberAfterPrefix(plain(text));
  if (asTyped !== undefined) return asTyped;
  const polite = numberAfterPrefix(normalizeAnswer(text));
  return polite !== undefined && /\d/.test(text) ? polite : undefined;
}

function numberAfterPrefix(typed: string): number | undefined {
  let s = typed;
  const prefix = NUMBER_PREFIXES.find((p) => s.startsWith(p + ' '));
  if (prefix) s = s.slice(prefix.length + 1);
  // "No. 2" is a number; "no one" is not (it is "nobody"): "no" only before digits.
  if (/^no \d/.test(s)) s = s.slice(3);
  if (/^\d{1,2}$/.test(s)) return Number(s);
  return NUMBER_WORDS[s];
}

/** Words that turn a sentence around ("I'd never pay", "don't confirm"), as `plain` writes them. */
export const NEGATIONS: readonly string[] = [
  'khong', 'ko', 'k', 'chang', 'chua',
  'not', 'no', 'never', 'isn t', 'aren t', 'wasn t', 'don t', 'dont', 'doesn t', 'didn t', 'won t', 'wont', 'wouldn t', 'wouldnt',
  'can t', 'cant', 'couldn t', 'shouldn t', 'haven t', 'hasn t', 'havent',
];

export function hasNegation(text: string): boolean {
  return NEGATIONS.some((n) => containsWords(text, n));
}

/**
 * Terms that stand inside a longer text for their option: all of them, but where the text is
 * negated only those that are negated themselves ("don't tap" inside "I don't tap it"; never "tap"),
 * and never a bare negation ("không" is not the option "No" inside "không biết").
 */
export function saidInside(input: string, term: string): boolean {
  if (NEGATIONS.includes(term)) return false;
  return containsWords(input, term) && (!hasNegation(input) || hasNegation(term));
}

/**
 * Vietnamese words that, without their diacritics, are everyday English words: "thật" (genuine) is
 * "that". In an English speaker's sentence ("that's a scam") they are not taken for the option.
 */
export const FOLDS_TO_ENGLISH: ReadonlySet<string> = new Set(['that']);

/**
 * A word list in one normal form, made once per list: the lists are the locales' (Texts keeps one
 * array per key), and several are tried on every text turn.
 */
function inForm(form: (word: string) => string): (list: readonly string[]) => readonly string[] {
  const made = new WeakMap<readonly string[], readonly string[]>();
  return (list) => {
    let out = made.get(list);
    if (!out) made.set(list, (out = list.map(form)));
    return out;
  };
}
const answerForms = inForm(normalizeAnswer);
const readForms = inForm(readAs);

/** Does the normalised input say one of the words listed under `key` (e.g. `words.yes`)? */
export function saysWord(texts: Texts, key: string, input: string): boolean {
  const n = normalizeAnswer(input);
  return n.length > 0 && answerForms(texts.words(key)).includes(n);
}

/** A typed yes or no (and not a command); undefined for anything else. */
export function saysYesOrNo(texts: Texts, text: string, command: Command | undefined): boolean | undefined {
  if (command) return undefined;
  if (saysWord(texts, 'words.yes', text)) return true;
  if (saysWord(texts, 'words.no', text)) return false;
  return undefined;
}

/** Longer than this, a message is about something, not only "I don't understand" or "thank you". */
const SHORT_MAX_WORDS = 8;

/**
 * A short message holding one of the words listed under `key`: "dạ tôi chưa hiểu lắm" says
 * `words.confused`, "cảm ơn cháu nhé" `words.thanks`. Every word kept ("cảm ơn" is the point here).
 */
export function saysInShort(texts: Texts, key: string, input: string, maxWords = SHORT_MAX_WORDS): boolean {
  const typed = readAs(input);
  if (!typed || typed.split(' ').length > maxWords) return false;
  return readForms(texts.words(key)).some((w) => containsWords(typed, w));
}

export function optionTerms(option: MatchableOption): string[] {
  const terms: string[] = [];
  for (const v of Object.values(option.label)) if (v) terms.push(...labelForms(v));
  for (const list of Object.values(option.synonyms ?? {})) for (const v of list ?? []) terms.push(...labelForms(v));
  return terms.filter(Boolean);
}

/**
 * Which option (0-based) the text picks, or undefined.
 * Order: number, exact label/synonym, yes/no word, whole words inside a longer sentence
 * (a negated sentence only through a negated term: `saidInside`), then a unique beginning of a
 * label (≥ 3 letters) whose words no other option holds. `locale`: the resident's, where their
 * language matters (see FOLDS_TO_ENGLISH).
 */
export function matchOption(text: string, options: readonly MatchableOption[], texts: Texts, locale?: Locale): number | undefined {
  const input = normalizeAnswer(text);
  if (!input) return undefined;
  // Every word as typed too: a particle may be the label's own ("Tin A" typed, or "tin A ạ").
  const typed = readAs(text);

  const n = numberIn(text);
  if (n !== undefined) return n >= 1 && n <= options.length ? n - 1 : undefined;

  const termsByOption = options.map(optionTerms);
  const unique = (hits: number[]) => (hits.length === 1 ? hits[0] : undefined);

  const exact = unique(indexes(termsByOption, (terms) => terms.includes(input) || terms.includes(typed)));
  if (exact !== undefined) return exact;

  for (const meaning of ['yes', 'no'] as const) {
    if (saysWord(texts, `words.${meaning}`, text)) {
      const hit = unique(indexes(options, (o) => o.means === meaning));
      if (hit !== undefined) return hit;
    }
  }

  const insideTerms = locale === 'en' ? termsByOption.map((terms) => terms.filter((t) => !FOLDS_TO_ENGLISH.has(t))) : termsByOption;
  const inside = unique(indexes(insideTerms, (terms) => terms.some((t) => saidInside(typed, t))));
  if (inside !== undefined) return inside;

  if (input.length >= 3) {
    const prefix = unique(indexes(termsByOption, (terms) => terms.some((t) => t.startsWith(input))));
    // "vneid" begins "VNeID mức 2" but is a word of "Giấy tờ trên VNeID" too: no unique beginning.
    if (prefix !== undefined && !indexes(termsByOption, (terms) => terms.some((t) => containsWords(t, input))).some((i) => i !== prefix)) return prefix;
  }
  return undefined;
}

function indexes<T>(items: readonly T[], test: (item: T) => boolean): number[] {
  const out: number[] = [];
  items.forEach((item, i) => {
    if (test(item)) out.push(i);
  });
  return out;
}

export const COMMANDS = ['menu', 'help', 'continue', 'restart', 'repeat', 'review', 'check', 'follow', 'alerts', 'area', 'address', 'language', 'pause', 'delete'] as const;
export type Command = (typeof COMMANDS)[number];

/** A global command when the whole message is one of its words, in any language. */
export function matchCommand(text: string, texts: Texts): Command | undefined {
  return COMMANDS.find((c) => saysWord(texts, `commands.${c}`, text));
}
