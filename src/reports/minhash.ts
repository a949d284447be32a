/**
 * How alike two reported messages are, cheaply, without comparing every pair: MinHash signatures
 * and locality-sensitive hashing (LSH) bands. Pure; the store (store.ts) keeps the signatures and
 * band buckets in Redis.
 *
 * - The text is folded (lowercase, no diacritics, đ → d: src/checker/fold.ts) and everything but
 *   letters and digits is dropped, so spacing, punctuation and diacritics do not matter; masked
 *   numbers are already one marker each ("[SĐT]" → "sdt"), so two copies of a wave with different
 *   phone numbers read the same.
 * - Shingles: every run of SHINGLE (5) characters of that. Their Jaccard similarity is what we
 *   estimate: |A ∩ B| / |A ∪ B|.
 * - Signature: for each of HASHES (64) hash functions, the smallest hash of any shingle. Two
 *   signatures agree at a position with probability equal to the Jaccard similarity, so the share
 *   of equal positions estimates it (± about 0.06 at 64 hashes).
 * - Bands: the signature cut into BANDS (16) bands of ROWS (4). Texts that agree on a whole band
 *   land in the same bucket; a pair becomes a candidate with probability 1 − (1 − s⁴)¹⁶: 0.12 at
 *   s = 0.3, 0.64 at 0.5, 0.99 at 0.7. Candidates are then compared on the whole signature.
 *
 * Hash functions are fixed (seeded murmur3 finaliser over a 32-bit FNV-1a of the shingle), so every
 * process and every release computes the same signature for the same text.
 */
import { foldText } from '../checker/fold.js';

export const SHINGLE = 5;
export const HASHES = 64;
export const BANDS = 16;
export const ROWS = HASHES / BANDS;

/** One signature: HASHES unsigned 32-bit values. */
export type Signature = Uint32Array;

/** murmur3's 32-bit finaliser: a cheap, well-mixing bijection on 32-bit integers. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const SEEDS: readonly number[] = Array.from({ length: HASHES }, (_, i) => fmix32(Math.imul(i + 1, 0x9e3779b9)));

/** The text as shingles are taken from it: folded, letters and digits only. */
export function shingleText(text: string): string {
  return foldText(text).folded.replace(/[^a-z0-9]+/g, '');
}

/** The distinct shingles of a text (a text shorter than one shingle is its own single shingle). */
export function shingles(text: string): Set<string> {
  const s = shingleText(text);
  const out = new Set<string>();
  if (s.length === 0) return out;
  if (s.length <= SHINGLE) {
    out.add(s);
    return out;
  }
  for (let i = 0; i + SHINGLE <= s.length; i++) out.add(s.slice(i, i + SHINGLE));
  return out;
}

/** The MinHash signature of a text. An empty text has the all-ones signature (alike only to itself). */
export function signature(text: string): Signature {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const shingle of shingles(text)) {
    const base = fnv1a(shingle);
    for (let i = 0; i < HASHES; i++) {
      const h = fmix32(base ^ SEEDS[i]!);
      if (h < sig[i]!) sig[i] = h;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity: the share of positions where the signatures agree. */
export function similarity(a: Signature, b: Signature): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

/** The exact Jaccard similarity of two texts' shingles (for tests and checks). */
export function jaccard(a: string, b: string): number {
  const sa = shingles(a);
  const sb = shingles(b);
  if (sa.size === 0 && sb.size === 0) return 1;
  let inter = 0;
  for (const s of sa) if (sb.has(s)) inter++;
  return inter / (sa.size + sb.size - inter);
}

/** The signature as stored: 8 hex digits per value, 512 characters (the Lua script compares them in 8-character steps). */
export function encodeSignature(sig: Signature): string {
  let out = '';
  for (const v of sig) out += v.toString(16).padStart(8, '0');
  return out;
}

export function decodeSignature(hex: string): Signature {
  const sig = new Uint32Array(HASHES);
  for (let i = 0; i < HASHES; i++) sig[i] = Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16) >>> 0;
  return sig;
}

/** One bucket id per band: a hash of the band's ROWS values, as 8 hex digits. */
export function bandBuckets(sig: Signature): string[] {
  const out: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) h = fmix32(Math.imul(h ^ sig[b * ROWS + r]!, 0x01000193));
    out.push(h.toString(16).padStart(8, '0'));
  }
  return out;
}
