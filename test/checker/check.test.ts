/** The verdict (src/checker/check.ts): score, risk, links, type, lesson, advice. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../src/checker/check.js';
import { BANK_SCAM_TYPES } from '../../src/flows/schema.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { loadCorpus } from './corpus.js';
import { rules } from './shipped-rules.js';

describe('checkMessage', () => {
  it('explains every point of the score: it is the sum of the listed signs', () => {
    for (const m of loadCorpus()) {
      const v = checkMessage(m.text, rules);
      const sum = Math.round(v.signals.reduce((s, x) => s + x.weight, 0) * 100) / 100;
      expect(v.score, m.id).toBe(sum);
      for (const s of v.signals) {
        expect(m.text.normalize('NFC'), `${m.id} ${s.id}`).toContain(s.evidence);
        expect(s.evidence.length, `${m.id} ${s.id}`).toBeGreaterThan(0);
      }
    }
  });

  it('takes the thresholds from the data', () => {
    const text = 'Chuyển khoản cho em nhé'; // ask.transfer alone
    expect(checkMessage(text, rules).score).toBe(3);
    expect(checkMessage(text, rules).risk).toBe('low');
    const lower = { ...rules, verdict: { ...rules.verdict, thresholds: { medium: 3, high: 10 } } };
    expect(checkMessage(text, lower).risk).toBe('medium');
  });

  it('answers an ordinary message with low risk, no lesson and the low advice', () => {
    const v = checkMessage('Con về muộn, mẹ ăn cơm trước nhé.', rules);
    expect(v).toEqual({ risk: 'low', score: 0, signals: [], links: [], advice: rules.verdict.advice.low });
  });

  it('says there is nothing to check when the text has no letter or digit', () => {
    for (const text of ['', '   ', '🙂', '👍🏻🙏', '???', '…!', '❤️ ❤️']) {
      const v = checkMessage(text, rules);
      expect(v.nothingToCheck, JSON.stringify(text)).toBe(true);
      expect(v.signals, JSON.stringify(text)).toEqual([]);
      expect(v.risk).toBe('low');
    }
    for (const text of ['ok', '5', 'Ừ', 'bit.ly/3xYz 🙂']) expect(checkMessage(text, rules).nothingToCheck, text).toBeUndefined();
  });

  it('rates a message that is nothing but a shortened link at least medium', () => {
    for (const text of ['http://bit.ly/3xYz', 'bit.ly/3xYz', ' bit.ly/3xYz 🙂 ', 'hxxps://tinyurl.com/abc12']) {
      const v = checkMessage(text, rules);
      expect(v.risk, text).not.toBe('low');
      expect(v.signals.map((s) => s.id), text).toEqual(expect.arrayContaining(['link.suspicious.shortener', 'link.alone']));
      expect(v.lesson, text).toBe(rules.verdict.fallbackLesson.withLink);
    }
    const alone = checkMessage('http://bit.ly/3xYz', rules).signals.find((s) => s.id === 'link.alone');
    expect(alone?.reason.vi).toContain('bit.ly');
    expect(alone?.evidence).toBe('http://bit.ly/3xYz');
    // With words around it, the link is judged with them; an official link alone is no warning.
    expect(checkMessage('Xem ảnh cưới của Lan ở đây nhé bit.ly/3xYz', rules).signals.map((s) => s.id)).not.toContain('link.alone');
    expect(checkMessage('dichvucong.gov.vn', rules).signals.map((s) => s.id)).toEqual(['legit.official-link']);
  });

  it('lists the links with their verdicts', () => {
    const v = checkMessage('Xem dichvucong.gov.vn, vcb [.] com . vn/login, bit.ly/x và abc.example', rules);
    expect(v.links).toEqual([
      { raw: 'dichvucong.gov.vn', host: 'dichvucong.gov.vn', verdict: 'official' },
      { raw: 'vcb [.] com . vn/login', host: 'vcb.com.vn', verdict: 'lookalike' },
      { raw: 'bit.ly/x', host: 'bit.ly', verdict: 'suspicious' },
      { raw: 'abc.example', host: 'abc.example', verdict: 'unknown' },
    ]);
  });

  it('reassures with an official address only when every link is official', () => {
    expect(checkMessage('Tra cứu tại dichvucong.gov.vn', rules).signals.map((s) => s.id)).toEqual(['legit.official-link']);
    const mixed = checkMessage('Tra cứu tại dichvucong.gov.vn hoặc dvc-tracuu.example', rules).signals.map((s) => s.id);
    expect(mixed).not.toContain('legit.official-link');
    expect(mixed).toContain('link.unknown');
  });

  it('fills the link reasons with the address and the imitated brand', () => {
    const s = checkMessage('Xác minh tại vietcombank-secure.example', rules).signals.find((x) => x.id === 'link.lookalike.brand');
    expect(s?.reason.vi).toContain('vietcombank-secure.example');
    expect(s?.reason.en).toContain('Vietcombank');
    expect(s?.evidence).toBe('vietcombank-secure.example');
  });

  it('names the imitated brand in each language, never both in one reason', () => {
    const evn = checkMessage('Thanh toán tiền điện tại dienluc-thanhtoan.example', rules).signals.find((x) => x.id === 'link.lookalike.brand');
    expect(evn?.reason.vi).toBe('Đường link dienluc-thanhtoan.example mượn tên Điện lực (EVN) nhưng không phải địa chỉ chính thức của Điện lực (EVN).');
    expect(evn?.reason.en).toBe('The link dienluc-thanhtoan.example borrows the name of the power company (EVN) but is not an official address of the power company (EVN).');
    // Every brand: a look-alike of it names it in the reader's language only.
    const brands = new Map(rules.links.brandTokens.map((t) => [t.brand.id, t]));
    for (const { token, brand } of brands.values()) {
      const s = checkMessage(`Xem ${token}-hotro.example`, rules).signals.find((x) => x.id.startsWith('link.lookalike.'));
      expect(s, brand.id).toBeDefined();
      expect(s!.reason.vi, brand.id).toContain(brand.name.vi);
      expect(s!.reason.en, brand.id).toContain(brand.name.en ?? brand.name.vi);
      if (brand.name.en) {
        expect(s!.reason.vi, brand.id).not.toContain(brand.name.en);
        expect(s!.reason.en, brand.id).not.toContain(brand.name.vi);
      }
      for (const reason of [s!.reason.vi, s!.reason.en]) expect(reason, brand.id).not.toContain(' / ');
    }
  });

  it.each([
    ['Tài khoản bị tạm khoá. Xác minh trong 24h tại vietcombank-secure.example', 'bank', 'check-link'],
    ['Tài khoản VNeID sẽ bị khoá. Tải bản mới tại vneid-moi.example/vneid.apk', 'vneid', 'vneid-level2'],
    ['Điện lực: cắt điện lúc 16h hôm nay. Thanh toán tại dienluc-no.example', 'bill', 'bill-payment'],
    ['Anh đọc giúp em mã OTP vừa gửi về máy nhé', 'otp', 'password-otp'],
    ['Góp vốn 50 triệu, lãi 15%/tháng, chuyên gia cam kết không lỗ.', 'investment', 'scam-practice'],
  ])('names the scam type and the lesson: %s', (text, scamType, lesson) => {
    const v = checkMessage(text, rules);
    expect(v.risk).toBe('high');
    expect(v.scamType).toBe(scamType);
    expect(v.lesson).toBe(lesson);
    expect(v.advice).toEqual(rules.verdict.types[scamType as 'bank'].advice);
  });

  it('weighs a sign that points to several types as a share for each, so the imitated brand decides', () => {
    // "bị tạm khoá", "sinh trắc học", "xác thực tại" point to a bank (among others); the BHXH look-alike only to a benefit.
    const v = checkMessage('[BHXH] Tài khoản VssID của ông/bà bị tạm khoá do chưa xác thực sinh trắc học. Vui lòng xác thực tại vssid-xacthuc.example trong 24h.', rules);
    expect(v.risk).toBe('high');
    expect(v.scamType).toBe('benefit');
    expect(v.advice).toEqual(rules.verdict.types.benefit.advice);
  });

  it('names no type when two tie: the general advice rather than one picked by chance', () => {
    // A lock and a link point to a bank and to a Zalo/Facebook account alike; the network's look-alike to neither.
    const v = checkMessage('Viettel thong bao: thue bao cua quy khach se bi khoa 2 chieu trong 24h. Cap nhat tai viettel-chuanhoa.example', rules);
    expect(v.risk).toBe('high');
    expect(v.scamType).toBeUndefined();
    expect(v.advice).toEqual(rules.verdict.advice.high);
    expect(v.lesson).toBe(rules.verdict.fallbackLesson.withLink);
  });

  it('takes a link sign\'s own types from links.yaml: an .apk link is the fake-app scam', () => {
    const v = checkMessage('Thiệp mời đám cưới của vợ chồng mình nè, bạn tải về xem nhé: thiepmoi-cuoi.example/thiep.apk', rules);
    expect(v.scamType).toBe('app');
    expect(v.lesson).toBe(rules.verdict.types.app.lesson);
  });

  it('rates a scam story around a shortened link at least as high as the bare link', () => {
    const bare = checkMessage('bit.ly/3xYz9Ab', rules);
    for (const text of [
      'Cong an xa thong bao: can cap nhat VNeID muc 2, tai ung dung moi tai link sau va lam theo huong dan: bit.ly/3xYz9Ab',
      'Công an xã thông báo: cần cập nhật VNeID mức 2, tải ứng dụng mới tại link sau và làm theo hướng dẫn: bit.ly/3xYz9Ab',
    ]) {
      const v = checkMessage(text, rules);
      expect(v.score, text).toBeGreaterThan(bare.score);
      expect(v.risk, text).toBe('high');
      expect(v.scamType, text).toBe('vneid');
    }
  });

  it('falls back to the link lesson when no type stands out but a link does', () => {
    const v = checkMessage('Xem ngay hxxp://203.0.113.9/abc trong 24h', rules);
    expect(v.risk).not.toBe('low');
    expect(v.scamType).toBeUndefined();
    expect(v.lesson).toBe(rules.verdict.fallbackLesson.withLink);
    expect(v.advice).toEqual(rules.verdict.advice[v.risk]);
  });

  it('has a lesson and advice for every scam type', () => {
    for (const t of BANK_SCAM_TYPES) {
      expect(rules.verdict.types[t].lesson).toMatch(/^[a-z0-9-]+$/);
      expect(rules.verdict.types[t].advice.vi).not.toBe('');
    }
  });
});

describe('purity', () => {
  it('checking a message does no I/O: only the loader reads files', () => {
    const dir = join(PROJECT_ROOT, 'src/checker');
    const io = /from '(node:fs|node:path|ioredis|express|botbuilder|\.\.\/(store|channels|conversation|http)\/)/;
    const offenders = readdirSync(dir).filter((f) => f.endsWith('.ts') && !['load-rules.ts', 'index.ts'].includes(f) && io.test(readFileSync(join(dir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
