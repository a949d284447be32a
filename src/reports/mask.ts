/**
 * Masking a reported message before anyone but the resident sees it: phone numbers, bank account
 * and card numbers, ID (CCCD/CMND) numbers, emails, OTP codes and names are replaced by a marker
 * (`[SĐT]`, `[STK]`, `[CCCD]`, `[email]`, `[mã]`, `[tên]`). Links and domains are kept (they are the
 * evidence officials act on), and so are amounts of money ("5.000.000đ", "2 triệu", "500k").
 * Pure, and linear in the text (every pattern is bounded), so it can run inside the engine.
 *
 * Best effort, in this order:
 * 1. emails;
 * 2. links and domains are set aside untouched (so digits in a path are not taken for an account);
 * 3. numbers after words that say what they are: "STK", "(số) tài khoản", "số thẻ", "account"
 *    (→ [STK]); "CCCD", "CMND", "căn cước", "định danh" (→ [CCCD]); "OTP", "mã xác thực", "mã",
 *    "code" (→ [mã], 4–8 digits); never a number followed by a currency;
 * 4. 1900 / 1800 service numbers are set aside (businesses' hotlines, and the scam's evidence);
 * 5. phone numbers: +84 / 84 / 0 and 9–10 more digits, with spaces, dots or dashes between groups;
 * 6. amounts of money are set aside: digits followed by a currency or "k/tr/triệu/nghìn", or grouped
 *    by thousands ("1.500.000");
 * 7. digits in groups adding up to 9 or more (a card "4111 1111 1111 1111") → [STK]; any other run
 *    of 12 digits (a CCCD) → [CCCD]; of 8 or more → [STK];
 * 8. names: the words after "tên", "họ tên", "name:", "chủ TK", "người nhận" (any case after a colon,
 *    capitalised otherwise), and capitalised words after an honorific (anh, chị, em, ông, bà, cô, chú,
 *    bác, cháu, Mr, Mrs, Ms) → [tên]. A name written in lower case after an honorific ("anh minh") is
 *    not recognised; a capitalised place or organisation after one ("Bà Rịa") is masked too.
 *    Officials see the markers, never what they replaced.
 */

export type MaskKind = 'phone' | 'account' | 'id' | 'email' | 'otp' | 'name';

export const MASKS: Record<MaskKind, string> = {
  phone: '[SĐT]',
  account: '[STK]',
  id: '[CCCD]',
  email: '[email]',
  otp: '[mã]',
  name: '[tên]',
};

export interface Masked {
  text: string;
  /** How many of each kind were masked. */
  counts: Record<MaskKind, number>;
}

// Placeholders for the spans set aside: one private-use character each, so no later pattern
// (which all look for digits or letters) can match inside them.
const HOLD_BASE = 0xe000;
const HOLD_MAX = 0x1000;
const HOLD = /[\ue000-\uefff]/g;

const L = String.raw`\p{L}\p{M}`;
/** Separators inside a written number: one space, dot or dash. */
const SEP = String.raw`[ .\-]?`;

const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,6}/gu;
/** Links as scams write them: with a scheme (also "hxxp"), "www.", or a bare domain, dots also as "[.]" or "(dot)". */
const URL_LIKE = new RegExp(
  String.raw`(?:(?:https?|hxxps?):\/\/|www\.)[^\s<>"'«»]{1,300}` +
    String.raw`|(?<![\p{L}\p{N}@.\-])(?:[a-z0-9][a-z0-9-]{0,62}(?:\.|\s?\[\.\]\s?|\s?\(dot\)\s?)){1,5}[a-z]{2,12}(?![\p{L}\p{N}])(?:\/[^\s<>"'«»]{0,200})?`,
  'giu',
);

/** A word in any case, for patterns that must otherwise tell capitals apart (no `i` flag). */
function anyCase(words: string): string {
  return [...words]
    .map((ch) => (ch === ' ' ? String.raw`\s+` : ch === '.' ? String.raw`\.` : ch.toUpperCase() !== ch ? `[${ch}${ch.toUpperCase()}]` : ch))
    .join('');
}
const anyOf = (words: readonly string[]): string => `(?:${words.map(anyCase).join('|')})`;

const CURRENCY = String.raw`(?:vnđ|vnd|đồng|dong|đ|d|k|tr|triệu|trieu|nghìn|nghin|ngàn|ngan|tỷ|ty|usd|\$|€|eur|million|thousand)`;
const NOT_MONEY = String.raw`(?![ .\-]?${CURRENCY}(?![${L}]))`;

