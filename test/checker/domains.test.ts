/** Judging a link's address (src/checker/domains.ts): official, look-alike, suspicious, unknown. */
import { describe, expect, it } from 'vitest';
import { damerauLevenshtein, judgeLink } from '../../src/checker/domains.js';
import { extractLinks } from '../../src/checker/links.js';
import { skeleton } from '../../src/checker/rules.js';
import { rules } from './shipped-rules.js';

function judge(text: string): { verdict: string; keys: string[]; brand?: string } {
  const [link] = extractLinks(text.normalize('NFC'), rules.links);
  if (!link) throw new Error(`no link found in ${text}`);
  const { verdict, findings } = judgeLink(link, rules.links);
  const brand = findings.find((f) => f.brand)?.brand?.id;
  return { verdict, keys: findings.map((f) => f.key), ...(brand ? { brand } : {}) };
}

describe('damerauLevenshtein', () => {
  it.each([
    ['agribank', 'agribank', 0],
    ['agribnak', 'agribank', 1], // two letters swapped
    ['vietconbank', 'vietcombank', 1],
    ['vietcombak', 'vietcombank', 1],
    ['vietcommbank', 'vietcombank', 1],
    ['ca', 'abc', 2], // the unrestricted distance; restricted (OSA) would say 3
    ['zalo', 'vcb', 4],
  ])('%s → %s is %i', (a, b, d) => {
    expect(damerauLevenshtein(a, b)).toBe(d);
  });
});

describe('skeleton', () => {
  it('folds look-alike letters and digits to one spelling', () => {
    const s = (x: string) => skeleton(x, rules.links.homoglyphs);
    expect(s('vietc\u043Embank')).toBe(s('vietcombank')); // Cyrillic о
    expect(s('\u0430gribank')).toBe(s('agribank')); // Cyrillic а
    expect(s('agr1bank')).toBe(s('agribank'));
    expect(s('agrlbank')).toBe(s('agribank'));
    expect(s('vietcornbank')).toBe(s('vietcombank')); // rn → m
    expect(s('zal0')).toBe(s('zalo'));
    expect(s('vietcombank')).not.toBe(s('vietinbank'));
  });
});

describe('judgeLink', () => {
  it.each([
    ['an allowlisted domain', 'dichvucong.gov.vn', 'dichvucong'],
    ['a subdomain of an allowlisted domain', 'https://cskh.evn.com.vn/tra-cuu', 'evn'],
    ['any .gov.vn address', 'https://sotuphap.abc.gov.vn', 'government'],
    ['the cyber security centre\'s own site, which holds its brand word', 'https://canhbao.khonggianmang.vn', 'cybersecurity'],
    ['with www.', 'www.vietcombank.com.vn', 'vietcombank'],
    ['uppercase', 'VIETCOMBANK.COM.VN', 'vietcombank'],
  ])('calls %s official', (_name, text, brand) => {
    expect(judge(text)).toEqual({ verdict: 'official', keys: ['official'], brand });
  });

  it.each([
    ['a brand inside another domain', 'vietcombank-secure.xyz', 'brand', 'vietcombank'],
    ['a short brand as a whole part', 'vcb-mokhoa.example', 'brand', 'vietcombank'],
    ['the brand name on another ending', 'vietcombank.com', 'brand', 'vietcombank'],
    ['an official domain followed by another', 'agribank.com.vn.verify.example', 'officialPrefix', 'agribank'],
    ['an official domain followed by a dash', 'evn.com.vn-billing.example', 'officialPrefix', 'evn'],
    ['Cyrillic letters', 'vietc\u043Embank.example', 'homoglyph', 'vietcombank'],
    ['a digit for a letter', 'agr1bank.example', 'homoglyph', 'agribank'],
    ['l for i', 'agrlbank.com.vn', 'homoglyph', 'agribank'],
    ['rn for m', 'vietcornbank.com.vn', 'homoglyph', 'vietcombank'],
    ['punycode hiding Cyrillic', 'https://xn--vietcmbank-ivi.example', 'homoglyph', 'vietcombank'],
    ['one letter changed', 'vietconbank.example', 'typo', 'vietcombank'],
    ['two letters swapped', 'agribnak.example', 'typo', 'agribank'],
    ['two edits on a long name', 'vietcombamkk.example', 'typo', 'vietcombank'],
  ])('calls %s a look-alike', (_name, text, key, brand) => {
    const r = judge(text);
    expect(r.verdict).toBe('lookalike');
    expect(r.keys[0]).toBe(key);
    expect(r.brand).toBe(brand);
  });

  it.each([['gov-vn.com'], ['dichvucong-gov.vn'], ['abc.gov.vn.xyz'], ['dichvucong.gov.vn.example'], ['g0v-vn.example']])(
    'calls %s a .gov.vn imitation',
    (host) => {
      const r = judge(host);
      expect(r.verdict).toBe('lookalike');
      expect(r.keys).toContain('gov');
    },
  );

  it('does not stretch short names by edit distance (vcb is not abc)', () => {
    expect(judge('abc-shop.example')).toEqual({ verdict: 'unknown', keys: ['unknown'] });
  });

  it.each([
    ['a shortener', 'bit.ly/abc', ['shortener']],
    ['a bare IP address', 'http://203.0.113.45/login', ['ip']],
    ['an .apk download', 'thiep-cuoi.example/thiep.apk', ['apk', 'unknown']],
    ['a risky ending', 'quatang-mayman.xyz', ['riskyTld', 'unknown']],
    ['a disguised spelling', 'hxxp://quatang-mayman.example', ['obfuscated', 'unknown']],
    ['punycode that imitates nothing', 'http://xn--mn-jia.example', ['punycode', 'unknown']],
  ])('calls %s suspicious', (_name, text, keys) => {
    expect(judge(text)).toEqual({ verdict: 'suspicious', keys });
  });

  it('calls an address on no list unknown', () => {
    expect(judge('quatang-mayman.example')).toEqual({ verdict: 'unknown', keys: ['unknown'] });
  });
});
