/**
 * Cutting a long text into parts a platform accepts (Zalo rejects text over 2,000 characters,
 * Messenger too). One implementation for every channel, so the parts read the same everywhere.
 *
 * Lengths are counted in UTF-16 code units (`string.length`), which is never less than what a
 * platform counts as characters, so a part that fits here fits there. Text is normalised to NFC
 * first: Vietnamese typed with combining accents (NFD) is up to twice as long and renders the same.
 */

/** A sentence ends at . ! ? or … (and any closing quote or bracket) followed by a space. */
const SENTENCE_END = /[.!?…][)"'”’»\]]*(?=\s)/gu;

/**
 * Split `text` into parts of at most `max` characters, cutting at the last paragraph break that
 * fits, else the last line break, else the last sentence end, else the last space; a single word
 * longer than `max` is cut between characters (never inside a letter and its accent, or an emoji).
 * Parts are trimmed; empty parts are dropped, so `''` gives `[]`.
 *
 * @example
 * splitText('Một.\n\nHai.', 6) // → ['Một.', 'Hai.']
 */
export function splitText(text: string, max: number): string[] {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`splitText: max must be a positive integer, got ${max}`);
  let rest = normalizeText(text).trim();
  const parts: string[] = [];
  while (rest.length > max) {
    const { head, tail } = cut(rest, max);
    if (head) parts.push(head);
    rest = tail;
  }
  if (rest) parts.push(rest);
  return parts;
}

/** NFC, Unix line ends, no trailing spaces before line breaks. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').replace(/[ \t]+\n/g, '\n');
}

/** The first part of `text` (≤ max after trimming, non-empty) and what remains. */
function cut(text: string, max: number): { head: string; tail: string } {
  // Every candidate cut leaves `text.slice(0, at)` as the head; only cuts with at ≤ max qualify.
  const window = text.slice(0, max + 1);
  const at =
    lastCut(window, /\n[ \t]*\n\s*/g, max, 'before') ??
    lastCut(window, /\n\s*/g, max, 'before') ??
    lastCut(window, SENTENCE_END, max, 'after') ??
    lastCut(window, /\s+/gu, max, 'before') ??
    hardCut(text, max);
  return { head: text.slice(0, at).trimEnd(), tail: text.slice(at).trimStart() };
}

/** Position of the last match of `re` in `window` that leaves a non-blank head of ≤ max. */
function lastCut(window: string, re: RegExp, max: number, side: 'before' | 'after'): number | undefined {
  let best: number | undefined;
  for (const m of window.matchAll(re)) {
    const at = side === 'before' ? m.index : m.index + m[0].length;
    if (at <= max && window.slice(0, at).trim()) best = at;
  }
  return best;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest run of whole graphemes that fits; at least one grapheme so the loop always moves. */
function hardCut(text: string, max: number): number {
  let at = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const end = index + segment.length;
    if (end > max) return at || end;
    at = end;
  }
  return at;
}

/**
 * Whether the text already ends with lines `1. …` to `n. …` (the engine numbers options that have
 * longer wordings), so a channel does not add the same list a second time.
 */
export function endsWithNumberedList(text: string, n: number): boolean {
  if (n < 1) return false;
  const lines = normalizeText(text).trimEnd().split('\n');
  if (lines.length < n) return false;
  const tail = lines.slice(-n);
  return tail.every((line, i) => line.trimStart().startsWith(`${i + 1}. `));
}

/** `1. label` lines for choices that are shown as text (the engine accepts a typed number). */
export function numberedList(labels: readonly string[]): string {
  return labels.map((label, i) => `${i + 1}. ${label}`).join('\n');
}

/** `text` plus the numbered list of `labels`, unless the text already ends with it. */
export function withNumberedList(text: string, labels: readonly string[]): string {
  if (endsWithNumberedList(text, labels.length)) return text;
  const list = numberedList(labels);
  return text.trim() ? `${text.trimEnd()}\n\n${list}` : list;
}

/** Cut `text` to `max` characters, ending with "…" when it was longer (button titles). */
export function ellipsize(text: string, max: number): string {
  const t = normalizeText(text).trim();
  if (t.length <= max) return t;
  return t.slice(0, hardCut(t, max - 1)).trimEnd() + '…';
}

/** The reply's text with its link, if any, as a last line that every chat app makes tappable. */
export function textWithLink(reply: { text: string; link?: { url: string; label: string } | undefined }): string {
  if (!reply.link) return reply.text;
  const line = `👉 ${reply.link.label}: ${reply.link.url}`;
  return reply.text.trim() ? `${reply.text.trimEnd()}\n\n${line}` : line;
}
