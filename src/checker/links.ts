/**
 * Finding links in a message the way scammers write them: with or without http://, with the scheme
 * spelled "hxxp", with dots written as " . ", "[.]", "(dot)" or " chấm ", with an IP address for a
 * host. A dotted word counts as a link only when its ending is a known one (links.yaml), so
 * "TP.HCM", "1.500.000đ" or "xong.Mai" are not taken for links.
 */
import { domainToUnicode } from 'node:url';
import type { LinkRules } from './rules.js';

export interface FoundLink {
  /** Exactly as written in the message. */
  raw: string;
  start: number;
  end: number;
  /** Lowercase, dots restored, punycode decoded. */
  host: string;
  /** `/login?x=1`, or empty. */
  path: string;
  /** Written with a disguise: spaces around dots, [.], (dot), chấm, hxxp. */
  disguised: boolean;
  /** The host had `xn--` labels (decoded into `host`). */
  punycode: boolean;
}

const LABEL = /[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?/uy;
// A dot, or a disguised one. A plain ". " (a sentence end) is not a dot: spaces must be on both sides.
const DOT = /\.|[ \t]+\.[ \t]+|[ \t]*[[({<][ \t]*(?:\.|dot|chấm|cham)[ \t]*[\])}>][ \t]*|[ \t]+(?:dot|chấm|cham)[ \t]+/iuy;
const SCHEME = /h(?:tt|xx|\*\*)ps?[ \t]*(?:\[:\]|:)[ \t]*\/\/[ \t]*/giu;
const WORD_START = /(?<![\p{L}\p{N}_@./\\-])[\p{L}\p{N}]/gu;
const PORT = /:\d{1,5}(?!\d)/y;
const PATH = /[/?#][^\s<>"'“”‘’]*/uy;
const TRAILING = /[.,;:!?)\]}>'"”’…]+$/u;

// Real addresses have a handful of parts; stopping there keeps "a.a.a.a…" from costing time per word.
const MAX_LABELS = 12;

interface Span {
  start: number;
  end: number;
}

/** Labels from `pos`, joined by dots (plain or disguised); records which separators were disguised. */
function scanLabels(text: string, pos: number): { labels: Span[]; disguisedAfter: boolean[] } | undefined {
  LABEL.lastIndex = pos;
  const first = LABEL.exec(text);
  if (!first) return undefined;
  const labels: Span[] = [{ start: pos, end: pos + first[0].length }];
  const disguisedAfter: boolean[] = [];
  while (labels.length < MAX_LABELS) {
    DOT.lastIndex = labels.at(-1)!.end;
    const dot = DOT.exec(text);
    if (!dot) break;
    LABEL.lastIndex = dot.index + dot[0].length;
    const label = LABEL.exec(text);
    if (!label) break;
    disguisedAfter.push(dot[0] !== '.');
    labels.push({ start: label.index, end: label.index + label[0].length });
  }
  return { labels, disguisedAfter };
}

const isIpv4 = (parts: string[]): boolean => parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);

/** Whether `parts` (lowercase labels) make a host worth calling a link. */
function acceptable(parts: string[], opts: { scheme: boolean; pathFollows: boolean }, rules: LinkRules): boolean {
  const tld = parts.at(-1)!;
  const host = parts.join('.');
  if (isIpv4(parts)) return opts.scheme || opts.pathFollows;
  if (parts.slice(0, -1).every((p) => /^\d+$/.test(p))) return false;
  if (rules.shorteners.has(host)) return true;
  if (opts.scheme) return /\p{L}/u.test(tld);
  if (rules.knownTlds.has(tld)) return true;
  return rules.needPathTlds.has(tld) && (opts.pathFollows || parts[0] === 'www');
}

function decodeHost(parts: string[]): { host: string; punycode: boolean } {
  const ascii = parts.join('.');
  if (!parts.some((p) => p.startsWith('xn--'))) return { host: ascii, punycode: false };
  const unicode = domainToUnicode(ascii);
  return { host: unicode === '' ? ascii : unicode.toLowerCase(), punycode: true };
}

/** One link starting at `pos` (after any scheme, which starts at `from`), or undefined. */
function linkAt(text: string, from: number, pos: number, scheme: string | undefined, rules: LinkRules): FoundLink | undefined {
  const scan = scanLabels(text, pos);
  if (!scan || scan.labels.length < 2) return undefined;
  const parts = scan.labels.map((l) => text.slice(l.start, l.end).toLowerCase());
  const afterAll = scan.labels.at(-1)!.end;
  PORT.lastIndex = afterAll;
  const port = PORT.exec(text);
  PATH.lastIndex = port ? PORT.lastIndex : afterAll;
  const pathMatch = PATH.exec(text);
  // Drop trailing labels until the ending is acceptable ("abc.example.Sau" → abc.example).
  for (let n = parts.length; n >= 2; n--) {
    const whole = n === parts.length;
    if (!acceptable(parts.slice(0, n), { scheme: scheme !== undefined, pathFollows: whole && (pathMatch !== null || port !== null) }, rules)) continue;
    let end = scan.labels[n - 1]!.end;
    let path = '';
    if (whole) {
      if (port) end = port.index + port[0].length;
      if (pathMatch) {
        path = pathMatch[0].replace(TRAILING, '');
        end = pathMatch.index + path.length;
      }
    }
    const { host, punycode } = decodeHost(parts.slice(0, n));
    const disguised = scan.disguisedAfter.slice(0, n - 1).some(Boolean) || /xx|\*\*|\[:\]/i.test(scheme ?? '');
    return { raw: text.slice(from, end), start: from, end, host, path, disguised, punycode };
  }
  return undefined;
}

/**
 * Every link in `text` (NFC), in order.
 *
 * @example extractLinks('Mở khoá tại vcb [.] com', rules)[0].host === 'vcb.com'
 */
export function extractLinks(text: string, rules: LinkRules): FoundLink[] {
  const found: FoundLink[] = [];
  const covered = (i: number): boolean => found.some((l) => i >= l.start && i < l.end);
  for (const m of text.matchAll(SCHEME)) {
    const link = linkAt(text, m.index, m.index + m[0].length, m[0], rules);
    if (link) found.push(link);
  }
  for (const m of text.matchAll(WORD_START)) {
    if (covered(m.index)) continue;
    const link = linkAt(text, m.index, m.index, undefined, rules);
    if (link) found.push(link);
  }
  return found.sort((a, b) => a.start - b.start);
}
