/** Finding links the way scammers write them (src/checker/links.ts). */
import { describe, expect, it } from 'vitest';
import { extractLinks } from '../../src/checker/links.js';
import { rules } from './shipped-rules.js';

const hosts = (text: string): string[] => extractLinks(text.normalize('NFC'), rules.links).map((l) => l.host);
const raws = (text: string): string[] => extractLinks(text.normalize('NFC'), rules.links).map((l) => l.raw);

describe('extractLinks', () => {
  it.each([
    ['http and https', 'Xem https://abc-secure.example/login và http://x.example', ['abc-secure.example', 'x.example']],
    ['without a scheme, with a path', 'Đăng nhập tại abc-secure.example/login ngay', ['abc-secure.example']],
    ['www. without a scheme', 'Trang www.x.vn có đủ', ['www.x.vn']],
    ['spaces around dots', 'Mở khoá tại vcb . com . vn nhé', ['vcb.com.vn']],
    ['[.] brackets', 'vào vcb [.] com hoặc vcb[.]com', ['vcb.com', 'vcb.com']],
    ['(dot) and (.)', 'vcb (dot) com và abc(.)example', ['vcb.com', 'abc.example']],
    ['the word dot', 'go to vcb dot example', ['vcb.example']],
    ['chấm, with and without diacritics', 'vào vcb chấm com chấm vn hoặc abc cham example', ['vcb.com.vn', 'abc.example']],
    ['hxxp and hxxps', 'hxxp://a.example và hxxps://b.example/x', ['a.example', 'b.example']],
    ['hxxp[:]//', 'hxxps[:]//c.example/login', ['c.example']],
    ['an IP address with a scheme or a path', 'http://203.0.113.45/vcb và 203.0.113.7/login', ['203.0.113.45', '203.0.113.7']],
    ['a shortener', 'bấm bit.ly/abc123 hoặc tinyurl.com/xyz', ['bit.ly', 'tinyurl.com']],
    ['uppercase', 'VAO VCB-SECURE.EXAMPLE NGAY', ['vcb-secure.example']],
  ])('finds links %s', (_name, text, expected) => {
    expect(hosts(text)).toEqual(expected);
  });

  it('decodes punycode to the letters it hides', () => {
    const [link] = extractLinks('Mở khoá: https://xn--vietcmbank-ivi.example/', rules.links);
    expect(link?.host).toBe('vietc\u043Embank.example');
    expect(link?.punycode).toBe(true);
  });

  it('keeps the link exactly as written, without trailing punctuation', () => {
    expect(raws('Truy cập vcb [.] com . vn/login. Sau đó')).toEqual(['vcb [.] com . vn/login']);
    expect(raws('(xem https://abc.example/a?b=1), rồi')).toEqual(['https://abc.example/a?b=1']);
  });

  it('marks disguised links and not plain ones', () => {
    const found = extractLinks('abc.example và vcb [.] example và hxxp://x.example', rules.links);
    expect(found.map((l) => l.disguised)).toEqual([false, true, true]);
  });

  it.each([
    ['a city abbreviation', 'Gửi từ TP.HCM hôm qua'],
    ['money amounts', 'Số tiền 1.500.000đ và 2.000.000 VND, lãi 5.5%'],
    ['a sentence end without a space', 'Xong rồi.Mai gặp nhé'],
    ['a sentence end before an everyday word', 'Call me.To be sure'],
    ['an ending that is also a word, without a path', 'xong roi.me an com chua'],
    ['a file code', 'Hồ sơ G22.99-240512-0031 đã có kết quả'],
    ['an e-mail address', 'Viết cho abc@vcb-secure.example'],
    ['a dotted IP-like amount without a scheme', 'Giá 1.200.000.000 đồng'],
    ['chấm used as a verb', 'Cô giáo chấm bài xong chưa'],
  ])('does not take %s for a link', (_name, text) => {
    expect(hosts(text)).toEqual([]);
  });

  it('accepts an everyday-word ending when a path follows', () => {
    expect(hosts('nhóm t.me/abc_example')).toEqual(['t.me']);
  });
});
