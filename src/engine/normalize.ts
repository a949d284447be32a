/**
 * Typed answers arrive as residents write them: any case, with or without Vietnamese
 * diacritics, with polite particles ("dạ có ạ"). Everything is compared in this plain form.
 */

/** Polite particles and fillers that carry no answer on their own. */
const PARTICLES = new Set(['a', 'da', 'nhe', 'nha', 'nhi', 'oi', 'voi', 'ha', 'please', 'pls', 'thanks', 'thank', 'cam', 'on']);

/** Lowercase, no diacritics, đ → d, punctuation to spaces, single spaces. */
export function plain(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * How people text the commonest words ("ko ai" is "không ai", "dc" is "được"), read as the words.
 * Only shorthands that mean nothing else once diacritics are gone ("hong" could be hỏng, "kg" kilograms).
 */
const SHORTHAND: Readonly<Record<string, string>> = {
  ko: 'khong', k: 'khong', kh: 'khong', khg: 'khong', hok: 'khong',
  dc: 'duoc', j: 'gi', r: 'roi', mk: 'minh', mik: 'minh', cx: 'cung',
};

/** Emoji that say "ok" (a thumbs-up in any skin tone, 👌, 🆗), which `plain` would drop. */
const OK_EMOJI = /\u{1F44D}[\u{1F3FB}-\u{1F3FF}]?|\u{1F44C}[\u{1F3FB}-\u{1F3FF}]?|\u{1F197}/gu;

/**
 * `plain` (after the emoji that say "ok"), texting shorthands read as their words, then polite particles dropped from both ends
 * ("dạ có ạ" → "co", "ok nhé" → "ok", "ko ai ạ" → "khong ai"). Particles inside the answer stay:
 * "cảm ơn" alone becomes empty, which matches nothing.
 */
export function normalizeAnswer(text: string): string {
  const words = plain(text.replace(OK_EMOJI, ' ok ')).split(' ').filter(Boolean).map((w) => SHORTHAND[w] ?? w);
  while (words.length > 1 && PARTICLES.has(words[0]!)) words.shift();
  while (words.length > 1 && PARTICLES.has(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}

/** Whole-word containment: "chac la lua dao" contains "lua dao", "luat" does not contain "lua". */
export function containsWords(haystack: string, needle: string): boolean {
  if (!needle) return false;
  return ` ${haystack} `.includes(` ${needle} `);
}