const ACCOUNT_WORDS = String.raw`(?:stk|tài\s+khoản|tai\s+khoan|s\.tk|số\s+tài\s+khoản|so\s+tai\s+khoan|tài\s+khoản\s+số|tai\s+khoan\s+so|số\s+tk|so\s+tk|tk|số\s+thẻ|so\s+the|thẻ\s+số|the\s+so|account(?:\s+(?:number|no\.?))?|acc|card(?:\s+number)?)`;
const ID_WORDS = String.raw`(?:cccd|cmnd|cmt|căn\s+cước(?:\s+công\s+dân)?|can\s+cuoc(?:\s+cong\s+dan)?|số\s+định\s+danh|so\s+dinh\s+danh|định\s+danh|dinh\s+danh|id\s+(?:card|number)|passport|hộ\s+chiếu|ho\s+chieu)`;
const OTP_WORDS = String.raw`(?:otp|mã\s+xác\s+(?:thực|nhận)|ma\s+xac\s+(?:thuc|nhan)|mã\s+bảo\s+mật|ma\s+bao\s+mat|mã|ma|code|passcode|pin)`;
/** Between the word and its number: "STK: ", "số tài khoản là ", "CCCD số ". At most a few short words. */
const LEAD = String.raw`(?:[\s:#=.,\-]|là|la|số|so|is|of|no\.?|của\s+bạn|cua\s+ban|của\s+em|cua\s+em|của\s+anh|cua\s+anh){0,6}`;
/** A number written in groups: 4 to 19 digits with single separators. */
const NUMBER = String.raw`\d(?:${SEP}\d){3,18}`;

const ACCOUNT_CTX = new RegExp(String.raw`(?<![${L}\p{N}])(${ACCOUNT_WORDS})(${LEAD})(${NUMBER})(?![\p{N}])${NOT_MONEY}`, 'giu');
const ID_CTX = new RegExp(String.raw`(?<![${L}\p{N}])(${ID_WORDS})(${LEAD})(\d(?:${SEP}\d){7,14})(?![\p{N}])`, 'giu');
const OTP_CTX = new RegExp(String.raw`(?<![${L}\p{N}])(${OTP_WORDS})([^\p{N}\n]{0,24}?)(\d{4,8}|\d{3} \d{3})(?![\p{N}])${NOT_MONEY}`, 'giu');

/** +84 / 84 / 0, then 9–10 digits in groups (mobile and landline). */
const PHONE = new RegExp(String.raw`(?<![\p{N}+])(?:\(?\+84\)?[ .\-]?|84[ .\-]?|0)(?:\d${SEP}){8,9}\d(?![\p{N}])`, 'gu');
/** 1900 / 1800 service numbers (businesses' hotlines): kept. */
const SERVICE_NUMBER = /(?<![\p{N}])(?:1900|1800)(?:[ .\-]?\d){4,6}(?![\p{N}])/gu;

const MONEY = new RegExp(
  String.raw`(?<![\p{N}])(?:\$\s?\d[\d.,]{0,18}|\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?(?:\s?${CURRENCY}(?![${L}]))?|\d{1,15}(?:[.,]\d{1,3})?\s?${CURRENCY}(?![${L}]))(?![\p{N}])`,
  'giu',
);

const CCCD = /(?<![\p{N}])\d{12}(?![\p{N}])/gu;
/** Digits in groups (a card "4111 1111 1111 1111", an account "1903 5678 9012 34"): 9 digits or more in all. */
const GROUPED = /(?<![\p{N}])\d{2,6}(?:[ -]\d{2,6}){1,5}(?![\p{N}])/gu;
const LONG_RUN = /(?<![\p{N}])\d{8,19}(?![\p{N}])/gu;

