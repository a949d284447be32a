/** Finding a lesson code in what a resident typed or a referral carried (src/coaching/link.ts). */
import { describe, expect, it } from 'vitest';
import { findCode, newCode, shareCode } from '../../src/coaching/link.js';

describe('findCode', () => {
  it.each([
    'HSTVJZ65',
    'hstvjz65',
    'HS TVJZ65',
    'hs-tvjz65',
    // copied as the big code is shown, in two groups, or wrapped anywhere on a small screen
    'HSTV JZ65',
    'HSTV-JZ65',
    'hstv  jz65',
    'HSTVJ Z65',
    'HSTV – JZ65',
    'hs tv jz 65',
    'HS TV-JZ-65',
    'H S T V J Z 6 5',
    '  "HSTV JZ65". ',
    'HSTV\u00a0JZ65',
  ])('reads %j as HSTVJZ65', (text) => {
    expect(findCode(text)).toBe('HSTVJZ65');
  });

  it.each([
    ['Mã của con là HSTV JZ65 nhé mẹ', 'HSTVJZ65'],
    ['mo bai HS7K-3P9Q giup me', 'HS7K3P9Q'],
    ['Gửi bạn: hs 7k3p9q.', 'HS7K3P9Q'],
    ['https://bot.example.vn/l/HS7K3P9Q', 'HS7K3P9Q'],
  ])('finds the code inside a sentence: %j', (text, code) => {
    expect(findCode(text)).toBe(code);
  });

  it.each([
    'THSTVJZ65', // inside a longer word
    'HSTVJZ65X',
    'HSTVJZ6',
    'HSTVJZ655',
    'ĐHSTVJZ65',
    'HSTVJZ65đ',
    'HS0O1IL5', // look-alikes are not in codes
    'hs tv jz 6', // too short, spaced
    'hs tv jz 65 78', // too long, spaced
    // a standalone "HS" (học sinh, pupils) and ordinary words must not join into a code inside a sentence
    'Cho hs nam nay nghỉ học',
    'hs vang 25 em hom nay',
    'HS TV JZ 65 la gi vay',
    'HSBC bank',
    'Tài khoản HSBC bank của tôi',
    'hs nam nay',
    'hs tv jz ab', // split, without a digit: words could do that
    'lop co HSG 25 em a', // HSG (học sinh giỏi) and words: split more than once inside a sentence
    'Mã là HS7K 3P 9Q nhé',
  ])('finds no code in %j', (text) => {
    expect(findCode(text)).toBeUndefined();
  });

  it('reads a code without a digit written together, not split', () => {
    expect(findCode('HSTVJZAB')).toBe('HSTVJZAB');
    expect(findCode('hs tvjzab')).toBe('HSTVJZAB');
    expect(findCode('HSTV JZAB')).toBeUndefined();
  });

  it('reads every new code back, however it is grouped (new codes always hold a digit)', () => {
    for (let i = 0; i < 300; i++) {
      const code = newCode();
      const chars = [...code];
      expect(code).toMatch(/^HS[A-Z2-9]{6}$/);
      expect(code.slice(2)).toMatch(/\d/);
      expect(findCode(code)).toBe(code);
      expect(findCode(`hs ${code.slice(2).toLowerCase()}`)).toBe(code);
      expect(findCode(`${code.slice(0, 4)} ${code.slice(4)}`)).toBe(code);
      expect(findCode(chars.join(' ').toLowerCase())).toBe(code);
      expect(findCode(`${code.slice(0, 2)}-${code.slice(2, 5)}-${code.slice(5)}`)).toBe(code);
    }
  });

  it("reads every resident's own share code back, however it is grouped (they hold a digit too)", () => {
    const codes = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const code = shareCode(`anon-${i}`, i % 2 ? 'scam-sms' : 'vneid-level2');
      codes.add(code);
      expect(code).toMatch(/^HS[A-Z2-9]{6}$/);
      expect(code.slice(2)).toMatch(/\d/);
      expect(findCode(`${code.slice(0, 4)} ${code.slice(4)}`)).toBe(code);
      expect(findCode([...code].join(' ').toLowerCase())).toBe(code);
      // The same resident and lesson always give the same code.
      expect(shareCode(`anon-${i}`, i % 2 ? 'scam-sms' : 'vneid-level2')).toBe(code);
    }
    expect(codes.size).toBe(300);
  });
});
