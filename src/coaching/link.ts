/**
 * Lesson links: a short code that opens one lesson and says who sent it. Coaches create them (a
 * link and a QR code at the doorstep); a resident who finished a lesson gets one of their own to
 * pass on (the ripple). The code is what travels: in an m.me `?ref=`, typed into Zalo (Zalo has no
 * deep-link parameter for OAs), or in the web simulator's `/?code=`.
 *
 * Codes are "HS" + 6 characters without look-alikes (no 0/O, 1/I/L), so they can be read aloud
 * and typed on a phone: `HS7K3P9Q`, also accepted as `hs-7k3p9q`, `HS 7K3P9Q`, or copied in groups
 * as the big code wraps on a phone: `HS7K 3P9Q`, `HS7K-3P9Q`, and, when the code is all the message,
 * `hs 7k 3p 9q` (split codes need a digit, so that "HSBC bank" is not one).
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { AddressForm } from '../engine/address.js';
import { CODE_ALPHABET } from '../engine/share.js';

export { CODE_ALPHABET, shareCode } from '../engine/share.js';
const CHAR = `[${CODE_ALPHABET}]`;
const BODY = `${CHAR}{6}`;
/** Spaces and hyphens (or dashes) a resident may type between the characters of a code. */
const SEP = String.raw`[\s\-\u2010-\u2015]`;
/** The six characters after HS, with separators anywhere between them. */
const SPLIT_BODY = `${CHAR}(?:${SEP}*${CHAR}){5}`;
const BEFORE = String.raw`(?<![\p{L}\p{N}])`;
const AFTER = String.raw`(?![\p{L}\p{N}])`;
/**
 * A code inside any text: HS and the body together (`HS7K3P9Q`, or in two groups: `HS7K 3P9Q`,
 * `HS7K-3P9Q`), or HS, one space or dash, and the body (`HS 7K3P9Q`). A standalone "HS" followed by
 * words is not a code here ("hs nam nay", pupils this year; "HSG 25 em a"): words must not join into one.
 */
const IN_TEXT = new RegExp(`${BEFORE}HS(?:(${CHAR}(?:${SEP}*${CHAR}){5})|${SEP}?(${BODY}))${AFTER}`, 'giu');
/** The whole message is a code, spaced or hyphenated anywhere (`hs 7k 3p 9q`, `H S 7 K 3 P 9 Q`). */
const WHOLE = new RegExp(String.raw`^[\s"'“”‘’«».,:;!()]*H${SEP}*S${SEP}*(${SPLIT_BODY})[\s"'“”‘’«».,:;!()]*$`, 'iu');
const SEPS = new RegExp(SEP, 'gu');

export const LinkCode = z.string().regex(new RegExp(`^HS${BODY}$`), 'a code like HS7K3P9Q');

/**
 * The body of a match, normalised, if it can be a code. A body split by spaces or dashes must hold a
 * digit, and inside a sentence be split once at most: words split that way ("HSBC bank", "hs nam
 * nay") would otherwise read as a code. Codes without a digit are still found written together
 * (`HSTVJZAB`, `HS TVJZAB`); codes made now always have one (newCode, shareCode).
 */
function bodyOf(raw: string | undefined, maxGroups: number): string | undefined {
  if (raw === undefined) return undefined;
  const body = raw.replace(SEPS, '').toUpperCase();
  if (body.length !== 6 || ![...body].every((c) => CODE_ALPHABET.includes(c))) return undefined;
  if (body === raw.toUpperCase()) return body;
  const groups = raw.split(new RegExp(`${SEP}+`, 'u')).length;
  return /\d/.test(body) && groups <= maxGroups ? body : undefined;
}

/** The code in what a resident typed or a referral carried, normalised (`HS7K3P9Q`), if there is one. */
export function findCode(text: string): string | undefined {
  const t = text.normalize('NFC');
  const whole = bodyOf(WHOLE.exec(t)?.[1], 6);
  if (whole) return `HS${whole}`;
  for (const m of t.matchAll(IN_TEXT)) {
    const body = bodyOf(m[1] ?? m[2], 2);
    if (body) return `HS${body}`;
  }
  return undefined;
}

/** A new random code, with at least one digit so that it is still found when typed in groups (see bodyOf). */
export function newCode(): string {
  for (;;) {
    let body = '';
    for (let i = 0; i < 6; i++) body += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    if (/\d/.test(body)) return `HS${body}`;
  }
}

/** `sharedBy` of a resident's own link: not who, so that the link outlives nothing of theirs. */
export const SHARED_BY_RESIDENT = 'resident';

export const Link = z
  .object({
    code: LinkCode,
    lessonId: z.string().min(1).max(60),
    /** The coach the chain started from (a coach's own link, or the coach who brought the sharer). */
    coachId: z.string().optional(),
    /** Said to the resident: "Anh Minh (tổ công nghệ số) sent you this lesson". */
    senderName: z.string().max(80).optional(),
    /**
     * Set on a resident's own link (`SHARED_BY_RESIDENT`), with how far down the chain it is (1 = a coach's
     * resident shared it). Only whether it is set is read: links made before it was so held the sharer's
     * anonymous id, which `npm run admin -- links` replaces.
     */
    sharedBy: z.string().optional(),
    depth: z.number().int().min(0).default(0),
    note: z.string().max(200).optional(),
    /** How the coach, who knows the resident ("bác Tư"), says the bot should address them; a coach's own link only. */
    address: AddressForm.optional(),
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