const HONORIFICS = anyOf(['anh', 'chị', 'chi', 'em', 'ông', 'ong', 'bà', 'cô', 'chú', 'chu', 'bác', 'bac', 'cháu', 'chau', 'mr.', 'mrs.', 'ms.', 'mr', 'mrs', 'ms', 'miss']);
/** A capitalised word: an upper-case letter, then letters (Vietnamese marks included). */
const CAP_WORD = String.raw`\p{Lu}[${L}]{0,15}`;
const AFTER_HONORIFIC = new RegExp(String.raw`(?<![${L}])(${HONORIFICS})(\s+)(${CAP_WORD}(?:\s+${CAP_WORD}){0,3})(?![${L}])`, 'gu');
const NAME_WORDS = [
  'họ và tên', 'ho va ten', 'họ tên', 'ho ten', 'tên', 'ten', 'chủ tài khoản', 'chu tai khoan', 'chủ tk', 'chu tk', 'ctk',
  'người nhận', 'nguoi nhan', 'full name', 'name', 'beneficiary',
];
/** "Tên: Nguyễn Văn A", "name: john smith", "chủ TK: NGUYEN VAN A": up to four words, in any case, after a colon. */
const NAMED_COLON = new RegExp(String.raw`(?<![${L}])(${anyOf(NAME_WORDS)})(\s*:\s*)([${L}]{1,16}(?:[ ]+[${L}]{1,16}){0,3})(?![${L}])`, 'gu');
/** "tên Nguyễn Văn An", "người nhận là Trần Thị B": capitalised words only. */
const NAMED_CAPS = new RegExp(String.raw`(?<![${L}])(${anyOf(NAME_WORDS)})(\s+(?:${anyOf(['là', 'la', 'is'])}\s+)?)(${CAP_WORD}(?:\s+${CAP_WORD}){0,3})(?![${L}])`, 'gu');
/** Capitalised words after an honorific that are not names. */
const NOT_NAMES = new Set(['zalo', 'facebook', 'messenger', 'otp', 'ok', 'hi', 'hello']);

function emptyCounts(): Record<MaskKind, number> {
  return { phone: 0, account: 0, id: 0, email: 0, otp: 0, name: 0 };
}

/**
 * Mask what identifies a person in a reported message.
 *
 * @example
 * maskText('Gọi 0912 345 678 hoặc chuyển 5.000.000đ vào STK 0123456789, tên Nguyễn Văn An, tại vcb-secure.example').text
 * // 'Gọi [SĐT] hoặc chuyển 5.000.000đ vào STK [STK], tên [tên], tại vcb-secure.example'
 */
export function maskText(input: string): Masked {
  const counts = emptyCounts();
  const held: string[] = [];
  const hold = (s: string): string => {
    if (held.length >= HOLD_MAX) return s;
    held.push(s);
    return String.fromCharCode(HOLD_BASE + held.length - 1);
  };
  const mark = (kind: MaskKind): string => {
    counts[kind] += 1;
    return hold(MASKS[kind]);
  };

  let text = input.normalize('NFC').replace(HOLD, '');
  text = text.replace(EMAIL, () => mark('email'));
  text = text.replace(URL_LIKE, (m) => hold(m));
  text = text.replace(ACCOUNT_CTX, (_m, word: string, lead: string) => `${word}${lead}${mark('account')}`);
  text = text.replace(ID_CTX, (_m, word: string, lead: string) => `${word}${lead}${mark('id')}`);
  text = text.replace(OTP_CTX, (_m, word: string, lead: string) => `${word}${lead}${mark('otp')}`);
  text = text.replace(SERVICE_NUMBER, (m) => hold(m));
  text = text.replace(PHONE, () => mark('phone'));
  text = text.replace(MONEY, (m) => hold(m));
  text = text.replace(GROUPED, (m) => (m.replace(/\D/g, '').length >= 9 ? mark('account') : m));
  text = text.replace(CCCD, () => mark('id'));
  text = text.replace(LONG_RUN, () => mark('account'));
  text = text.replace(NAMED_COLON, (_m, word: string, colon: string) => `${word}${colon}${mark('name')}`);
  text = text.replace(NAMED_CAPS, (_m, word: string, gap: string) => `${word}${gap}${mark('name')}`);
  text = text.replace(AFTER_HONORIFIC, (m, word: string, gap: string, name: string) => {
    if (NOT_NAMES.has(name.split(/\s+/)[0]!.toLowerCase())) return m;
    return `${word}${gap}${mark('name')}`;
  });
  // Restore what was set aside (markers and kept spans), innermost last: a span never holds another.
  return { text: text.replace(HOLD, (c) => held[c.charCodeAt(0) - HOLD_BASE] ?? ''), counts };
}

/** Does the text still contain something a mask should have caught? (For the phrases officials get.) */
export function hasMaskOrDigits(text: string): boolean {
  return /\d/.test(text) || Object.values(MASKS).some((m) => text.includes(m));
}
