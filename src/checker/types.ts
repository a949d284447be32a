/**
 * What the "Is this a scam?" checker answers. Every point of `score` comes from one entry of
 * `signals`, each with the reason shown to the resident and the exact words it found, so the
 * answer can always be explained ("no black box").
 */
import type { BankScamType } from '../flows/schema.js';

/** A scam type, as tagged in shared/content-brief.md §1 (bank, vneid, police, …). */
export type ScamType = BankScamType;

export interface LocalText {
  vi: string;
  en: string;
}

export type Risk = 'high' | 'medium' | 'low';

/** One warning sign (positive weight) or sign of a genuine message (negative weight) that fired. */
export interface Signal {
  /** `ask.otp`, `link.lookalike.brand`, `legit.balance`, `alert:<alert id>` … */
  id: string;
  weight: number;
  reason: LocalText;
  /** The part of the message that made it fire, as the resident wrote it: a link, or the words. */
  evidence: string;
}

/**
 * official: on the allowlist (or a subdomain of an entry); lookalike: imitates an official address or
 * a brand; suspicious: hides where it goes (shortener, bare IP, encoded letters, .apk, odd ending);
 * unknown: none of these.
 */
export type LinkVerdict = 'official' | 'lookalike' | 'unknown' | 'suspicious';

export interface CheckedLink {
  /** As written in the message: `vcb [.] com`, `hxxps://x.example/login`. */
  raw: string;
  /** Lowercase host, dots restored, punycode decoded: `vcb.com`. */
  host: string;
  verdict: LinkVerdict;
}

export interface Verdict {
  risk: Risk;
  /** Sum of the signals' weights (rounded to 0.01). */
  score: number;
  signals: Signal[];
  links: CheckedLink[];
  /** What to do now. */
  advice: LocalText;
  /** A shipped lesson that teaches this scam (e.g. `check-link`), when the risk is medium or high. */
  lesson?: string;
  /** Best guess at the scam type, when the risk is medium or high and a type stands out. */
  scamType?: ScamType;
  /**
   * The text has no letter or digit (an emoji, punctuation, nothing): there is no message to judge.
   * The rest reads as an empty low-risk verdict, but a caller should ask for the message instead of
   * answering "no sign of a scam".
   */
  nothingToCheck?: true;
}

/** An alert an official sent to residents, active now. Matching it is a strong sign. */
export interface ActiveAlert {
  id: string;
  title: { vi: string; en?: string };
  /** Words or phrases of the scam wave; matched like pattern phrases (without diacritics). */
  keywords: string[];
  /** Domains used by the wave; a link on one of them (or a subdomain) matches. */
  domains?: string[];
  /** When officials sent it (ms), for "an alert sent on …". */
  sentAt?: number;
}

export interface CheckOptions {
  alerts?: readonly ActiveAlert[];
}
