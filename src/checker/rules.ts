/**
 * The checker's rules, compiled from the validated data files (flows/checker/*.yaml) into the form
 * `checkMessage` uses: phrases as regexes, sets for look-ups, brand names with their skeletons.
 * Compiling never fails: load-rules.ts reports every problem before it gets here.
 */
import { exactPhraseRegex, phraseNeedle, phraseRegex, type Done, type Negation } from './fold.js';
import type { AllowlistFile, BrandsFile, GenuineFile, LinksFile, PatternsFile, VerdictFile } from './rules-schema.js';
import type { LocalText, ScamType } from './types.js';

export interface Brand {
  id: string;
  /** As residents and officials read it, per language; English falls back to the Vietnamese name. */
  name: { vi: string; en?: string };
  type?: ScamType;
  /** Its official domains, from allowlist.yaml. */
  domains: string[];
}

export interface BrandToken {
  token: string;
  /** The token folded to look-alike-free letters (see `skeleton`). */
  skeleton: string;
  brand: Brand;
}

export interface LinkRules {
  knownTlds: ReadonlySet<string>;
  needPathTlds: ReadonlySet<string>;
  /** Longest first, so com.vn is tried before vn. */
  suffixes: readonly string[];
  shorteners: ReadonlySet<string>;
  riskyTlds: ReadonlySet<string>;
  govTokens: ReadonlySet<string>;
  homoglyphs: ReadonlyMap<string, string>;
  lookalike: LinksFile['lookalike'];
  signals: LinksFile['signals'];
  official: ReadonlyArray<{ domain: string; brand: Brand }>;
  brandTokens: readonly BrandToken[];
}

/** A compiled phrase or regex, with a word it cannot match without (`phraseNeedle`), when it has one. */
export interface Matcher {
  re: RegExp;
  needle?: string;
}

export interface CompiledPattern {
  id: string;
  weight: number;
  types: readonly ScamType[];
  negatable: boolean;
  /** Not counted when its clause says it is done already ("con đã chuyển cho bố"). */
  notIfDone: boolean;
  /** On the folded text (phrases and regex). */
  folded: readonly Matcher[];
  /** On the original text (exact phrases); their needles are lowercase. */
  exact: readonly Matcher[];
  /** On the folded text: a match overlapping one of these does not count ("gấp đôi" is not urgent). */
  except: readonly Matcher[];
  unless: readonly string[];
  requires: readonly string[];
  reason: LocalText;
}

export interface CheckerRules {
  links: LinkRules;
  patterns: readonly CompiledPattern[];
  negation: Negation;
  done: Done;
  verdict: VerdictFile;
}

export interface RuleFiles {
  allowlist: AllowlistFile;
  brands: BrandsFile;
  links: LinksFile;
  patterns: PatternsFile;
  genuine: GenuineFile;
  verdict: VerdictFile;
}

// Vietnamese marks, as in fold.ts: "vietcombánk" compares like "vietcombank".
const COMBINING = /[\u0300-\u036f]/g;

/**
 * A name folded so that look-alike spellings compare equal: diacritics dropped, then each homoglyph
 * (two-character ones such as "rn" first) replaced: `skeleton("vietc0mbank") === skeleton("vietcombank")`.
 */
export function skeleton(name: string, homoglyphs: ReadonlyMap<string, string>): string {
  const text = name.normalize('NFD').replace(COMBINING, '').replace(/[đĐ]/g, 'd').toLowerCase();
  const chars = [...text];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const two = homoglyphs.get(chars[i]! + (chars[i + 1] ?? ''));
    if (two !== undefined && i + 1 < chars.length) {
      out += two;
      i++;
      continue;
    }
    out += homoglyphs.get(chars[i]!) ?? chars[i]!;
  }
  return out;
}

/** Normalise a negation word or a phrase for comparing with text as written. */
export const asWritten = (word: string): string => word.normalize('NFC').toLowerCase().replace(/[\u2018\u2019]/g, "'");

