/**
 * Lesson links: a short code that opens one lesson and says who sent it. Coaches create them (a
 * link and a QR code at the doorstep); a resident who finished a lesson gets one of their own to
 * pass on (the ripple). The code is what travels: in an m.me `?ref=`, typed into Zalo (Zalo has no
 * deep-link parameter for OAs), or in the web simulator's `/?code=`.
 *
 * Codes are "HS" + 6 characters without look-alikes (no 0/O, 1/I/L), so they can be read aloud
 * and typed on a phone: `HS7K3P9Q`, also accepted as `hs-7k3p9q` or `HS 7K3P9Q`.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { CODE_ALPHABET } from '../engine/share.js';

export { CODE_ALPHABET, shareCode } from '../engine/share.js';
const BODY = `[${CODE_ALPHABET}]{6}`;
/** A code inside any text (case-insensitive, with an optional space or dash after HS). */
const IN_TEXT = new RegExp(`(?:^|[^A-Za-z0-9])HS[\\s-]?(${BODY})(?![A-Za-z0-9])`, 'i');

export const LinkCode = z.string().regex(new RegExp(`^HS${BODY}$`), 'a code like HS7K3P9Q');

/** The code in what a resident typed or a referral carried, normalised (`HS7K3P9Q`), if there is one. */
export function findCode(text: string): string | undefined {
  const m = IN_TEXT.exec(text.normalize('NFC'));
  const body = m?.[1]?.toUpperCase();
  return body && [...body].every((c) => CODE_ALPHABET.includes(c)) ? `HS${body}` : undefined;
}

export function newCode(): string {
  let body = '';
  for (let i = 0; i < 6; i++) body += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `HS${body}`;
}

export const Link = z
  .object({
    code: LinkCode,
    lessonId: z.string().min(1).max(60),
    /** The coach the chain started from (a coach's own link, or the coach who brought the sharer). */
    coachId: z.string().optional(),
    /** Said to the resident: "Anh Minh (tổ công nghệ số) sent you this lesson". */
    senderName: z.string().max(80).optional(),
    /** For a resident's own link: their anonymous id, and how far down the chain it is (1 = a coach's resident shared it). */
    sharedBy: z.string().optional(),
    depth: z.number().int().min(0).default(0),
    note: z.string().max(200).optional(),
    createdAt: z.number().int(),
    expiresAt: z.number().int(),
    revoked: z.boolean().default(false),
  })
  .strict();
export type Link = z.infer<typeof Link>;

export type Resolution =
  | { ok: true; link: Link }
  | { ok: false; code: string; reason: 'unknown' | 'expired' | 'revoked' };

export function resolution(code: string, link: Link | undefined, now: number): Resolution {
  if (!link) return { ok: false, code, reason: 'unknown' };
  if (link.revoked) return { ok: false, code, reason: 'revoked' };
  if (link.expiresAt <= now) return { ok: false, code, reason: 'expired' };
  return { ok: true, link };
}
