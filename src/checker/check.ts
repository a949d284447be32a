/**
 * "Is this a scam?": a pure function from a message to an explained verdict. Signs come from the
 * links (links.yaml, allowlist.yaml, brands.yaml), from words and patterns (patterns.yaml) and from
 * officials' active alerts; the score is the sum of their weights and nothing else, and the risk is
 * the score against the thresholds in verdict.yaml.
 */
import { matchAlerts } from './alerts.js';
import { judgeLink, type HostFinding } from './domains.js';
import { foldText } from './fold.js';
import { extractLinks } from './links.js';
import { applyConditions, matchPatterns } from './patterns.js';
import type { CheckerRules } from './rules.js';
import { LINK_SIGNAL_IDS } from './rules-schema.js';
import type { CheckedLink, CheckOptions, LocalText, Risk, ScamType, Signal, Verdict } from './types.js';

interface TypedSignal extends Signal {
  types: readonly ScamType[];
  /** Where it was found, to show the signs in the order of the message. */
  at: number;
}

/** A link sign's reason in each language, with the imitated brand named in that language. */
function fillLinkReason(template: LocalText, host: string, finding: HostFinding): LocalText {
  const name = finding.brand?.name;
  const fill = (s: string, brand: string): string =>
    s
      .replaceAll('{host}', host)
      .replaceAll('{brand}', brand)
      .replaceAll('{official}', finding.official ?? finding.brand?.domains[0] ?? '');
  return { vi: fill(template.vi, name?.vi ?? ''), en: fill(template.en, name?.en ?? name?.vi ?? '') };
}

/** A letter or digit in any script: without one, a text is no message. */
const WORDISH = /[\p{L}\p{N}]/u;

function linkSignals(text: string, rules: CheckerRules): { links: CheckedLink[]; signals: TypedSignal[] } {
  const links: CheckedLink[] = [];
  const signals: TypedSignal[] = [];
  const found = extractLinks(text, rules.links);
  for (const link of found) {
    const { verdict, findings } = judgeLink(link, rules.links);
    links.push({ raw: link.raw, host: link.host, verdict });
    for (const finding of findings) {
      const setting = rules.links.signals[finding.key];
      signals.push({
        id: LINK_SIGNAL_IDS[finding.key],
        weight: setting.weight,
        reason: fillLinkReason(setting.reason, link.host, finding),
        evidence: link.raw,
        types: finding.key === 'official' ? [] : [...new Set([...(finding.brand?.type ? [finding.brand.type] : []), ...(setting.types ?? [])])],
        at: link.start,
      });
    }
  }
  // An official address reassures only when every link in the message is official.
  const allOfficial = links.length > 0 && links.every((l) => l.verdict === 'official');
  // Nothing but links: no word says who sent them or why (a bare shortened link is then at least medium).
  const firstUnofficial = found.find((_, i) => links[i]!.verdict !== 'official');
  const wordsBesides = () => found.reduce((rest, l) => rest.slice(0, l.start) + ' '.repeat(l.end - l.start) + rest.slice(l.end), text);
  if (firstUnofficial && !WORDISH.test(wordsBesides())) {
    const setting = rules.links.signals.alone;
    signals.push({
      id: LINK_SIGNAL_IDS.alone,
      weight: setting.weight,
      reason: fillLinkReason(setting.reason, firstUnofficial.host, { key: 'alone' }),
      evidence: firstUnofficial.raw,
      types: [],
      at: firstUnofficial.start,
    });
  }
  return { links, signals: signals.filter((s) => s.id !== LINK_SIGNAL_IDS.official || allOfficial) };
}

/**
 * The scam type with the most weight behind it. A sign that points to several types ("bị khoá": a bank,
 * Zalo or VNeID account) says less about each: it lends each an equal share of its weight, so a sign that
 * names one type (a look-alike of the BHXH address) outweighs generic ones. A tie is no answer: when no
 * type stands out, the resident gets the general advice rather than the advice of a type picked by chance.
 */
function guessType(signals: readonly TypedSignal[]): ScamType | undefined {
  const totals = new Map<ScamType, number>();
  for (const s of signals) if (s.weight > 0) for (const t of s.types) totals.set(t, (totals.get(t) ?? 0) + s.weight / s.types.length);
  const ranked = [...totals].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || (second && first[1] - second[1] < 1e-9)) return undefined;
  return first[0];
}

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * Check one message.
 *
 * @example
 * const verdict = checkMessage('Tài khoản bị khoá, đăng nhập tại vcb-secure.example', rules);
 * verdict.risk;                     // 'high'
 * verdict.signals.map((s) => s.id); // ['threat.lock', 'ask.link', 'link.lookalike.brand'], in the order of the message
 */
export function checkMessage(text: string, rules: CheckerRules, opts: CheckOptions = {}): Verdict {
  // "🙂", "??" or nothing: not a message, so no verdict either way (not even "no sign of a scam").
  if (!WORDISH.test(text)) return { risk: 'low', score: 0, signals: [], links: [], advice: rules.verdict.advice.low, nothingToCheck: true };
  const folded = foldText(text);
  const fromLinks = linkSignals(folded.original, rules);
  const fromAlerts: TypedSignal[] = matchAlerts(folded, fromLinks.links, opts.alerts ?? [], rules).map((s) => ({ ...s, types: [], at: -1 }));
  const hits = matchPatterns(folded, rules);
  const matchedIds = new Set([...fromLinks.signals, ...fromAlerts].map((s) => s.id).concat(hits.map((h) => h.pattern.id)));
  const fromWords: TypedSignal[] = applyConditions(hits, matchedIds).map(({ pattern, evidence, at }) => ({
    id: pattern.id,
    weight: pattern.weight,
    reason: pattern.reason,
    evidence,
    types: pattern.types,
    at,
  }));

  // Each sign counts once, however many links or words show it; the first occurrence is the evidence.
  const seen = new Set<string>();
  const typed = [...fromAlerts, ...fromLinks.signals, ...fromWords]
    .filter((s) => (seen.has(s.id) ? false : (seen.add(s.id), true)))
    .sort((a, b) => a.at - b.at);

  const score = round(typed.reduce((sum, s) => sum + s.weight, 0));
  const { thresholds, types, advice, fallbackLesson } = rules.verdict;
  const risk: Risk = score >= thresholds.high ? 'high' : score >= thresholds.medium ? 'medium' : 'low';
  const scamType = risk === 'low' ? undefined : guessType(typed);
  const hasLinkSign = typed.some((s) => s.id.startsWith('link.'));
  const lesson = risk === 'low' ? undefined : scamType ? types[scamType].lesson : hasLinkSign ? fallbackLesson.withLink : fallbackLesson.otherwise;

  return {
    risk,
    score,
    signals: typed.map(({ id, weight, reason, evidence }) => ({ id, weight, reason, evidence })),
    links: fromLinks.links,
    advice: risk === 'low' ? advice.low : scamType ? types[scamType].advice : advice[risk],
    ...(lesson ? { lesson } : {}),
    ...(scamType ? { scamType } : {}),
  };
}
