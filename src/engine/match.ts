/**
 * Placing what a resident typed: a button payload, a number, a label or synonym, an everyday
 * yes/no, a global command. Returns `undefined` when it cannot tell, never a guess between two.
 */
import type { Locale } from '../flows/schema.js';
import { containsWords, normalizeAnswer, plain } from './normalize.js';
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
const NUMBER_PREFIXES = ['so', 'cau', 'chon', 'dap an', 'y', 'number', 'option', 'no'];

/** "2", "2.", "số 2", "câu hai", "option 2" → 2. */
export function numberIn(text: string): number | undefined {
  let s = plain(text);
  for (const prefix of NUMBER_PREFIXES) {
    if (s.startsWith(prefix + ' ')) {
      s = s.slice(prefix.length + 1);
      break;
    }
  }
  if (/^\d{1,2}$/.test(s)) return Number(s);
  return NUMBER_WORDS[s];
}

const NEGATIONS = ['khong', 'ko', 'k', 'chang', 'chua', 'not', 'isn t', 'no'];

function hasNegation(text: string): boolean {
  return NEGATIONS.some((n) => containsWords(text, n));
}

/** Does the normalised input say one of the words listed under `key` (e.g. `words.yes`)? */
export function saysWord(texts: Texts, key: string, input: string): boolean {
  const n = normalizeAnswer(input);
  return n.length > 0 && texts.words(key).some((w) => normalizeAnswer(w) === n);
}

function optionTerms(option: MatchableOption): string[] {
  const terms: string[] = [];
  for (const v of Object.values(option.label)) if (v) terms.push(normalizeAnswer(v));
  for (const list of Object.values(option.synonyms ?? {})) for (const v of list ?? []) terms.push(normalizeAnswer(v));
  return terms.filter(Boolean);
}

/**
 * Which option (0-based) the text picks, or undefined.
 * Order: number, exact label/synonym, yes/no word, whole words inside a longer sentence
 * (unless it is negated), then a unique beginning of a label (≥ 3 letters).
 */
export function matchOption(text: string, options: readonly MatchableOption[], texts: Texts): number | undefined {
  const input = normalizeAnswer(text);
  if (!input) return undefined;

  const n = numberIn(text);
  if (n !== undefined) return n >= 1 && n <= options.length ? n - 1 : undefined;

  const termsByOption = options.map(optionTerms);
  const unique = (hits: number[]) => (hits.length === 1 ? hits[0] : undefined);

  const exact = unique(indexes(termsByOption, (terms) => terms.includes(input)));
  if (exact !== undefined) return exact;

  for (const meaning of ['yes', 'no'] as const) {
    if (saysWord(texts, `words.${meaning}`, text)) {
      const hit = unique(indexes(options, (o) => o.means === meaning));
      if (hit !== undefined) return hit;
    }
  }

  if (!hasNegation(input)) {
    const inside = unique(indexes(termsByOption, (terms) => terms.some((t) => containsWords(input, t))));
    if (inside !== undefined) return inside;
  }

  if (input.length >= 3) {
    const prefix = unique(indexes(termsByOption, (terms) => terms.some((t) => t.startsWith(input))));
    if (prefix !== undefined) return prefix;
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

export const COMMANDS = ['menu', 'help', 'continue', 'restart', 'review', 'check', 'follow', 'alerts', 'area', 'language', 'pause', 'delete'] as const;
export type Command = (typeof COMMANDS)[number];

/** A global command when the whole message is one of its words, in any language. */
export function matchCommand(text: string, texts: Texts): Command | undefined {
  return COMMANDS.find((c) => saysWord(texts, `commands.${c}`, text));
}
