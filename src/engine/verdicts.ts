/**
 * The two verdicts on a message, "scam" and "genuine", as residents say them: the quiz bank's
 * questions are answered with them, and a quiz answer that names an option may carry one
 * ("tin thật là tin B", "tin A không phải lừa đảo").
 */
import type { Locale } from '../flows/schema.js';
import { FOLDS_TO_ENGLISH, hasNegation, NEGATIONS, numberIn, optionTerms, type MatchableOption } from './match.js';
import { containsWords, readAs } from './normalize.js';
import type { Texts } from './types.js';

/** Option 0 is "scam", option 1 "genuine", in every language. */
export const VERDICTS = ['scam', 'legit'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The verdicts as options: their button labels in every language, and the words of `words.scam` / `words.legit`. */
export function verdictOptions(texts: Texts): MatchableOption[] {
  return VERDICTS.map((v) => ({
    label: { vi: texts.t('vi', `quiz.${v}_label`), en: texts.t('en', `quiz.${v}_label`) },
    synonyms: { vi: [...texts.words(`words.${v}`)] },
  }));
}

/**
 * The verdict a text gives and the words around it, if it gives one: its longest verdict words
 * ("không phải lừa đảo" before "lừa đảo"), turned around by a negation elsewhere ("tin A không phải
 * tin thật": a scam). `rest` is the text without the verdict and without negations ("tin a"), for
 * naming what the verdict is about. A number gives none; for an English speaker "that" is no "thật".
 */
export function verdictIn(text: string, texts: Texts, locale: Locale): { verdict: Verdict; rest: string } | undefined {
  if (numberIn(text) !== undefined) return undefined;
  const typed = readAs(text);
  let best: { verdict: Verdict; term: string } | undefined;
  verdictOptions(texts).forEach((option, i) => {
    for (const term of optionTerms(option)) {
      if (locale === 'en' && FOLDS_TO_ENGLISH.has(term)) continue;
      if (containsWords(typed, term) && term.length > (best?.term.length ?? 0)) best = { verdict: VERDICTS[i]!, term };
    }
  });
  if (!best) return undefined;
  const around = without(typed, best.term);
  const verdict = hasNegation(around) ? (best.verdict === 'scam' ? 'legit' : 'scam') : best.verdict;
  // "không phải": the "phải" (is) of a negation goes with it.
  const rest = [...NEGATIONS, 'phai'].reduce(without, around);
  return { verdict, rest };
}

function without(text: string, words: string): string {
  return ` ${text} `.split(` ${words} `).join(' ').trim();
}
