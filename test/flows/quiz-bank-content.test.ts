/**
 * The quiz bank's content (flows/quiz-bank/*.yaml): enough items of every scam type, genuine
 * look-alikes, both languages, pictures that match the text, and only made-up names, numbers and
 * domains (shared/content-brief.md §4). The checkers are tested on bad examples first, so a check
 * that could never fail shows up here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BANK_SCAM_TYPES, QuizBankFile, quizItemImage, type QuizItem } from '../../src/flows/quiz-bank.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { cardSourceHash, layoutCard, pngSourceHash, quizBankJsonSchema } from '../../scripts/render-quiz-cards.js';

const FLOWS = join(PROJECT_ROOT, 'flows');
const BANK = join(FLOWS, 'quiz-bank');
const MEDIA = join(FLOWS, 'media', 'quiz');
const LOCALES = ['vi', 'en'] as const;
const SCHEMA_LINE = '# yaml-language-server: $schema=../quiz-bank.schema.json';

// ---------------------------------------------------------------------------------------------
// Checkers: each returns what is wrong with a text (empty when it is fine).

/** Official sites an item may name: only in genuine items' messages. Keep this list short. */
const OFFICIAL_DOMAINS = ['dichvucong.gov.vn', 'vneid.gov.vn'];
/** Short numbers a text may name (police emergency; spam SMS and call reports). */
const SHORT_CODES = ['113', '5656', '156'];
/** Real brands that must never appear (whole words, any case): banks, wallets, shops, carriers, platforms. */
const BRANDS = [
  'Vietcombank', 'VCB', 'Agribank', 'BIDV', 'Techcombank', 'TCB', 'MB Bank', 'MBBank', 'VPBank', 'VietinBank',
  'Sacombank', 'ACB', 'TPBank', 'HDBank', 'SHB', 'VIB', 'OCB', 'SeABank', 'LPBank', 'Eximbank', 'MSB', 'Nam A Bank',
  'Momo', 'ZaloPay', 'ViettelPay', 'Viettel Money', 'VNPay', 'ShopeePay', 'Shopee', 'Lazada', 'Tiki', 'Sendo', 'TikTok',
  'Viettel Post', 'ViettelPost', 'VNPost', 'Vietnam Post', 'Giao Hàng Nhanh', 'Giao Hàng Tiết Kiệm', 'GHN', 'GHTK',
  'J&T', 'Ninja Van', 'EVN', 'Điện lực Việt Nam', 'Viettel', 'Vinaphone', 'Mobifone', 'Vietnamobile',
  'Zalo', 'Facebook', 'Telegram', 'YouTube', 'Google', 'CH Play', 'iPhone', 'Samsung',
  'TeamViewer', 'AnyDesk', 'UltraViewer',
];
/** Brands that are also plain words ("the app store on your phone"): matched with their capitals only. */
const BRANDS_EXACT_CASE = ['App Store', 'Play Store'];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const brandRe = (b: string, flags: string) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(b.normalize('NFC'))}(?![\\p{L}\\p{N}])`, flags);
const BRAND_RES = [
  ...BRANDS.map((b) => ({ brand: b, re: brandRe(b, 'iu') })),
  ...BRANDS_EXACT_CASE.map((b) => ({ brand: b, re: brandRe(b, 'u') })),
];

function brandProblems(text: string): string[] {
  const t = text.normalize('NFC');
  return BRAND_RES.filter(({ re }) => re.test(t)).map(({ brand }) => `real brand "${brand}"`);
}

const DOMAIN = /(?<![\p{L}\p{N}.-])(?:https?:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?![\p{L}\p{N}-])/giu;

/** The domains named in a text; ".gov.vn" said on its own ("sites end in .gov.vn") and file names (x.apk) are not domains. */
function domainsIn(text: string): string[] {
  return [...text.matchAll(DOMAIN)]
    .map((m) => m[1]!.toLowerCase())
    .filter((d) => !/\.(apk|png|jpe?g|pdf)$/.test(d));
}

function domainProblems(text: string, { officialAllowed }: { officialAllowed: boolean }): string[] {
  return domainsIn(text).flatMap((d) => {
    if (d.endsWith('.example')) return [];
    if (OFFICIAL_DOMAINS.includes(d)) return officialAllowed ? [] : [`official domain ${d} in a scam message`];
    return [`domain ${d} is neither .example nor an allowed official one`];
  });
}

function phoneProblems(text: string): string[] {
  const problems: string[] = [];
  const MADE_UP = /^0900000\d{3}$/;
  for (const m of text.matchAll(/\d{8,}/g)) {
    if (!MADE_UP.test(m[0])) problems.push(`number ${m[0]} is not 0900000xxx`);
  }
  for (const m of text.matchAll(/(?<![\d.,])(?:\+84|0)\d{2,4}[ .]\d{3}[ .]\d{3,4}(?!\d)/g)) {
    if (!/^0900 000 \d{3}$/.test(m[0])) problems.push(`phone ${m[0]} is not 0900 000 xxx`);
  }
  if (/\+84/.test(text)) problems.push('+84 number');
  for (const m of text.matchAll(/(?<!\d)1[89]00[ .]?\d{3,4}(?!\d)/g)) problems.push(`hotline ${m[0]}`);
  const SHORT = /(?:gọi|gửi|nhắn|soạn|bấm|call|dial|text|forward(?: it)?)\s+(?:(?:tới|đến|cho|số|to|on)\s+)?(\d{3,5})(?![\d.,]|[ .]\d|\s*(?:k|nghìn|triệu|đ|dong|million|thousand)(?!\p{L}))/giu;
  for (const m of text.matchAll(SHORT)) {
    if (!SHORT_CODES.includes(m[1]!)) problems.push(`short number ${m[1]} not in ${SHORT_CODES.join(', ')}`);
  }
  return problems;
}

const OTP_VI = 'mã OTP (mã số gửi về điện thoại)';
const OTP_EN = 'OTP (the code sent to your phone)';
const count = (text: string, part: string) => text.split(part).length - 1;

/** Teaching text that names OTP explains it exactly once, in plain words (content-brief §3). */
function otpProblems(teaching: string, locale: 'vi' | 'en'): string[] {
  if (!/OTP/.test(teaching)) return [];
  const phrase = locale === 'vi' ? OTP_VI : OTP_EN;
  const n = count(teaching, phrase);
  return n === 1 ? [] : [`says OTP but explains it ${n} times (want "${phrase}" once)`];
}

// ---------------------------------------------------------------------------------------------

describe('the checkers catch what they are for', () => {
  it('real brands, whole words, any case', () => {
    expect(brandProblems('Vietcombank thông báo')).toHaveLength(1);
    expect(brandProblems('xác thực tại vcb-secure.example')).toEqual(['real brand "VCB"']);
    expect(brandProblems('trả tiền điện qua evn')).toEqual(['real brand "EVN"']);
    expect(brandProblems('Tài khoản Zalo của bạn')).toEqual(['real brand "Zalo"']);
    expect(brandProblems('mở ứng dụng mb bank')).toEqual(['real brand "MB Bank"']);
    expect(brandProblems('install it from the App Store')).toEqual(['real brand "App Store"']);
    expect(brandProblems('install it from the app store on your phone')).toEqual([]);
    expect(brandProblems('NH-ABC, Ngân hàng XYZ, Sàn XYZ, GH-ABC, ChatABC, Điện lực')).toEqual([]);
  });

  it('domains: .example anywhere, official ones only where allowed', () => {
    expect(domainProblems('Xác thực tại vietcombank.com.vn', { officialAllowed: true })).toHaveLength(1);
    expect(domainProblems('tải tại https://vneid-moi.com/vneid.apk', { officialAllowed: true })).toHaveLength(1);
    expect(domainProblems('tra cứu trên dichvucong.gov.vn', { officialAllowed: false })).toEqual(['official domain dichvucong.gov.vn in a scam message']);
    expect(domainProblems('tra cứu trên dichvucong.gov.vn', { officialAllowed: true })).toEqual([]);
    expect(domainsIn('gửi tới hotro@abc-bank.com')).toEqual(['abc-bank.com']);
    expect(domainsIn('tải tại vneid-moi.example/vneid.apk, trang nhà nước có đuôi .gov.vn; SD 1,250,000VND. 5.0% a year')).toEqual(['vneid-moi.example']);
  });

  it('phone numbers: 0900 000 xxx and a few short codes only', () => {
    expect(phoneProblems('chuyển vào 0912345678')).toHaveLength(1);
    expect(phoneProblems('gọi 0912 345 678')).toHaveLength(1);
    expect(phoneProblems('tổng đài 1900 5454')).toHaveLength(1);
    expect(phoneProblems('gọi số 1088 để được hỗ trợ')).toHaveLength(1);
    expect(phoneProblems('call +84 900 000 123')).not.toEqual([]);
    expect(phoneProblems('Gọi 113, gửi 5656, gọi 156; chuyển vào 0900000456 hoặc gọi 0900 000 123. Phí 18.500.000đ, nạp 300k, gửi 500 nghìn')).toEqual([]);
  });

  it('OTP is explained once where the teaching text names it', () => {
    expect(otpProblems('Đừng đọc mã OTP cho ai.', 'vi')).toHaveLength(1);
    expect(otpProblems(`Đây là ${OTP_VI}. Lại ${OTP_VI}.`, 'vi')).toHaveLength(1);
    expect(otpProblems(`Không đọc ${OTP_VI} cho ai. Mã OTP là của bạn.`, 'vi')).toEqual([]);
    expect(otpProblems('Never share your OTP.', 'en')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------

const files = readdirSync(BANK)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

interface Loaded {
  file: string;
  items: QuizItem[];
}
const loaded: Loaded[] = [];
const parseErrors: string[] = [];
for (const file of files) {
  const text = readFileSync(join(BANK, file), 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length) {
    parseErrors.push(`${file}: ${doc.errors[0]!.message}`);
    continue;
  }
  const r = QuizBankFile.safeParse(doc.toJS());
  if (!r.success) parseErrors.push(...r.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`));
  else loaded.push({ file, items: r.data.items });
}
const items = loaded.flatMap((l) => l.items);
const where = (item: QuizItem) => `${loaded.find((l) => l.items.includes(item))!.file} › ${item.id}`;

