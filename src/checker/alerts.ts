/**
 * Matching a message against the alerts officials sent about a current scam wave. A resident who
 * forwards a message of that wave is told so, with the alert's title: it is the strongest evidence
 * the checker has, because a person saw the wave.
 */
import { allMatches, originalSpan, phraseRegex, type FoldedText } from './fold.js';
import type { CheckerRules } from './rules.js';
import type { ActiveAlert, CheckedLink, Signal } from './types.js';

const fill = (template: string, title: string): string => template.replaceAll('{title}', title);

/**
 * One signal per matching alert: a link on one of its domains (or a subdomain), or at least
 * `keywordShare` of its keywords (at least one), matched without diacritics like pattern phrases.
 */
export function matchAlerts(text: FoldedText, links: readonly CheckedLink[], alerts: readonly ActiveAlert[], rules: CheckerRules): Signal[] {
  const { weight, keywordShare, reason } = rules.verdict.alerts;
  const signals: Signal[] = [];
  for (const alert of alerts) {
    const domains = (alert.domains ?? []).map((d) => d.toLowerCase().replace(/^www\./, ''));
    const link = links.find((l) => domains.some((d) => l.host === d || l.host.endsWith(`.${d}`)));
    let evidence = link?.raw;
    if (evidence === undefined && alert.keywords.length > 0) {
      const found = alert.keywords.flatMap((keyword) => {
        const re = phraseRegex(keyword);
        const first = re ? allMatches(re, text.folded)[0] : undefined;
        if (!first) return [];
        const span = originalSpan(text, first[0], first[1]);
        return [text.original.slice(span.start, span.end)];
      });
      const needed = Math.max(1, Math.ceil(keywordShare * alert.keywords.length));
      if (found.length >= needed) evidence = found.join(' … ');
    }
    if (evidence === undefined) continue;
    signals.push({
      id: `alert:${alert.id}`,
      weight,
      reason: { vi: fill(reason.vi, alert.title.vi), en: fill(reason.en, alert.title.en ?? alert.title.vi) },
      evidence,
    });
  }
  return signals;
}
