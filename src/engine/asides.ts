/**
 * Texts that are not what was asked, said aside: a kind word back for "không hiểu", "cảm ơn" and
 * "chào cháu"; a reply to "paste the message here" that is not the message; a command word that the
 * step on screen names as its own answer. step.ts asks these before treating a text as lost.
 */
import type { Step } from '../flows/schema.js';
import { FORWARDED_LENGTH, looksPasted } from './check.js';
import { saysInShort, saysWord, type MatchableOption } from './match.js';
import { normalizeAnswer } from './normalize.js';
import type { Turn } from './turn.js';

/** What a short message said aside holds, if anything (in this order): lost, thankful, greeting. */
const ASIDES = ['confused', 'thanks', 'hello'] as const;
export type Aside = (typeof ASIDES)[number];

/** The aside a text is ("không hiểu", "cảm ơn cháu", "chào cháu"), or undefined when it is none. */
export function asideIn(texts: Turn['env']['texts'], text: string): Aside | undefined {
  return ASIDES.find((a) => saysInShort(texts, `words.${a}`, text));
}

/** Is this no answer but something said aside? */
export function isAside(texts: Turn['env']['texts'], text: string): boolean {
  return asideIn(texts, text) !== undefined;
}

/** Outside a lesson: a thank-you (a word back and the way back) or a greeting (the menu, greeted). */
export function answerCourtesy(turn: Turn, aside: Aside | undefined): boolean {
  if (aside === 'thanks') turn.say(turn.t('courtesy.thanks'), { choices: turn.wayBack() });
  else if (aside === 'hello') turn.showMenu(turn.t('courtesy.hello', { name: turn.name() }));
  else return false;
  return true;
}

/** What to say to a text that is no answer but says something kind or lost: confused, thanks, hello. */
export function kindWordFor(turn: Turn, text: string, kind: string): string | undefined {
  switch (asideIn(turn.env.texts, text)) {
    // A quiz has a right answer to encourage; a choice asks about them, where nothing is wrong.
    case 'confused':
      return turn.t(kind === 'message' ? 'confused.message' : kind === 'choice' ? 'confused.choice' : 'confused.question');
    case 'thanks':
      return turn.t('courtesy.thanks');
    case 'hello':
      return turn.t('courtesy.hello', { name: turn.name() });
    default:
      return undefined;
  }
}

/** A short answer to "paste the message here" rather than the message: leave, or explain how to paste. */
export function replyWhileAskedToPaste(turn: Turn, text: string): 'leave' | 'explain' | undefined {
  const texts = turn.env.texts;
  if (looksPasted(text) || text.length >= FORWARDED_LENGTH) return undefined;
  if (saysWord(texts, 'words.no', text)) return 'leave';
  const shortReply = ['words.yes', 'words.next', 'words.skip'].some((k) => saysWord(texts, k, text));
  return shortReply || isAside(texts, text) || saysInShort(texts, 'words.wait', text) ? 'explain' : undefined;
}

/** Does the step name exactly this text among its answers (an option's label or synonym, an accepted answer)? */
export function stepClaims(step: Step, text: string): boolean {
  const typed = normalizeAnswer(text);
  if ('accept' in step) return [...(step.accept.vi ?? []), ...(step.accept.en ?? [])].some((a) => normalizeAnswer(a) === typed);
  if (!('options' in step) || !Array.isArray(step.options)) return false;
  const options: readonly MatchableOption[] = step.options;
  return options.some((o) => [...Object.values(o.label), ...Object.values(o.synonyms ?? {}).flat()].some((t) => typeof t === 'string' && normalizeAnswer(t) === typed));
}
