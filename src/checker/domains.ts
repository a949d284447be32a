/**
 * Judging a link's address against the official list and the imitated brands: official (or a
 * subdomain of an official domain), a look-alike (a brand's name inside another address, look-alike
 * letters, a letter or two changed, an official address used as the beginning of another one, a fake
 * .gov.vn), suspicious (hides where it goes), or unknown.
 */
import type { FoundLink } from './links.js';
import { registrableName, skeleton, type Brand, type LinkRules } from './rules.js';
import type { LinkSignalKey } from './rules-schema.js';
import type { LinkVerdict } from './types.js';

export interface HostFinding {
  key: LinkSignalKey;
  brand?: Brand;
  /** The official address it imitates, when there is one. */
  official?: string;
}

/**
 * Damerau-Levenshtein distance (insertions, deletions, substitutions and transpositions of adjacent
 * letters, unrestricted), the usual measure of a typo: `damerauLevenshtein('agribnak', 'agribank') === 1`.
 */
export function damerauLevenshtein(a: string, b: string): number {
  const A = [...a];
  const B = [...b];
  const max = A.length + B.length;
  const lastRow = new Map<string, number>();
  // d has an extra first row and column holding `max`, as in Lowrance & Wagner's algorithm.
  const d: number[][] = Array.from({ length: A.length + 2 }, () => new Array<number>(B.length + 2).fill(0));
  d[0]![0] = max;
  for (let i = 0; i <= A.length; i++) {
    d[i + 1]![0] = max;
    d[i + 1]![1] = i;
  }
  for (let j = 0; j <= B.length; j++) {
    d[0]![j + 1] = max;
    d[1]![j + 1] = j;
  }
  for (let i = 1; i <= A.length; i++) {
    let lastMatchCol = 0;
    for (let j = 1; j <= B.length; j++) {
      const k = lastRow.get(B[j - 1]!) ?? 0;
      const l = lastMatchCol;
      const cost = A[i - 1] === B[j - 1] ? 0 : 1;
      if (cost === 0) lastMatchCol = j;
      d[i + 1]![j + 1] = Math.min(
        d[i]![j]! + cost,
        d[i + 1]![j]! + 1,
        d[i]![j + 1]! + 1,
        d[k]![l]! + (i - k - 1) + 1 + (j - l - 1),
      );
    }
    lastRow.set(A[i - 1]!, i);
  }
  return d[A.length + 1]![B.length + 1]!;
}

const isIpv4 = (host: string): boolean => /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);

/** The most specific allowlist entry the host is (or is under): vneid.gov.vn rather than gov.vn. */
export function officialEntry(host: string, rules: LinkRules): { domain: string; brand: Brand } | undefined {
  let best: { domain: string; brand: Brand } | undefined;
  for (const o of rules.official) {
    if ((host === o.domain || host.endsWith(`.${o.domain}`)) && (!best || o.domain.length > best.domain.length)) best = o;
  }
  return best;
}

/** Edit distance allowed for a name of this length: short names must match exactly. */
function allowedDistance(length: number, rules: LinkRules): number {
  if (length >= rules.lookalike.distance2From) return 2;
  if (length >= rules.lookalike.distance1From) return 1;
  return 0;
}

/** Brand names inside the address: whole parts, parts inside longer words, look-alike letters, typos. */
function brandFindings(host: string, rules: LinkRules): HostFinding[] {
  const { inner } = registrableName(host, rules.suffixes);
  const parts = new Set<string>();
  for (const label of inner) {
    parts.add(label);
    parts.add(label.replace(/-/g, ''));
    for (const piece of label.split('-')) parts.add(piece);
  }
  const findings: HostFinding[] = [];
  for (const part of parts) {
    if (part === '' || /^\d+$/.test(part)) continue;
    const skel = skeleton(part, rules.homoglyphs);
    for (const { token, skeleton: target, brand } of rules.brandTokens) {
      const official = brand.domains[0];
      const base = { brand, ...(official ? { official } : {}) };
      if (part === token) findings.push({ key: 'brand', ...base });
      else if (skel === target) findings.push({ key: 'homoglyph', ...base });
      else if (token.length >= rules.lookalike.insideFrom && skel.includes(target)) findings.push({ key: 'brand', ...base });
      else {
        const allowed = allowedDistance(token.length, rules);
        if (allowed > 0 && Math.abs(skel.length - target.length) <= allowed && damerauLevenshtein(skel, target) <= allowed) {
          findings.push({ key: 'typo', ...base });
        }
      }
    }
  }
  // Look-alike letters say more than a plain name; keep the strongest finding per brand.
  const rank = { homoglyph: 0, brand: 1, typo: 2 } as Record<string, number>;
  findings.sort((a, b) => (rank[a.key] ?? 9) - (rank[b.key] ?? 9));
  return findings.filter((f, i) => findings.findIndex((g) => g.brand === f.brand) === i);
}

/** An official address followed by more: agribank.com.vn.verify.example, evn.com.vn-billing.example. */
function officialPrefixFinding(host: string, rules: LinkRules): HostFinding | undefined {
  for (const o of rules.official) {
    if (rules.suffixes.includes(o.domain)) continue; // "gov.vn" itself: the .gov.vn check covers it
    const d = o.domain;
    if (host.startsWith(`${d}.`) || host.startsWith(`${d}-`) || host.includes(`.${d}.`) || host.includes(`.${d}-`)) {
      return { key: 'officialPrefix', brand: o.brand, official: d };
    }
  }
  return undefined;
}

/** The verdict on one link, and every sign it gives. */
export function judgeLink(link: FoundLink, rules: LinkRules): { verdict: LinkVerdict; findings: HostFinding[] } {
  const host = link.host;
  const entry = officialEntry(host, rules);
  if (entry) return { verdict: 'official', findings: [{ key: 'official', brand: entry.brand, official: entry.domain }] };

  const lookalike: HostFinding[] = [];
  const prefix = officialPrefixFinding(host, rules);
  if (prefix) lookalike.push(prefix);
  const words = host.split(/[.-]/);
  if (words.some((w) => rules.govTokens.has(skeleton(w, rules.homoglyphs)) || rules.govTokens.has(w))) lookalike.push({ key: 'gov' });
  if (!isIpv4(host)) lookalike.push(...brandFindings(host, rules).filter((f) => !prefix || f.brand !== prefix.brand));

  const suspicious: HostFinding[] = [];
  const shortener = rules.shorteners.has(host) || [...rules.shorteners].some((s) => host.endsWith(`.${s}`));
  if (shortener) suspicious.push({ key: 'shortener' });
  if (isIpv4(host)) suspicious.push({ key: 'ip' });
  if (link.punycode) suspicious.push({ key: 'punycode' });
  if (rules.riskyTlds.has(host.split('.').at(-1) ?? '')) suspicious.push({ key: 'riskyTld' });
  if (/\.apk(?:$|[?#&/])/i.test(link.path)) suspicious.push({ key: 'apk' });
  if (link.disguised) suspicious.push({ key: 'obfuscated' });

  // A plain address not on the list is itself a (mild) sign, unless a stronger one explains it.
  const unknown: HostFinding[] = lookalike.length === 0 && !shortener && !isIpv4(host) ? [{ key: 'unknown' }] : [];
  const verdict: LinkVerdict = lookalike.length > 0 ? 'lookalike' : suspicious.length > 0 ? 'suspicious' : 'unknown';
  return { verdict, findings: [...lookalike, ...suspicious, ...unknown] };
}
