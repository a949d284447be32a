/**
 * How a resident's form of address (engine/address.ts) is set: by the command («xưng hô», «gọi tôi là
 * bác») and its six buttons, or read, conservatively, from how they speak of themselves ("bác không
 * hiểu") while they have chosen none. Never a question asked before anything else.
 */
import { ADDRESS_FORMS, PRONOUNS, type AddressForm } from './address.js';
import { normalizeAnswer, plain } from './normalize.js';
import { payload } from './payloads.js';
import { looksForwarded } from './check.js';
import type { Turn } from './turn.js';
import type { Input } from './types.js';

/** «xưng hô»: the six forms as buttons, and the way back to where they were. */
export function askAddress(turn: Turn): void {
  turn.say(turn.t('address.ask'), {
    choices: ADDRESS_FORMS.map((form) => ({ payload: payload.address(form), label: turn.t(`address.label.${form}`) })),
  });
}

/** Set the form and say so in it ("Dạ, cháu sẽ gọi bác là bác ạ."), then the way back. */
export function setAddress(turn: Turn, form: AddressForm): void {
  turn.state.address = { form, by: 'chosen' };
  turn.emit({ type: 'address_changed', form, by: 'chosen' });
  turn.say(turn.t(form === 'ban' ? 'address.set_plain' : 'address.set', { form: PRONOUNS[form].you }), { choices: turn.wayBack() });
}

/**
 * A coach's link that says how the coach addresses the resident ("bác Tư" → bác): taken unless the
 * resident chose a form themselves, before anything is said (a newcomer's welcome too).
 */
export function takeAddressFromLink(turn: Turn, input: Input): void {
  const link = input.type === 'referral' ? input.link : undefined;
  const { state } = turn;
  if (!link?.address || link.depth !== 0 || state.address?.by === 'chosen' || state.address?.form === link.address) return;
  state.address = { form: link.address, by: 'coach' };
  turn.emit({ type: 'address_changed', form: link.address, by: 'coach' });
}

/** "gọi tôi là bác", "hãy gọi mình là chị", "call me bác": the form named after the words that ask for it. */
const CALL_ME = /^(?:(?:da|vang|hay|cu|xin|chau|em|ban|minh) )*(?:goi|xung ho voi|xung voi) (?:toi|minh|tui|tao|bac|co|chu|anh|chi|ban) (?:la|bang) (bac|co|chu|anh|chi|ban)$|^(?:please )?call me (bac|co|chu|anh|chi|ban)$/;

/** The form a resident names in a "call me …" message, or undefined when the message is no such thing. */
export function formAskedFor(text: string): AddressForm | undefined {
  // Asked of every message: the cheap look first.
  if (!/g[oọ]i|x[uư]ng|call/iu.test(text)) return undefined;
  const m = CALL_ME.exec(normalizeAnswer(text));
  const named = m?.[1] ?? m?.[2];
  return ADDRESS_FORMS.find((f) => f === named);
}

// ── Inference ───────────────────────────────────────────────────────────────────────────────

/** The forms with their marks, as a resident writes them of themselves ("bác", not "bạc" or "bắc"). */
const MARKED: Readonly<Record<string, AddressForm>> = { bác: 'bac', cô: 'co', chú: 'chu', anh: 'anh', chị: 'chi' };
/**
 * Without marks "co" is mostly "có" (yes, have) and "chi" "chỉ" (only): "co muon hoc", "chi muon hoc"
 * say nothing of who writes. Only these forms are read from a message typed without marks.
 */
const UNMARKED: Readonly<Record<string, AddressForm>> = { bac: 'bac', chu: 'chu', anh: 'anh' };
/** Leading words said before the subject ("dạ bác không hiểu"). */
const LEADING = new Set(['da', 'vang', 'u', 'thua']);
/**
 * What a resident says of themselves right after the form: "bác không hiểu", "cô muốn học", "chú xong
 * rồi". Anything else after it ("anh ấy", "chị tôi", "cô giáo", "chú Ba", "bác sĩ", "anh ơi") is someone
 * else, or the bot called by name: not read as theirs.
 */
