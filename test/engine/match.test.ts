/** What residents really type, and which option or command it must mean. */
import { describe, expect, it } from 'vitest';
import { matchCommand, matchOption, numberIn, type MatchableOption } from '../../src/engine/match.js';
import { normalizeAnswer, plain } from '../../src/engine/normalize.js';
import { parsePayload, payload } from '../../src/engine/payloads.js';
import { texts } from './harness.js';

const YES_NO: MatchableOption[] = [
  { label: { vi: 'Có', en: 'Yes' }, means: 'yes' },
  { label: { vi: 'Không', en: 'No' }, means: 'no' },
];
const SCAM_OR_REAL: MatchableOption[] = [
  { label: { vi: 'Lừa đảo', en: 'Scam' } },
  { label: { vi: 'Tin thật', en: 'Genuine' }, synonyms: { vi: ['that', 'tin that su'], en: ['real'] } },
];
const THREE: MatchableOption[] = [
  { label: { vi: 'Tiền mặt', en: 'Cash' } },
  { label: { vi: 'Mã QR', en: 'QR code' }, synonyms: { vi: ['quét mã'] } },
  { label: { vi: 'Thẻ ngân hàng', en: 'Bank card' } },
];

const A_OR_B: MatchableOption[] = [
  { label: { vi: 'Tin A', en: 'Message A' } },
  { label: { vi: 'Tin B', en: 'Message B' } },
  { label: { vi: 'Cả hai', en: 'Both' } },
];
const TWO_VNEID: MatchableOption[] = [
  { label: { vi: 'VNeID mức 2', en: 'Level-2 ID (VNeID)' } },
  { label: { vi: 'Giấy tờ trên VNeID', en: 'Papers in VNeID' } },
];
const DONE: MatchableOption[] = [
  { label: { vi: 'Đã chuyển tiền', en: 'Sent money' } },
  { label: { vi: 'Đã đưa mã', en: 'Gave a code' } },
];

// [typed, options, expected index or null]
const TABLE: [string, MatchableOption[], number | null][] = [
  ['1', YES_NO, 0], ['2', YES_NO, 1], ['1.', YES_NO, 0], [' 2 ', YES_NO, 1], ['số 1', YES_NO, 0], ['so 2', YES_NO, 1],
  ['câu 1', YES_NO, 0], ['một', YES_NO, 0], ['hai', YES_NO, 1], ['3', YES_NO, null],
  ['có', YES_NO, 0], ['Có', YES_NO, 0], ['CÓ', YES_NO, 0], ['co', YES_NO, 0], ['có ạ', YES_NO, 0], ['dạ có', YES_NO, 0],
  ['Dạ có ạ', YES_NO, 0], ['vâng', YES_NO, 0], ['vang', YES_NO, 0], ['ok', YES_NO, 0], ['oke nhé', YES_NO, 0],
  ['ừ', YES_NO, 0], ['yes', YES_NO, 0], ['đồng ý', YES_NO, 0], ['không', YES_NO, 1], ['khong', YES_NO, 1],
  ['ko', YES_NO, 1], ['không ạ', YES_NO, 1], ['dạ không', YES_NO, 1], ['chưa', YES_NO, 1], ['no', YES_NO, 1],
  ['lừa đảo', SCAM_OR_REAL, 0], ['lua dao', SCAM_OR_REAL, 0], ['LUA DAO', SCAM_OR_REAL, 0], ['Lừa đảo!', SCAM_OR_REAL, 0],
  ['chắc là lừa đảo', SCAM_OR_REAL, 0], ['tin that', SCAM_OR_REAL, 1], ['thật', SCAM_OR_REAL, 1], ['scam', SCAM_OR_REAL, 0],
  ['real', SCAM_OR_REAL, 1], ['lua', SCAM_OR_REAL, 0], ['không phải lừa đảo', SCAM_OR_REAL, null], ['con mèo', SCAM_OR_REAL, null],
  ['tien mat', THREE, 0], ['ma qr', THREE, 1], ['quet ma', THREE, 1], ['the ngan hang', THREE, 2], ['thẻ', THREE, 2],
  ['qr code', THREE, 1], ['ba', THREE, 2], ['4', THREE, null], ['', THREE, null], ['ạ', THREE, null],
  // A label whose last word is a particle's ("Tin A"): kept whole, so the other "tin…" answers are not it.
  ['tin a', A_OR_B, 0], ['Tin A ạ', A_OR_B, 0], ['tin b', A_OR_B, 1], ['cả hai', A_OR_B, 2], ['tin thật', A_OR_B, null],
  ['tin thứ hai', A_OR_B, null], ['tin nào cũng thật', A_OR_B, null], ['tin', A_OR_B, null], ['chắc là tin A', A_OR_B, 0],
  // A label whose first word folds to a particle ("Đã" → "da", as "dạ"): typed with or without it.
  ['đã chuyển tiền', DONE, 0], ['chuyển tiền', DONE, 0], ['dạ đã chuyển tiền rồi', DONE, 0], ['đã đưa mã', DONE, 1],
  // The beginning of one label that is a word of another is no unique beginning.
  ['vneid', TWO_VNEID, null], ['vneid muc', TWO_VNEID, 0], ['giay', TWO_VNEID, 1],
];

describe('matchOption', () => {
  it('has at least 40 cases', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });
  it.each(TABLE)('%j picks %#', (typed, options, expected) => {
    expect(matchOption(typed, options, texts) ?? null).toBe(expected);
  });
});

const PAY_OR_NOT: MatchableOption[] = [
  { label: { vi: 'Nộp phí để lấy lại tiền', en: 'Pay the fee' } },
  { label: { vi: 'Không nộp, báo công an', en: 'Don\'t pay, tell the police' }, synonyms: { en: ['never pay', 'don\'t pay'] } },
];