/** Every text of an item, with where it is, per locale. */
function textsOf(item: QuizItem): { field: string; locale: 'vi' | 'en'; text: string | undefined }[] {
  const fields: [string, QuizItem['from']][] = [
    ['from', item.from],
    ['message', item.message],
    ...item.signs.map((s, i): [string, QuizItem['from']] => [`signs[${i}]`, s]),
    ['advice', item.advice],
  ];
  return fields.flatMap(([field, t]) => LOCALES.map((locale) => ({ field, locale, text: t[locale] })));
}

describe('quiz bank files', () => {
  it('every file parses against QuizBankFile and names the schema on line 1', () => {
    expect(files.length).toBeGreaterThanOrEqual(BANK_SCAM_TYPES.length);
    expect(parseErrors).toEqual([]);
    for (const file of files) expect(readFileSync(join(BANK, file), 'utf8').split('\n')[0], file).toBe(SCHEMA_LINE);
  });

  it('ids are unique across the bank', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const { file, items: list } of loaded) {
      for (const item of list) {
        if (seen.has(item.id)) dupes.push(`${item.id} in ${file} and ${seen.get(item.id)}`);
        seen.set(item.id, file);
      }
    }
    expect(dupes).toEqual([]);
  });

  it('has at least 48 items, every scam type with 2 scams or more, and 14 genuine look-alikes or more', () => {
    expect(items.length).toBeGreaterThanOrEqual(48);
    const short = BANK_SCAM_TYPES.filter((t) => items.filter((i) => i.scamType === t && i.verdict === 'scam').length < 2);
    expect(short, 'scam types with fewer than 2 scams').toEqual([]);
    const legit = items.filter((i) => i.verdict === 'legit');
    expect(legit.length).toBeGreaterThanOrEqual(14);
    // Spread over the types people confuse, not all bank messages.
    expect(new Set(legit.map((i) => i.scamType)).size).toBeGreaterThanOrEqual(8);
  });

  it('mixes difficulties', () => {
    for (const d of [1, 2, 3]) expect(items.filter((i) => i.difficulty === d).length, `difficulty ${d}`).toBeGreaterThanOrEqual(8);
  });
});

