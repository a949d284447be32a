/**
 * Word and pattern signs (patterns.yaml) found in a message. A sign fires once, at its first match
 * that is not negated; `unless` and `requires` are then decided against everything that matched
 * (words, links and alerts) before any of them is applied, so the order of the file never matters.
 */
import { allMatches, negatedBefore, originalSpan, saidDone, type FoldedText } from './fold.js';
import type { CheckerRules, CompiledPattern, Matcher } from './rules.js';

export interface PatternHit {
  pattern: CompiledPattern;
  evidence: string;
  /** Where the evidence starts in the original text (to order signs as they appear). */
  at: number;
}

/**
 * The first match of a pattern (the shortest of those starting there), as a span of the original
 * text, skipping negated ones, those said to be done already (`notIfDone`) and those overlapping an
 * `except` phrase.
 */
function firstMatch(p: CompiledPattern, text: FoldedText, lower: string, rules: CheckerRules): { start: number; end: number } | undefined {
  const spans = [
    ...p.folded.flatMap((m) => matchesIn(m, text.folded).map(([s, e]) => originalSpan(text, s, e))),
    ...p.exact.flatMap((m) => matchesIn(m, text.original, lower).map(([start, end]) => ({ start, end }))),
  ].sort((a, b) => a.start - b.start || a.end - b.end);
  // Most patterns match nothing in a given message: their exceptions are looked for only when they do.
  if (spans.length === 0) return undefined;
  const excepted = p.except.flatMap((m) => matchesIn(m, text.folded).map(([s, e]) => originalSpan(text, s, e)));
  return spans.find(
    (s) =>
      !excepted.some((x) => x.start < s.end && s.start < x.end) &&
      (!p.negatable || !negatedBefore(text.original, s.start, rules.negation, s.end)) &&
      (!p.notIfDone || !saidDone(text.original, s.start, s.end, rules.done)),
  );
}

/**
 * The matches of a phrase or regex in `text`; a phrase is not searched for when its needle is not in the
 * text (`haystack`: the text as the needle is written, lowercase for exact phrases).
 */
function matchesIn(m: Matcher, text: string, haystack = text): Array<[number, number]> {
  return m.needle !== undefined && !haystack.includes(m.needle) ? [] : allMatches(m.re, text);
}

/** Every pattern that matched, before `unless` / `requires`. */
export function matchPatterns(text: FoldedText, rules: CheckerRules): PatternHit[] {
  const hits: PatternHit[] = [];
  const lower = text.original.toLowerCase();
  for (const pattern of rules.patterns) {
    const span = firstMatch(pattern, text, lower, rules);
    if (span) hits.push({ pattern, evidence: text.original.slice(span.start, span.end).trim(), at: span.start });
  }
  return hits;
}

/** `ask.otp` refers to that sign; `ask.` to every sign of the group. */
export function refersTo(ref: string, id: string): boolean {
  return ref.endsWith('.') ? id.startsWith(ref) : id === ref;
}

/** The hits whose conditions hold, given every sign id that matched in the message. */
export function applyConditions(hits: readonly PatternHit[], matchedIds: ReadonlySet<string>): PatternHit[] {
  const ids = [...matchedIds];
  const anyOf = (refs: readonly string[], self: string): boolean => refs.some((ref) => ids.some((id) => id !== self && refersTo(ref, id)));
  return hits.filter(({ pattern }) => {
    if (anyOf(pattern.unless, pattern.id)) return false;
    return pattern.requires.length === 0 || anyOf(pattern.requires, pattern.id);
  });
}