// What English speakers type: a negated sentence picks only an option that says the negation itself.
const ENGLISH: [string, MatchableOption[], number | null][] = [
  ["I'd never pay", PAY_OR_NOT, 1], ["I wouldn't pay the fee", PAY_OR_NOT, null], ["don't pay it", PAY_OR_NOT, 1],
  ['pay the fee', PAY_OR_NOT, 0], ['I will pay the fee', PAY_OR_NOT, 0], ["I can't pay", PAY_OR_NOT, null],
  ["I don't think it's a scam", SCAM_OR_REAL, null], ["that's a scam", SCAM_OR_REAL, 0], ['that is real', SCAM_OR_REAL, 1],
  ['no one', THREE, null], ['no. 2', THREE, 1], ['No 3', THREE, 2], ["I haven't paid the fee", PAY_OR_NOT, null],
  ['không biết', YES_NO, null], ['tôi không biết', YES_NO, null], ['không', YES_NO, 1],
];

describe('matchOption, for an English speaker', () => {
  it.each(ENGLISH)('%j picks %#', (typed, options, expected) => {
    expect(matchOption(typed, options, texts, 'en') ?? null).toBe(expected);
  });
  it('"thật" without its marks is the English word "that": for a Vietnamese speaker it still says genuine', () => {
    expect(matchOption('chắc là thật', SCAM_OR_REAL, texts, 'vi')).toBe(1);
    expect(matchOption("that's a scam", SCAM_OR_REAL, texts, 'vi') ?? null).toBeNull(); // both found: no guess
  });
});

describe('matchCommand', () => {
  const CASES: [string, string | undefined][] = [
    ['menu', 'menu'], ['Danh mục', 'menu'], ['danh muc', 'menu'], ['hướng dẫn', 'help'], ['HELP', 'help'],
    ['tiếp tục', 'continue'], ['hoc tiep', 'continue'], ['học lại', 'restart'], ['restart lesson', 'restart'],
    ['ngôn ngữ', 'language'], ['English', 'language'], ['tạm dừng', 'pause'], ['pause', 'pause'],
    ['xoá dữ liệu', 'delete'], ['xóa dữ liệu', 'delete'], ['xoa du lieu', 'delete'], ['delete my data', 'delete'],
    ['dạ danh mục ạ', 'menu'], ['tôi muốn xem danh mục bài học', undefined], ['1', undefined],
    // "ôn" (revise) folds like "ơn" (thanks): only "cảm ơn" together is thanks, so "ôn lại" keeps it and "lại" is no command.
    ['ôn lại', 'review'], ['on tap', 'review'], ['lại', undefined], ['tập', undefined], ['bài', undefined], ['lai', undefined],
    ['danh mục, cảm ơn', 'menu'], ['cảm ơn', undefined],
  ];
  it.each(CASES)('%j → %s', (typed, expected) => {
    expect(matchCommand(typed, texts)).toBe(expected);
  });
});

describe('numberIn', () => {
  it.each([
    ['2', 2], ['số 2', 2], ['câu hai', 2], ['no. 2', 2], ['3 ạ', 3], ['dạ 3', 3], ['số 3 nhé', 3], ['bài 3', 3], ['bai so 3', 3],
    ['bài hai', 2], ['chọn số 2', 2], ['câu số 1', 1], ['ba', 3],
  ] as const)('%j → %s', (typed, n) => {
    expect(numberIn(typed)).toBe(n);
  });
  it.each(['bà ơi', 'ba ạ', 'no one', '3 triệu', 'bài học', 'hai tin', 'số điện thoại'])('%j is no number', (typed) => {
    expect(numberIn(typed)).toBeUndefined();
  });
});

describe('normalising', () => {
  it('drops diacritics, case, punctuation and polite particles at the ends', () => {
    expect(plain('Đồng Ý!')).toBe('dong y');
    expect(normalizeAnswer('Dạ, có ạ.')).toBe('co');
    expect(normalizeAnswer('ạ')).toBe('a');
    // Texting shorthands are read as their words; the same words with other meanings are left alone.
    expect(normalizeAnswer('ko ai ạ')).toBe('khong ai');
    expect(normalizeAnswer('K cho ai')).toBe('khong cho ai');
    expect(normalizeAnswer('dc r')).toBe('duoc roi');
    expect(normalizeAnswer('máy bị hỏng')).toBe('may bi hong');
    expect(normalizeAnswer('2 kg gạo')).toBe('2 kg gao');
    expect(numberIn('option 3')).toBe(3);
    expect(normalizeAnswer('ôn lại')).toBe('on lai');
    expect(normalizeAnswer('cảm ơn')).toBe('');
    expect(normalizeAnswer('ok cảm ơn nhé')).toBe('ok');
    expect(normalizeAnswer('dạ cảm ơn, tiếp')).toBe('tiep');
  });
});

describe('payloads', () => {
  it('round-trip and reject what we did not make', () => {
    expect(parsePayload(payload.option('ask-otp', 2))).toEqual({ type: 'option', stepId: 'ask-otp', index: 2 });
    expect(parsePayload(payload.lesson('qr-payment'))).toEqual({ type: 'lesson', flowId: 'qr-payment' });
    expect(parsePayload(payload.language('en'))).toEqual({ type: 'language', locale: 'en' });
    expect(parsePayload(payload.delete(true))).toEqual({ type: 'delete', confirm: true });
    expect(parsePayload('c:format-disk')).toBeUndefined();
    expect(parsePayload('o:x:-1')).toBeUndefined();
    expect(parsePayload('hello')).toBeUndefined();
  });
});