/** The name registered before the ending: `vietcombank` for cskh.vietcombank.com.vn. */
export function registrableName(host: string, suffixes: readonly string[]): { name: string; suffix: string; inner: string[] } {
  const suffix = suffixes.find((s) => host === s || host.endsWith(`.${s}`)) ?? host.split('.').at(-1) ?? host;
  const rest = host === suffix ? [] : host.slice(0, host.length - suffix.length - 1).split('.');
  return { name: rest.at(-1) ?? '', suffix, inner: rest };
}

/** Phrases as matchers: folded ones compared without diacritics, exact ones as written. */
function phrases(list: readonly string[] | undefined, exact: boolean): Matcher[] {
  return (list ?? []).flatMap((phrase) => {
    const re = exact ? exactPhraseRegex(phrase) : phraseRegex(phrase);
    if (!re) return [];
    const needle = phraseNeedle(phrase, exact);
    return [needle ? { re, needle } : { re }];
  });
}

export function compileRules(files: RuleFiles): CheckerRules {
  const brands = new Map<string, Brand>();
  for (const b of files.brands.brands) brands.set(b.id, { id: b.id, name: b.name, ...(b.type ? { type: b.type } : {}), domains: [] });
  const official = files.allowlist.domains.map(({ domain, brand }) => {
    const b = brands.get(brand)!;
    b.domains.push(domain);
    return { domain, brand: b };
  });

  const homoglyphs = new Map(Object.entries(files.links.homoglyphs).map(([k, v]) => [k.normalize('NFC').toLowerCase(), v]));
  const suffixes = [...files.links.multiLabelSuffixes].sort((a, b) => b.length - a.length);
  const tokens = new Map<string, Brand>();
  for (const b of files.brands.brands) for (const t of b.tokens) tokens.set(t, brands.get(b.id)!);
  // The name before each official domain's ending is a token of its brand too (vietcombank.com.vn → vietcombank).
  for (const o of official) {
    const { name } = registrableName(o.domain, suffixes);
    for (const part of [name, name.replace(/-/g, '')]) if (part && !tokens.has(part)) tokens.set(part, o.brand);
  }
  const brandTokens = [...tokens].map(([token, brand]) => ({ token, skeleton: skeleton(token, homoglyphs), brand }));

  const patterns = [...files.patterns.patterns, ...files.genuine.patterns].map((p) => ({
    id: p.id,
    weight: p.weight,
    types: p.types ?? [],
    negatable: p.negatable ?? false,
    notIfDone: p.notIfDone ?? false,
    folded: [...phrases(p.phrases, false), ...(p.regex ?? []).map((source) => ({ re: new RegExp(source, 'g') }))],
    exact: phrases(p.exact, true),
    except: phrases(p.except, false),
    unless: p.unless ?? [],
    requires: p.requires ?? [],
    reason: p.reason,
  }));

  return {
    links: {
      knownTlds: new Set(files.links.knownTlds),
      needPathTlds: new Set(files.links.needPathTlds),
      suffixes,
      shorteners: new Set(files.links.shorteners),
      riskyTlds: new Set(files.links.riskyTlds),
      govTokens: new Set(files.links.govTokens),
      homoglyphs,
      lookalike: files.links.lookalike,
      signals: files.links.signals,
      official,
      brandTokens,
    },
    patterns,
    negation: {
      words: new Set(files.patterns.negation.words.map(asWritten)),
      notAfter: new Set(files.patterns.negation.notAfter.map(asWritten)),
      window: files.patterns.negation.window,
      conditional: new Set((files.patterns.negation.conditional ?? []).map(asWritten)),
    },
    done: {
      before: new Set((files.patterns.done?.before ?? []).map(asWritten)),
      window: files.patterns.done?.window ?? 0,
      after: new Set((files.patterns.done?.after ?? []).map(asWritten)),
      particles: new Set((files.patterns.done?.particles ?? []).map(asWritten)),
    },
    verdict: files.verdict,
  };
}
