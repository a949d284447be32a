/**
 * Matching words the way residents write them: with or without diacritics, any case. The message is
 * folded character by character with a map back to the original, so a sign found in the folded text
 * quotes the resident's own words as its evidence ("Chuyển gấp", not "chuyen gap").
 */
import { plain } from '../engine/normalize.js';

/** The message folded for matching, and where each folded character came from. */
export interface FoldedText {
  /** The message in NFC, which every evidence string is cut from. */
  original: string;
  /** Lowercase, without diacritics, đ → d; punctuation and spacing kept (regexes may use `%`, `/`). */
  folded: string;
  /** For each folded character, the start and end of its character in `original`. */
  start: number[];
  end: number[];
}

// The Vietnamese tone and vowel marks, the same range `plain()` strips (src/engine/normalize.ts).
const COMBINING = /[\u0300-\u036f]/g;
const QUOTES: Record<string, string> = { '\u2019': "'", '\u2018': "'", '\u201C': '"', '\u201D': '"' };

function foldChar(ch: string): string {
  return (QUOTES[ch] ?? ch).normalize('NFD').replace(COMBINING, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

export function foldText(text: string): FoldedText {
  const original = text.normalize('NFC');
  let folded = '';
  const start: number[] = [];
  const end: number[] = [];
  let at = 0;
  for (const ch of original) {
    const f = foldChar(ch);
    for (let k = 0; k < f.length; k++) {
      start.push(at);
      end.push(at + ch.length);
    }
    folded += f;
    at += ch.length;
  }
  return { original, folded, start, end };
}

/** The original text behind folded[from, to) (a non-empty match). */
export function originalSpan(t: FoldedText, from: number, to: number): { start: number; end: number } {
  return { start: t.start[from] ?? t.original.length, end: t.end[to - 1] ?? t.original.length };
}

// Words of a phrase may be separated by spaces, dashes, commas, quotes, but not by a sentence end.
// A dot belongs only to a word ("2.000.000") and a comma only to a gap: were either allowed in both,
// "1.1.1.1…" could be split in exponentially many ways and one message could stall the checker.
const GAP = String.raw`[^a-z0-9.!?;\n]+`;
const TOKEN = String.raw`[a-z0-9]+(?:\.[a-z0-9]+)*`;
/** `*` in a phrase: up to this many words. */
export const WILDCARD_WORDS = 6;
const WILD = `(?:${GAP}${TOKEN}){0,${WILDCARD_WORDS}}${GAP}`;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A phrase from the data ("chuyển * vào") as a regex on folded text: words compared without
 * diacritics, whole words only, `*` for up to six words. Returns undefined for a phrase with no
 * letters or digits left after folding.
 */
export function phraseRegex(phrase: string): RegExp | undefined {
  const parts = phrase.split('*').map((part) => plain(part).split(' ').filter(Boolean));
  if (parts.every((p) => p.length === 0) || parts.some((p) => p.length === 0)) return undefined;
  const body = parts.map((words) => words.map(escape).join(GAP)).join(WILD);
  return new RegExp(`(?<![a-z0-9])${body}(?![a-z0-9])`, 'g');
}

// The same, on the original text, for phrases whose diacritics matter ("gấp" urgent vs "gặp" meet).
const U_GAP = String.raw`[^\p{L}\p{N}.!?;\n]+`;
const U_WILD = String.raw`(?:${U_GAP}[\p{L}\p{N}]+){0,${WILDCARD_WORDS}}${U_GAP}`;

export function exactPhraseRegex(phrase: string): RegExp | undefined {
  const parts = phrase
    .normalize('NFC')
    .toLowerCase()
    .split('*')
    .map((part) => part.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
  if (parts.some((p) => p.length === 0)) return undefined;
  const body = parts.map((words) => words.map(escape).join(U_GAP)).join(U_WILD);
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'giu');
}

/** Every match of a global regex, as [start, end) pairs. */
export function allMatches(re: RegExp, text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  re.lastIndex = 0;
  for (const m of text.matchAll(re)) {
    if (m[0].length === 0) continue;
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

export interface Negation {
  words: ReadonlySet<string>;
  notAfter: ReadonlySet<string>;
  window: number;
}

/**
 * Whether the words just before `at` (in the original text, same clause) hold a negation:
 * "KHÔNG cung cấp mã này", "never share". Negation words compare as written, lowercase, so
 * "đừng" (don't) is not confused with "dùng" (use); "nếu không" (otherwise) does not count.
 */
export function negatedBefore(original: string, at: number, negation: Negation): boolean {
  const before = original.slice(0, at);
  const clause = before.slice(Math.max(...['.', '!', '?', ';', ',', ':', '\n'].map((p) => before.lastIndexOf(p))) + 1);
  const words = clause
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu, ''))
    .filter(Boolean);
  const recent = words.slice(-negation.window);
  const offset = words.length - recent.length;
  return recent.some((w, i) => negation.words.has(w) && !negation.notAfter.has(words[offset + i - 1] ?? ''));
}