const SELF_WORDS = new Set([
  'khong', 'ko', 'k', 'kh', 'chua', 'chang', 'cha', 'da', 'dang', 'se', 'vua', 'moi', 'cung', 'van', 'lai',
  'muon', 'can', 'dinh', 'xong', 'hieu', 'biet', 'nho', 'quen', 'doc', 'hoc', 'lam', 'go', 'hoi', 'thay', 'nhan',
  'bi', 'lo', 'duoc', 'dc', 'thich', 'xin', 'mat', 'chiu',
]);
/** Negations: "không … gì" is "nothing", "… không" at the end a question unless the sentence was negated before. */
const NEGATIONS = new Set(['khong', 'ko', 'k', 'kh', 'chua', 'chang', 'cha']);
/** Last words that ask someone something ("anh có khoẻ không", "chị hiểu chưa", "cô đi à"). */
const ALWAYS_ASKING = new Set(['à', 'hả', 'hở', 'nhỉ', 'sao', 'nào', 'hem']);
/** …and these unless the sentence was negated before them ("bác không hiểu gì" says nothing is understood). */
const ASKING_END = new Set(['khong', 'ko', 'k', 'chua', 'gi', 'chu']);
const ASKING_END_MARKED = new Set(['không', 'ko', 'k', 'chưa', 'gì', 'chứ']);
/** Longer than this, a message is about something else (a story, a pasted message), not the writer. */
const MAX_WORDS = 10;

/** Could the message start with a form (after "dạ")? */
const MAYBE_SELF = /^[\s,.!]*(?:(?:dạ|da|vâng|vang|ừ|u|thưa|thua)[\s,.!]+)*(?:bác|bac|cô|chú|chu|anh|chị)[\s,.!]/iu;

/**
 * The form a resident uses of themselves at the start of a short message, or undefined. Conservative:
 * a miss costs nothing (they are called "bạn"), a wrong guess calls a young man "bác".
 */
export function formOfSelf(text: string): AddressForm | undefined {
  // Asked of every message: the cheap look first.
  const nfc = text.normalize('NFC');
  if (text.includes('?') || !MAYBE_SELF.test(nfc)) return undefined;
  const words = nfc.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const folded = plain(nfc).split(' ');
  // Letters `plain` drops (another script) would put the two lists out of step: nothing to read then.
  if (folded.length !== words.length) return undefined;
  while (words.length > 2 && LEADING.has(folded[0]!)) words.shift(), folded.shift();
  if (words.length < 2 || words.length > MAX_WORDS) return undefined;
  const marked = words.some((w, i) => w !== folded[i]);
  const form = MARKED[words[0]!] ?? (marked ? undefined : UNMARKED[words[0]!]);
  const rest = folded.slice(1);
  if (!form || !SELF_WORDS.has(rest[0]!)) return undefined;
  const last = words.at(-1)!;
  const negatedBefore = rest.slice(0, -1).some((w) => NEGATIONS.has(w));
  const asks = ALWAYS_ASKING.has(last) || (rest.length > 1 && !negatedBefore && (marked ? ASKING_END_MARKED : ASKING_END).has(last));
  return asks ? undefined : form;
}

/**
 * Read the form from the message when the resident has not chosen one (nor a coach given it). Never from
 * a message they received and paste ("Chị đã trúng thưởng, nhận tại …"): on the paste screen, or one
 * that looks forwarded (a link, or long).
 */
export function inferAddress(turn: Turn, text: string): void {
  const { state } = turn;
  if (state.address?.by === 'chosen' || state.address?.by === 'coach' || state.screen === 'check' || looksForwarded(text)) return;
  const form = formOfSelf(text);
  if (!form || form === state.address?.form) return;
  state.address = { form, by: 'inferred' };
  turn.emit({ type: 'address_changed', form, by: 'inferred' });
}
