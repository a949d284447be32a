/**
 * Lessons a resident's own words open from anywhere (a flow's `opensOn`): someone who writes
 * "tôi bị lừa rồi phải làm sao" is in the first hour that decides whether the money can be stopped,
 * and gets what to do at once instead of the menu or a hint. Only a short message of their own (a
 * pasted scam may say "bị trừ tiền"), not negated ("chưa bị lừa") or feared ("sợ bị lừa"), and, in a lesson, only when it
 * is not an answer to the step (see step.ts).
 */
import { hasNegation } from './match.js';
import { containsWords, readAs } from './normalize.js';
import type { Turn } from './turn.js';

/** Longer than this, a message is a pasted one, or a story to check, more than a cry for help. */
const OWN_WORDS_MAX = 160;
/** A fear or a question ahead of time ("sợ bị lừa", "nếu bị lừa thì sao", "what if I get scammed") is not the thing itself. */
const WHAT_IF = ['so bi', 'lo bi', 'neu bi', 'neu lo', 'if i', 'what if', 'afraid', 'worried', 'in case'];

/** Open the lesson these words call for, saying its first line; false when they call for none. */
export function openByWords(turn: Turn, text: string): boolean {
  if (text.length > OWN_WORDS_MAX) return false;
  const typed = readAs(text);
  if (!typed || hasNegation(typed) || WHAT_IF.some((w) => containsWords(typed, w))) return false;
  const here = turn.state.current?.flowId;
  const hit = turn.flows.openers.find((o) => o.flowId !== here && o.phrases.some((p) => containsWords(typed, p)));
  const compiled = hit && turn.flows.byId.get(hit.flowId);
  if (!compiled) return false;
  if (compiled.flow.opensOn?.say) turn.note(turn.text(compiled.flow.opensOn.say));
  // From its start, even if begun before: the first steps are the urgent ones.
  delete turn.state.paused[compiled.flow.id];
  turn.openLesson(compiled.flow.id);
  return true;
}
