/**
 * Lessons a resident's own words open from anywhere (a flow's `opensOn`): someone who writes
 * "tôi bị lừa rồi phải làm sao" is in the first hour that decides whether the money can be stopped,
 * and gets what to do at once, before the step they are on or the screen they are at (step.ts asks
 * first). So the words must be theirs and about now:
 * - not a pasted message (a link, a phone number, "[NH-ABC]", "quý khách": scams say "bị trừ tiền rồi");
 * - the phrase not denied or feared just before it ("chưa bị lừa", "sợ bị lừa", "tránh bị lừa mất
 *   tiền", "bạn đã bị lừa"), nor followed by "đâu" (not at all), nor asked about ("lộ mật khẩu thì sao")
 *   unless something has happened ("rồi", "vừa", "đã");
 * - compared with diacritics when the resident typed them: "lo chuyển tiền" (see to a transfer) is
 *   not "lỡ chuyển tiền" (transferred by mistake); without any, as folded words.
 * A phrase in doubt opens the lesson rather than not: its first question lets "nothing happened yet" out,
 * and the lesson it interrupted is given back.
 */
import { looksPasted } from './check.js';
import { containsWords, marked, readAs } from './normalize.js';
import type { Turn } from './turn.js';

/** Longer than this, a message is a story to check more than a cry for help. */
const OWN_WORDS_MAX = 300;
/** Words within this many before a phrase that deny it, fear it, or make it someone else's. */
const BEFORE = 3;
const DENIED_OR_NOT_NOW = [
  'không', 'chưa', 'chẳng', 'chả', 'chưa từng', 'sợ', 'nếu', 'nhỡ', 'lỡ mà', 'kẻo', 'tránh', 'phòng', 'đề phòng',
  'coi chừng', 'cảnh giác', 'đừng để', 'làm sao để', 'làm thế nào để', 'làm sao biết', 'người ta', 'ai', 'bạn', 'quý khách',
  'not', 'never', 'if', 'what if', 'afraid', 'worried', 'in case', 'avoid', 'prevent', 'how to', 'you', 'your',
  'didn t', 'wasn t', 'haven t', 'hasn t', 'don t', 'won t',
].map((w) => ({ marked: marked(w), plain: readAs(w) }));
/** "Bạn tôi bị lừa rồi" is theirs to help with: "bạn" followed by one of these is a friend, not "you". */
const FRIEND_OF = ['tôi', 'mình', 'bác', 'em', 'con', 'cháu'].map((w) => ({ marked: marked(w), plain: readAs(w) }));
/** A question about the phrase, right after it, when nothing has happened: "lộ mật khẩu thì sao". */
const ASKED_ABOUT = ['là gì', 'là sao', 'thì sao', 'thì làm gì', 'thì làm sao'].map((w) => ({ marked: marked(w), plain: readAs(w) }));
const HAPPENED = ['rồi', 'vừa', 'đã', 'mới'].map((w) => ({ marked: marked(w), plain: readAs(w) }));
const NOT_AT_ALL = { marked: marked('đâu'), plain: 'dau' };
const DONT_KNOW = ['không biết', 'chưa biết', 'don t know'].map((w) => ({ marked: marked(w), plain: readAs(w) }));

/** Open the lesson these words call for, saying its first line; false when they call for none. */
export function openByWords(turn: Turn, text: string): boolean {
  if (text.length > OWN_WORDS_MAX || looksPasted(text)) return false;
  const asMarked = marked(text);
  const asPlain = readAs(text);
  const form = asMarked !== asPlain ? 'marked' : 'plain';
  const words = (form === 'marked' ? asMarked : asPlain).split(' ').filter(Boolean);
  if (words.length === 0) return false;
  const here = turn.state.current?.flowId;
  const hit = turn.flows.openers.find((o) => o.flowId !== here && o.phrases.some((p) => saidNow(words, p[form].split(' '), form)));
  const compiled = hit && turn.flows.byId.get(hit.flowId);
  if (!compiled) return false;
  if (compiled.flow.opensOn?.say) turn.note(turn.text(compiled.flow.opensOn.say));
  // From its start, even if begun before: the first steps are the urgent ones.
  delete turn.state.paused[compiled.flow.id];
  turn.openLesson(compiled.flow.id);
  return true;
}

type Form = 'marked' | 'plain';
type Word = { marked: string; plain: string };

/** Is `phrase` said in `words` as something that has happened to them (see the file's header)? */
function saidNow(words: readonly string[], phrase: readonly string[], form: Form): boolean {
  for (let at = 0; at + phrase.length <= words.length; at++) {
    if (!phrase.every((w, i) => words[at + i] === w)) continue;
    // "Không biết làm sao" is not knowing what to do, not a denial.
    const before = DONT_KNOW.reduce((t, w) => t.replace(w[form], ' '), words.slice(Math.max(0, at - BEFORE), at).join(' '));
    const after = words.slice(at + phrase.length);
    const has = (text: string, list: readonly Word[]) => list.some((w) => containsWords(text, w[form]));
    const denied = DENIED_OR_NOT_NOW.some((w) => {
      if (!containsWords(before, w[form])) return false;
      // "bạn tôi bị lừa": a friend of theirs, not a message addressing "you".
      if (w.plain !== 'ban') return true;
      const next = words[words.lastIndexOf(w[form], at - 1) + 1] ?? '';
      return !FRIEND_OF.some((f) => f[form] === next);
    });
    const notAtAll = after.slice(0, 3).includes(NOT_AT_ALL[form]);
    const askedAbout = has(after.slice(0, 3).join(' '), ASKED_ABOUT) && !has(words.join(' '), HAPPENED);
    if (!denied && !notAtAll && !askedAbout) return true;
  }
  return false;
}
