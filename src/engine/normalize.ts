/**
 * Typed answers arrive as residents write them: any case, with or without Vietnamese
 * diacritics, with polite particles ("dạ có ạ"). Everything is compared in this plain form.
 */

/** Polite particles and fillers that carry no answer on their own. */
const PARTICLES = new Set(['a', 'da', 'nhe', 'nha', 'nhi', 'oi', 'voi', 'ha', 'please', 'pls', 'thanks']);
/**
 * Thanks of two words, dropped only together: "ơn" alone folds like "ôn" (revise), so "ôn lại"
 * must keep it, and "cảm" alone is "feel".
 */
const PARTICLE_PAIRS = ['cam on', 'thank you'];

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

/** The same shorthands, read as the words with their marks (for `marked`). */
const SHORTHAND_MARKED: Readonly<Record<string, string>> = {
  ko: 'không', k: 'không', kh: 'không', khg: 'không', hok: 'không',
  dc: 'được', j: 'gì', r: 'rồi', mk: 'mình', mik: 'mình', cx: 'cũng',
};

/**
 * Lowercase words with their Vietnamese marks kept, punctuation to spaces, shorthands read: for the
 * few places where the marks tell words apart that `plain` folds together ("lỡ" and "lo", "sợ" and
 * "số"). Text typed without marks gives `readAs` (compare with that instead).
 */
export function marked(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .map((w) => SHORTHAND_MARKED[w] ?? w)
    .join(' ');
}

/** Emoji that say "ok" (a thumbs-up in any skin tone, 👌, 🆗), which `plain` would drop. */
const OK_EMOJI = /\u{1F44D}[\u{1F3FB}-\u{1F3FF}]?|\u{1F44C}[\u{1F3FB}-\u{1F3FF}]?|\u{1F197}/gu;

/** `plain` after the emoji that say "ok", with texting shorthands read as their words: every word kept. */
export function readAs(text: string): string {
  return plain(text.replace(OK_EMOJI, ' ok ')).split(' ').filter(Boolean).map((w) => SHORTHAND[w] ?? w).join(' ');
}

/**
 * `readAs`, then polite particles dropped from both ends ("dạ có ạ" → "co", "ok nhé" → "ok",
 * "ko ai ạ" → "khong ai", "cảm ơn nhé" → ""). Particles inside the answer stay.
 */
export function normalizeAnswer(text: string): string {
  return dropParticles(readAs(text).split(' ').filter(Boolean), true).join(' ');
}

/**
 * How a label or synonym may be typed: its words, and without a particle-like first word ("Đã
 * chuyển tiền" folds to "da chuyen tien", and "đã" to the particle "dạ"). Never without its last word:
 * "Tin A" is not "Tin", which "tin thật" would contain.
 */
export function labelForms(text: string): string[] {
  const words = readAs(text).split(' ').filter(Boolean);
  const whole = words.join(' ');
  const trimmed = dropParticles([...words], false).join(' ');
  return trimmed === whole ? [whole] : [whole, trimmed];
}

function dropParticles(words: string[], atEnd: boolean): string[] {
  const pairAt = (i: number) => PARTICLE_PAIRS.includes(`${words[i]} ${words[i + 1]}`);
  for (;;) {
    if (words.length > 1 && PARTICLES.has(words[0]!)) words.shift();
    else if (words.length >= 2 && pairAt(0)) words.splice(0, 2);
    else if (atEnd && words.length > 1 && PARTICLES.has(words[words.length - 1]!)) words.pop();
    else if (atEnd && words.length > 2 && pairAt(words.length - 2)) words.splice(-2, 2);
    else return words;
  }
}

/** Whole-word containment: "chac la lua dao" contains "lua dao", "luat" does not contain "lua". */
export function containsWords(haystack: string, needle: string): boolean {
  if (!needle) return false;
  return ` ${haystack} `.includes(` ${needle} `);
}
