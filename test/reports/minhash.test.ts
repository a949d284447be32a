/** MinHash signatures and LSH bands (src/reports/minhash.ts): alike messages look alike, others do not. */
import { describe, expect, it } from 'vitest';
import { maskText } from '../../src/reports/mask.js';
import {
  BANDS, HASHES, bandBuckets, decodeSignature, encodeSignature, jaccard, shingleText, shingles, signature, similarity,
} from '../../src/reports/minhash.js';

const masked = (text: string) => maskText(text).text;
const sim = (a: string, b: string) => similarity(signature(masked(a)), signature(masked(b)));
const sharesBucket = (a: string, b: string) => {
  const x = bandBuckets(signature(masked(a)));
  const y = bandBuckets(signature(masked(b)));
  return x.some((bucket, i) => bucket === y[i]);
};

const WAVE = 'Tài khoản Vietcombank của bạn bị tạm khóa. Đăng nhập tại vcb-secure.example để mở khóa trong 24h. Hotline 0912345678';
const VARIANTS = [
  'Tài khoản Vietcombank của bạn bị tạm khóa. Đăng nhập tại vcb-secure.example để mở khóa trong 24h. Hotline 0987 654 321',
  'Tai khoan Vietcombank cua ban bi tam khoa. Dang nhap tai vcb-secure.example de mo khoa trong 24h. Hotline 0911.222.333',
  'TÀI KHOẢN VIETCOMBANK CỦA BẠN BỊ TẠM KHÓA.   Đăng   nhập tại vcb-secure.example   để mở khóa trong 24h.\nHotline +84 912 000 111',
  'Tài khoản Vietcombank của quý khách bị tạm khóa. Đăng nhập tại vcb-secure.example để mở khóa trong 24 giờ. Hotline 0933444555',
];
const DIFFERENT = [
  'Chúc mừng bạn trúng thưởng xe máy Honda SH, nộp phí 500.000đ để nhận giải tại trungthuong-sh.example',
  'Con đây, con bị tai nạn đang ở viện, mẹ chuyển gấp cho con 10 triệu vào số này nhé',
  'Điện lực thông báo: tiền điện tháng này bị tính thừa, kết bạn Zalo 0911222333 để được hoàn tiền',
  'Việc nhẹ lương cao: thả tim video TikTok, mỗi ngày 500k, nạp trước 200k để nhận nhiệm vụ',
];

describe('signatures', () => {
  it('are deterministic and 64 values long, and survive being stored as hex', () => {
    const a = signature(WAVE);
    expect(a).toHaveLength(HASHES);
    expect(signature(WAVE)).toEqual(a);
    const hex = encodeSignature(a);
    expect(hex).toMatch(/^[0-9a-f]{512}$/);
    expect(decodeSignature(hex)).toEqual(a);
    expect(bandBuckets(a)).toHaveLength(BANDS);
  });

  it('fold diacritics, case, spacing and punctuation away before shingling', () => {
    expect(shingleText('Tạm  KHÓA, đăng-nhập!')).toBe('tamkhoadangnhap');
    expect(shingles('abc').size).toBe(1);
    expect(shingles('').size).toBe(0);
  });

  it('estimate the Jaccard similarity of the shingles (± 0.2)', () => {
    for (const other of [...VARIANTS, ...DIFFERENT]) {
      expect(Math.abs(sim(WAVE, other) - jaccard(masked(WAVE), masked(other)))).toBeLessThan(0.2);
    }
  });
});

describe('alike and not alike', () => {
  it.each(VARIANTS)('a variant of the wave (other phone numbers, spacing, no diacritics) is alike and shares a bucket: %s', (variant) => {
    expect(sim(WAVE, variant)).toBeGreaterThanOrEqual(0.5);
    expect(sharesBucket(WAVE, variant)).toBe(true);
  });

  it.each(DIFFERENT)('another scam is not alike: %s', (other) => {
    expect(sim(WAVE, other)).toBeLessThan(0.3);
  });

  it('masking is what makes phone-number variants identical', () => {
    expect(sim(VARIANTS[0]!, VARIANTS[1]!)).toBe(1);
    const raw = similarity(signature(VARIANTS[0]!), signature(VARIANTS[1]!));
    expect(raw).toBeLessThan(1);
  });
});
