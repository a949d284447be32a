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

/**
 * A word every match of the phrase contains, as the text it is matched on is written (folded for
 * `phraseRegex`, lowercase for `exactPhraseRegex`): a message without it is not searched at all.
 */
export function phraseNeedle(phrase: string, exact = false): string | undefined {
  const first = phrase.split('*')[0]!;
  const words = exact ? first.normalize('NFC').toLowerCase().split(/[^\p{L}\p{N}]+/u) : plain(first).split(' ');
  return words.find(Boolean);
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
  /**
   * Words that, further on in the same clause, make a negation a condition: "Ông/bà không nộp phí trong
   * hôm nay thì hồ sơ bị huỷ" (if you do not pay today, the file is cancelled) still asks for the fee.
   */
  conditional: ReadonlySet<string>;
}

/** A request said to be done already is news, not a request ("con đã chuyển cho bố", "… 2 triệu rồi đấy"). */
export interface Done {
  /** Within `window` words before the request, in the same clause: "đã", "vừa". */
  before: ReadonlySet<string>;
  window: number;
  /** The last word of the clause after the request ("rồi"), before any of `particles` ("đấy", "nhé"). */
  after: ReadonlySet<string>;
  particles: ReadonlySet<string>;
}

const CLAUSE_MARKS = ['.', '!', '?', ';', ',', ':', '\n'];

/** The words of a stretch of text as written, lowercase, without the punctuation around them. */
function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu, ''))
    .filter(Boolean);
}

/**
 * How far around a request the words that qualify it are looked for, in characters: a few words either
 * side, and a bound so that a long text without punctuation costs no more per match than a short one.
 */
const REACH = 240;

/** The last words of the clause before `at`, in order (at most those within REACH). */
function clauseBefore(original: string, at: number): string[] {
  const from = Math.max(0, at - REACH);
  const before = original.slice(from, at);
  const mark = Math.max(...CLAUSE_MARKS.map((p) => before.lastIndexOf(p)));
  const words = wordsOf(before.slice(mark + 1));
  // Cut off mid-clause: the first word may be the end of a longer one.
  return mark < 0 && from > 0 ? words.slice(1) : words;
}

/**
 * The words of the clause after `at`, up to a sentence end or a comma, colon or semicolon followed by a
 * space (the dots and commas inside "500.000đ" or "1,2 triệu" do not end it); undefined for a clause
 * that runs on beyond REACH, which is no short "… rồi đấy".
 */
function clauseAfter(original: string, at: number): string[] | undefined {
  const rest = original.slice(at, at + REACH + 1);
  const end = rest.search(/[!?;\n]|[.,:](?=\s|$)/);
  if (end < 0 && at + rest.length < original.length) return undefined;
  return wordsOf(end < 0 ? rest : rest.slice(0, end));
}

/**
 * Whether the words just before `at` (in the original text, same clause) hold a negation:
 * "KHÔNG cung cấp mã này", "never share". Negation words compare as written, lowercase, so
 * "đừng" (don't) is not confused with "dùng" (use); "nếu không" (otherwise) does not count, nor a
 * negation that the clause turns into a condition ("không nộp phí thì hồ sơ bị huỷ"); `end`, where the
 * request ends, is where the rest of the clause starts.
 */
export function negatedBefore(original: string, at: number, negation: Negation, end = at): boolean {
  const words = clauseBefore(original, at);
  const recent = words.slice(-negation.window);
  const offset = words.length - recent.length;
  const negated = recent.some((w, i) => negation.words.has(w) && !negation.notAfter.has(words[offset + i - 1] ?? ''));
  return negated && !(negation.conditional.size > 0 && (clauseAfter(original, end) ?? []).some((w) => negation.conditional.has(w)));
}

/** Whether the clause of the request at [start, end) says it is done already. */
export function saidDone(original: string, start: number, end: number, done: Done): boolean {
  if (clauseBefore(original, start).slice(-done.window).some((w) => done.before.has(w))) return true;
  const after = clauseAfter(original, end) ?? [];
  while (after.length > 0 && done.particles.has(after.at(-1)!)) after.pop();
  return after.length > 0 && done.after.has(after.at(-1)!);
}
