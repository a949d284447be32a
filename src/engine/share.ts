/**
 * A resident's own link code for a lesson ("send this to someone you know"): derived from their
 * anonymous id and the lesson, so the engine can say it without I/O and sharing twice gives one code.
 * Same alphabet as coaches' codes (src/coaching/link.ts): "HS" + 6 characters without look-alikes.
 */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const DIGITS = CODE_ALPHABET.replace(/[^0-9]/g, '');

export function shareCode(anonId: string, lessonId: string): string {
  // Two independent 32-bit FNV-1a hashes give enough bits for six characters.
  const text = `share:${anonId}:${lessonId}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 16777619) >>> 0;
    b = Math.imul(b ^ text.charCodeAt(text.length - 1 - i), 16777619) >>> 0;
  }
  const body = [...Array(6).keys()].map((i) => CODE_ALPHABET[((i < 3 ? a : b) >>> ((i % 3) * 10)) % CODE_ALPHABET.length]!);
  // A code typed in groups ("HS TV JZ AB") is only read as one when it holds a digit (coaching/link.ts
  // bodyOf), so one in six codes would not be: the hash puts a digit in one place instead.
  if (!body.some((c) => DIGITS.includes(c))) body[a % 6] = DIGITS[b % DIGITS.length]!;
  return `HS${body.join('')}`;
}