describe('every item', () => {
  it('has vi and en for from, message, signs and advice', () => {
    const missing = items.flatMap((item) =>
      textsOf(item)
        .filter((t) => !t.text?.trim())
        .map((t) => `${where(item)} ${t.field}.${t.locale}`),
    );
    expect(missing).toEqual([]);
    const untranslated = items.filter((i) => i.message.en === i.message.vi).map(where);
    expect(untranslated, 'message.en is a copy of message.vi').toEqual([]);
  });

  it('keeps messages short enough for the picture, and signs and advice short', () => {
    const long = items.flatMap((item) => [
      ...LOCALES.filter((l) => [...(item.message[l] ?? '')].length > 300).map((l) => `${where(item)} message.${l}`),
      ...item.signs.flatMap((s, i) => LOCALES.filter((l) => [...(s[l] ?? '')].length > 200).map((l) => `${where(item)} signs[${i}].${l}`)),
      ...LOCALES.filter((l) => [...(item.advice[l] ?? '')].length > 240).map((l) => `${where(item)} advice.${l}`),
    ]);
    expect(long).toEqual([]);
    const tooBig = items.flatMap((item) =>
      LOCALES.flatMap((l) => {
        const card = layoutCard(item, l);
        const problems: string[] = [];
        if (card.height !== 800) problems.push(`${where(item)} ${l}: card ${card.height} tall`);
        if (card.name !== (item.from[l] ?? '').normalize('NFC')) problems.push(`${where(item)} ${l}: sender name cut`);
        if (card.lines.some((line) => line.width > card.textMaxWidth)) problems.push(`${where(item)} ${l}: a line overflows the bubble`);
        return problems;
      }),
    );
    expect(tooBig).toEqual([]);
  });

  it('teaches in Vietnamese with diacritics, and explains OTP once where it names it', () => {
    const plain = items.flatMap((item) =>
      [...item.signs.map((s) => s.vi), item.advice.vi].filter((t) => !/[à-ỹđ]/iu.test(t)).map((t) => `${where(item)}: ${t}`),
    );
    expect(plain).toEqual([]);
    const otp = items.flatMap((item) =>
      LOCALES.flatMap((l) => otpProblems([...item.signs.map((s) => s[l] ?? ''), item.advice[l] ?? ''].join(' '), l).map((p) => `${where(item)} ${l}: ${p}`)),
    );
    expect(otp).toEqual([]);
  });

  it('uses only .example domains, and official ones only in genuine messages', () => {
    const problems = items.flatMap((item) =>
      textsOf(item).flatMap(({ field, locale, text }) =>
        domainProblems(text ?? '', { officialAllowed: field !== 'message' || item.verdict === 'legit' }).map((p) => `${where(item)} ${field}.${locale}: ${p}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('uses only 0900 000 xxx numbers and the allowed short codes', () => {
    const problems = items.flatMap((item) =>
      textsOf(item).flatMap(({ field, locale, text }) => phoneProblems(text ?? '').map((p) => `${where(item)} ${field}.${locale}: ${p}`)),
    );
    expect(problems).toEqual([]);
  });

  it('names no real brand', () => {
    const problems = items.flatMap((item) =>
      [item.id, ...textsOf(item).map((t) => t.text ?? '')].flatMap((text) => brandProblems(text).map((p) => `${where(item)}: ${p} in “${text}”`)),
    );
    expect(problems).toEqual([]);
  });
});

describe('pictures', () => {
  const pngs = readdirSync(MEDIA).filter((f) => f.endsWith('.png'));

  it('exist for both locales, 720 px wide and under 100 KB, drawn from the current text', () => {
    const problems: string[] = [];
    for (const item of items) {
      for (const locale of LOCALES) {
        const rel = quizItemImage(item.id, locale);
        let png: Buffer;
        try {
          png = readFileSync(resolve(FLOWS, rel));
        } catch {
          problems.push(`${rel} missing (npm run media:quiz)`);
          continue;
        }
        if (png.readUInt32BE(16) !== 720) problems.push(`${rel} is ${png.readUInt32BE(16)} px wide`);
        if (png.length > 100 * 1024) problems.push(`${rel} is ${Math.round(png.length / 1024)} KB`);
        if (pngSourceHash(png) !== cardSourceHash(item, locale)) problems.push(`${rel} is stale (npm run media:quiz)`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has no picture without an item', () => {
    const wanted = new Set(items.flatMap((i) => LOCALES.map((l) => quizItemImage(i.id, l).split('/').pop())));
    expect(pngs.filter((f) => !wanted.has(f))).toEqual([]);
  });
});

describe('flows/quiz-bank.schema.json', () => {
  it('is up to date (npm run media:quiz writes it)', () => {
    expect(readFileSync(join(FLOWS, 'quiz-bank.schema.json'), 'utf8')).toBe(quizBankJsonSchema());
  });
});
