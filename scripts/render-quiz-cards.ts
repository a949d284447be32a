/**
 * Renders the quiz-bank pictures: every item of flows/quiz-bank/*.yaml becomes
 * flows/media/quiz/<id>.vi.png and flows/media/quiz/<id>.en.png — the message on a phone screen,
 * marked "VÍ DỤ / EXAMPLE". Also writes flows/quiz-bank.schema.json for authors' editors.
 *
 *   npm run media:quiz
 *
 * The YAML is the source: no SVG is kept. Only the fonts in flows/media/fonts/ are used (never the
 * system's), so the PNGs come out the same on every machine; a PNG whose bytes would not change is
 * left untouched, and a PNG whose item is gone is removed. Exit 1 on any problem.
 */
import { Resvg } from '@resvg/resvg-js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { QuizBankFile, quizItemImage, type QuizItem } from '../src/flows/quiz-bank.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FLOWS_DIR = join(ROOT, 'flows');
export const BANK_DIR = join(FLOWS_DIR, 'quiz-bank');
export const QUIZ_MEDIA_DIR = join(FLOWS_DIR, 'media', 'quiz');
export const BANK_SCHEMA_FILE = join(FLOWS_DIR, 'quiz-bank.schema.json');
const FONTS_DIR = join(FLOWS_DIR, 'media', 'fonts');

export const LOCALES = ['vi', 'en'] as const;
export type CardLocale = (typeof LOCALES)[number];

/** The JSON Schema of a quiz-bank file, as written to flows/quiz-bank.schema.json. */
export function quizBankJsonSchema(): string {
  return JSON.stringify(z.toJSONSchema(QuizBankFile, { io: 'input', target: 'draft-7' }), null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------------
// Reading the bank

export class BankError extends Error {}

export interface BankFile {
  file: string;
  items: QuizItem[];
}

/** Every flows/quiz-bank/*.yaml, parsed and checked; throws a BankError naming file, line and path. */
export function readBank(dir = BANK_DIR): BankFile[] {
  if (!existsSync(dir)) throw new BankError(`no quiz-bank folder: ${relative(ROOT, dir)}`);
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f) && !f.startsWith('.'))
    .sort()
    .map((f) => join(dir, f));
  if (files.length === 0) throw new BankError(`no *.yaml files in ${relative(ROOT, dir)}`);
  const out: BankFile[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const shown = relative(ROOT, file);
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const at = lines.linePos(e.pos[0]);
        problems.push(`${shown}:${at.line}:${at.col} ${e.message.split('\n')[0]}`);
      }
      continue;
    }
    const parsed = QuizBankFile.safeParse(doc.toJS());
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        // Point at the deepest node that exists: a missing key is reported at its parent.
        let path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        let node: unknown;
        while (path.length > 0 && !(node = doc.getIn(path, true))) path = path.slice(0, -1);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        const at = range ? lines.linePos(range[0]) : { line: 1, col: 1 };
        problems.push(`${shown}:${at.line}:${at.col} ${formatPath(issue.path)}: ${issue.message}`);
      }
      continue;
    }
    out.push({ file, items: parsed.data.items });
  }
  const seen = new Map<string, string>();
  for (const { file, items } of out) {
    for (const item of items) {
      const earlier = seen.get(item.id);
      if (earlier) problems.push(`${relative(ROOT, file)}: item id "${item.id}" is already used in ${earlier}`);
      else seen.set(item.id, relative(ROOT, file));
    }
  }
  if (problems.length > 0) throw new BankError(problems.join('\n'));
  return out;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '') || '(file)';
}

// ---------------------------------------------------------------------------------------------
// Font metrics: advance widths from the TTF itself, so lines wrap where the renderer will draw them.

interface Metrics {
  /** Width of `text` at `size` px. */
  width(text: string, size: number): number;
}

function readMetrics(file: string): Metrics {
  const buf = readFileSync(file);
  const u16 = (o: number) => buf.readUInt16BE(o);
  const tables = new Map<string, number>();
  for (let i = 0; i < u16(4); i++) tables.set(buf.toString('latin1', 12 + 16 * i, 16 + 16 * i), buf.readUInt32BE(12 + 16 * i + 8));
  const need = (tag: string) => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`${relative(ROOT, file)}: no ${tag} table`);
    return at;
  };
  const head = need('head');
  const hhea = need('hhea');
  const hmtx = need('hmtx');
  const cmap = need('cmap');
  const unitsPerEm = u16(head + 18);
  const numberOfHMetrics = u16(hhea + 34);
  // A format 4 (BMP) cmap subtable: Unicode platform, or Windows Unicode BMP.
  let sub = -1;
  for (let i = 0; i < u16(cmap + 2); i++) {
    const platform = u16(cmap + 4 + 8 * i);
    const encoding = u16(cmap + 6 + 8 * i);
    const offset = cmap + buf.readUInt32BE(cmap + 8 + 8 * i);
    if ((platform === 0 || (platform === 3 && encoding === 1)) && u16(offset) === 4) {
      sub = offset;
      break;
    }
  }
  if (sub < 0) throw new Error(`${relative(ROOT, file)}: no format 4 cmap`);
  const segX2 = u16(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;
  const glyphOf = (cp: number): number => {
    if (cp > 0xffff) return 0;
    for (let i = 0; i < segX2 / 2; i++) {
      if (cp > u16(ends + 2 * i)) continue;
      const start = u16(starts + 2 * i);
      if (cp < start) return 0;
      const delta = u16(deltas + 2 * i);
      const ro = u16(rangeOffsets + 2 * i);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = u16(rangeOffsets + 2 * i + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  const advance = (cp: number): number => {
    let a = cache.get(cp);
    if (a === undefined) {
      const g = glyphOf(cp);
      a = g === 0 ? 0.6 : u16(hmtx + 4 * Math.min(g, numberOfHMetrics - 1)) / unitsPerEm;
      cache.set(cp, a);
    }
    return a;
  };
  return {
    width(text, size) {
      let em = 0;
      for (const ch of text) em += advance(ch.codePointAt(0)!);
      return em * size;
    },
  };
}

function fontFiles(): string[] {
  const files = readdirSync(FONTS_DIR)
    .filter((f) => /\.(ttf|otf)$/i.test(f))
    .sort()
    .map((f) => join(FONTS_DIR, f));
  if (files.length === 0) throw new Error(`no .ttf/.otf fonts in ${relative(ROOT, FONTS_DIR)}`);
  return files;
}

let fonts: { regular: Metrics; bold: Metrics } | undefined;
function metrics() {
  fonts ??= {
    regular: readMetrics(join(FONTS_DIR, 'DejaVuSans.ttf')),
    bold: readMetrics(join(FONTS_DIR, 'DejaVuSans-Bold.ttf')),
  };
  return fonts;
}

// ---------------------------------------------------------------------------------------------
// Layout: 800 units wide like the other lesson pictures, rendered at 720 px.

const W = 800;
const BASE_H = 800;
const OUT_WIDTH = 720;
const FONT = 'DejaVu Sans';
/** Message text sizes tried in turn, largest first; 38 is the smallest the house style allows. */
const BODY_SIZES = [44, 42, 40, 38] as const;
/** Vietnamese stacks diacritics above and below; lines need room (≥ 1.35×). */
const LINE_HEIGHT = 1.4;
const HEADER_SIZES = [38, 36, 34, 32, 30] as const;

const SCREEN_X = 36;
const SCREEN_W = 728;
const HEADER_TOP = 96;
const HEADER_H = 86;
const NAME_X = 174;
const NAME_MAX_W = SCREEN_X + SCREEN_W - 24 - NAME_X;
const LABEL_Y = 228;
const BUBBLE_X = 52;
const BUBBLE_TOP = 248;
const BUBBLE_MAX_W = SCREEN_X + SCREEN_W - 16 - BUBBLE_X;
const PAD_X = 26;
const PAD_Y = 20;
const TEXT_MAX_W = BUBBLE_MAX_W - 2 * PAD_X;
const BOTTOM_MARGIN = 16;

const LABELS: Record<QuizItem['arrivesBy'], Record<CardLocale, string>> = {
  sms: { vi: 'Tin nhắn SMS', en: 'SMS' },
  call: { vi: 'Cuộc gọi đến – người gọi nói:', en: 'Phone call – the caller says:' },
  zalo: { vi: 'Tin nhắn Zalo', en: 'Zalo message' },
  messenger: { vi: 'Tin nhắn Messenger', en: 'Messenger message' },
  email: { vi: 'Thư điện tử (email)', en: 'Email' },
  web: { vi: 'Trang web', en: 'Web page' },
};

/** A run of text in one line; links are drawn blue as phones do. */
interface Run {
  text: string;
  link: boolean;
}
interface Line {
  runs: Run[];
  width: number;
}

const LINK = /(?:https?:\/\/)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:\/[^\s]*[^\s.,;:!?)”"'])?/gi;

/** A word split into its link part and the rest ("abc.example," → link "abc.example", text ","). */
function runsOfWord(word: string): Run[] {
  const runs: Run[] = [];
  let last = 0;
  for (const m of word.matchAll(LINK)) {
    if (m.index > last) runs.push({ text: word.slice(last, m.index), link: false });
    runs.push({ text: m[0], link: true });
    last = m.index + m[0].length;
  }
  if (last < word.length) runs.push({ text: word.slice(last), link: false });
  return runs;
}

/** Cuts a word wider than a line after "/", ".", "-" where it can, else anywhere. */
function splitLongWord(runs: Run[], max: number, measure: (s: string) => number): Run[][] {
  const chars: { ch: string; link: boolean }[] = runs.flatMap((r) => [...r.text].map((ch) => ({ ch, link: r.link })));
  const pieces: Run[][] = [];
  let start = 0;
  while (start < chars.length) {
    let end = start;
    let afterSlash = -1;
    let afterOther = -1;
    let width = 0;
    while (end < chars.length && width + measure(chars[end]!.ch) <= max) {
      width += measure(chars[end]!.ch);
      if (chars[end]!.ch === '/') afterSlash = end + 1;
      else if ('.-_?&='.includes(chars[end]!.ch)) afterOther = end + 1;
      end++;
    }
    // Prefer cutting a link after its "/" (the domain stays whole), then after ".", "-" and the like.
    const breakAt = afterSlash > start ? afterSlash : afterOther;
    if (end < chars.length && breakAt > start) end = breakAt;
    if (end === start) end = start + 1;
    const piece: Run[] = [];
    for (const c of chars.slice(start, end)) {
      const prev = piece[piece.length - 1];
      if (prev && prev.link === c.link) prev.text += c.ch;
      else piece.push({ text: c.ch, link: c.link });
    }
    pieces.push(piece);
    start = end;
  }
  return pieces;
}

/** Greedy word wrap by measured width; paragraphs (\n) kept. */
export function wrapText(text: string, size: number, max: number, m: Metrics = metrics().regular): Line[] {
  const measure = (s: string) => m.width(s, size);
  const space = measure(' ');
  const lines: Line[] = [];
  // Digit groups ("0900 000 514", "1 500") stay on one line: their spaces become no-break spaces.
  const kept = text.normalize('NFC').replace(/(?<=\d) (?=\d)/g, '\u00A0');
  for (const paragraph of kept.split('\n')) {
    let current: Line = { runs: [], width: 0 };
    const push = () => {
      lines.push(current);
      current = { runs: [], width: 0 };
    };
    const words = paragraph.split(/[ \t\r]+/).filter(Boolean);
    if (words.length === 0) push();
    for (const word of words) {
      const w = measure(word);
      const pieces = w > max ? splitLongWord(runsOfWord(word), max, measure) : [runsOfWord(word)];
      for (const [i, piece] of pieces.entries()) {
        const pw = piece.reduce((s, r) => s + measure(r.text), 0);
        const gap = current.runs.length > 0 && i === 0 ? space : 0;
        if (current.runs.length > 0 && (i > 0 || current.width + gap + pw > max)) push();
        const sep = current.runs.length > 0 ? ' ' : '';
        const [first, ...rest] = piece;
        if (sep && first) current.runs.push({ text: sep, link: false });
        if (first) current.runs.push(first, ...rest);
        current.width += (sep ? space : 0) + pw;
      }
    }
    if (current.runs.length > 0) push();
  }
  return lines;
}

export interface CardLayout {
  height: number;
  fontSize: number;
  lineHeight: number;
  lines: Line[];
  textMaxWidth: number;
  bubbleWidth: number;
  bubbleHeight: number;
  nameSize: number;
  name: string;
}

/** Where everything goes on an item's card; `height` is 800 unless the message is too long for it. */
export function layoutCard(item: QuizItem, locale: CardLocale): CardLayout {
  const { regular, bold } = metrics();
  const text = item.message[locale] ?? item.message.vi;
  const room = BASE_H - BOTTOM_MARGIN - BUBBLE_TOP - 2 * PAD_Y;
  let chosen: { size: number; lines: Line[]; lineHeight: number } | undefined;
  for (const size of BODY_SIZES) {
    const lineHeight = Math.round(size * LINE_HEIGHT);
    const lines = wrapText(text, size, TEXT_MAX_W, regular);
    chosen = { size, lines, lineHeight };
    if (lines.length * lineHeight <= room) break;
  }
  const { size, lines, lineHeight } = chosen!;
  const widest = Math.max(...lines.map((l) => l.width));
  const bubbleWidth = Math.min(BUBBLE_MAX_W, Math.ceil(widest + 2 * PAD_X));
  const bubbleHeight = lines.length * lineHeight + 2 * PAD_Y;
  const needed = BUBBLE_TOP + bubbleHeight + BOTTOM_MARGIN;
  const height = needed <= BASE_H ? BASE_H : Math.ceil(needed / 40) * 40;

  let name = (item.from[locale] ?? item.from.vi).normalize('NFC');
  let nameSize: number = HEADER_SIZES[HEADER_SIZES.length - 1]!;
  for (const s of HEADER_SIZES) {
    if (bold.width(name, s) <= NAME_MAX_W) {
      nameSize = s;
      break;
    }
  }
  while (bold.width(name, nameSize) > NAME_MAX_W && name.length > 1) name = name.slice(0, -2) + '…';
  return { height, fontSize: size, lineHeight, lines, textMaxWidth: TEXT_MAX_W, bubbleWidth, bubbleHeight, nameSize, name };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The card as SVG (never written to disk: the YAML is the source). */
export function cardSvg(item: QuizItem, locale: CardLocale): string {
  const L = layoutCard(item, locale);
  const H = L.height;
  const from = item.from[locale] ?? item.from.vi;
  const unknown = /^[+\d]/.test(from.trim());
  const initial = unknown ? '?' : ([...from.normalize('NFC').replace(/[^\p{L}\p{N}]/gu, '')][0] ?? '?').toUpperCase();
  const label = LABELS[item.arrivesBy][locale];
  // Baseline inside a line box: half the leading, then DejaVu's ascent (0.928 em).
  const baseline = (i: number) => BUBBLE_TOP + PAD_Y + i * L.lineHeight + Math.round((L.lineHeight - 1.164 * L.fontSize) / 2 + 0.928 * L.fontSize);
  const textLines = L.lines
    .map((line, i) => {
      const spans = line.runs
        .map((r) => (r.link ? `<tspan fill="#1D4ED8" text-decoration="underline">${esc(r.text)}</tspan>` : esc(r.text)))
        .join('');
      return `  <text x="${BUBBLE_X + PAD_X}" y="${baseline(i)}" font-size="${L.fontSize}" fill="#111827" xml:space="preserve">${spans}</text>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Quiz-bank card ${esc(item.id)} (${locale}), generated by scripts/render-quiz-cards.ts from flows/quiz-bank/. -->
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">
  <rect width="${W}" height="${H}" fill="#E8EEF5"/>
  <!-- made-up example -->
  <rect x="225.5" y="16" width="349" height="58" rx="29" fill="#B91C1C"/>
  <text x="400" y="57" font-size="32" font-weight="bold" fill="#FFFFFF" text-anchor="middle">VÍ DỤ / EXAMPLE</text>
  <!-- phone -->
  <rect x="${SCREEN_X - 16}" y="${HEADER_TOP - 16}" width="${SCREEN_W + 32}" height="${H}" rx="56" fill="#1F2937"/>
  <rect x="${SCREEN_X}" y="${HEADER_TOP}" width="${SCREEN_W}" height="${H}" rx="40" fill="#FFFFFF"/>
  <!-- header: who it is from -->
  <rect x="${SCREEN_X}" y="${HEADER_TOP}" width="${SCREEN_W}" height="${HEADER_H}" rx="40" fill="#F3F4F6"/>
  <rect x="${SCREEN_X}" y="${HEADER_TOP + 40}" width="${SCREEN_W}" height="${HEADER_H - 40}" fill="#F3F4F6"/>
  <rect x="${SCREEN_X}" y="${HEADER_TOP + HEADER_H}" width="${SCREEN_W}" height="3" fill="#E5E7EB"/>
  <text x="58" y="${HEADER_TOP + 62}" font-size="56" font-weight="bold" fill="#1D4ED8">‹</text>
  <circle cx="132" cy="${HEADER_TOP + HEADER_H / 2}" r="30" fill="${unknown ? '#6B7280' : '#2563EB'}"/>
  <text x="132" y="${HEADER_TOP + HEADER_H / 2 + 10}" font-size="28" font-weight="bold" fill="#FFFFFF" text-anchor="middle">${esc(initial)}</text>
  <text x="${NAME_X}" y="${HEADER_TOP + HEADER_H / 2 + Math.round(L.nameSize * 0.36)}" font-size="${L.nameSize}" font-weight="bold" fill="#111827">${esc(L.name)}</text>
  <!-- how it arrives -->
  <text x="400" y="${LABEL_Y}" font-size="28" fill="#6B7280" text-anchor="middle">${esc(label)}</text>
  <!-- the message -->
  <rect x="${BUBBLE_X}" y="${BUBBLE_TOP}" width="${L.bubbleWidth}" height="${L.bubbleHeight}" rx="28" fill="#E5E7EB"/>
${textLines}
</svg>
`;
}

// ---------------------------------------------------------------------------------------------
// Each PNG carries the hash of the SVG it was drawn from (a tEXt chunk), so a test can tell a
// stale picture from a current one without rendering it again.

const SOURCE_KEY = 'hocso-source';

/** The hash of what an item's card is drawn from: its SVG and the output size. */
export function cardSourceHash(item: QuizItem, locale: CardLocale): string {
  return createHash('sha256').update(`${OUT_WIDTH}\n${cardSvg(item, locale)}`).digest('hex');
}

function withSourceHash(png: Buffer, hash: string): Buffer {
  const data = Buffer.from(`${SOURCE_KEY}\0${hash}`, 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const afterHeader = 8 + 12 + png.readUInt32BE(8); // signature, then the IHDR chunk
  return Buffer.concat([png.subarray(0, afterHeader), chunk, png.subarray(afterHeader)]);
}

/** The source hash stored in a card PNG, if any. */
export function pngSourceHash(png: Buffer): string | undefined {
  for (let at = 8; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'tEXt') {
      const text = png.toString('latin1', at + 8, at + 8 + length);
      if (text.startsWith(`${SOURCE_KEY}\0`)) return text.slice(SOURCE_KEY.length + 1);
    }
    if (type === 'IDAT' || type === 'IEND') return undefined;
    at += 12 + length;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

/** Zalo accepts uploads up to 1 MB; small pictures load quickly on a slow rural connection. */
const SIZE_WARNING_BYTES = 100 * 1024;

function writeIfChanged(file: string, bytes: Buffer | string): boolean {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  if (existsSync(file) && readFileSync(file).equals(data)) return false;
  writeFileSync(file, data);
  return true;
}

function main(): number {
  let bank: BankFile[];
  try {
    bank = readBank();
  } catch (err) {
    if (err instanceof BankError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }

  const schemaChanged = writeIfChanged(BANK_SCHEMA_FILE, quizBankJsonSchema());
  console.log(`${schemaChanged ? 'wrote    ' : 'unchanged'} ${relative(ROOT, BANK_SCHEMA_FILE)}`);

  mkdirSync(QUIZ_MEDIA_DIR, { recursive: true });
  const fontList = fontFiles();
  const wanted = new Set<string>();
  let written = 0;
  let unchanged = 0;
  let failed = 0;
  let largest = 0;
  for (const { items } of bank) {
    for (const item of items) {
      for (const locale of LOCALES) {
        const out = resolve(FLOWS_DIR, quizItemImage(item.id, locale));
        wanted.add(out);
        try {
          const layout = layoutCard(item, locale);
          const resvg = new Resvg(cardSvg(item, locale), {
            fitTo: { mode: 'width', value: OUT_WIDTH },
            font: { fontFiles: fontList, loadSystemFonts: false, defaultFontFamily: FONT },
            shapeRendering: 2,
            textRendering: 1,
            logLevel: 'error',
          });
          const png = withSourceHash(resvg.render().asPng(), cardSourceHash(item, locale));
          largest = Math.max(largest, png.length);
          const notes: string[] = [];
          if (layout.height !== BASE_H) notes.push(`⚠ message too long for ${W}×${BASE_H}: card made ${layout.height} tall; shorten it`);
          if (layout.name !== (item.from[locale] ?? item.from.vi).normalize('NFC')) notes.push('⚠ sender name cut; shorten "from"');
          if (png.length > SIZE_WARNING_BYTES) notes.push(`⚠ over ${SIZE_WARNING_BYTES / 1024} KB`);
          if (writeIfChanged(out, png)) {
            written++;
            console.log(`wrote     ${relative(ROOT, out)}  ${Math.round(png.length / 1024)} KB  ${layout.fontSize}px ${layout.lines.length} lines ${notes.join(' ')}`);
          } else {
            unchanged++;
            if (notes.length) console.log(`unchanged ${relative(ROOT, out)}  ${notes.join(' ')}`);
          }
        } catch (err) {
          failed++;
          console.error(`failed    ${relative(ROOT, out)}: ${(err as Error).message}`);
        }
      }
    }
  }
  for (const f of readdirSync(QUIZ_MEDIA_DIR)) {
    const file = join(QUIZ_MEDIA_DIR, f);
    if (f.endsWith('.png') && !wanted.has(file)) {
      rmSync(file);
      console.log(`removed   ${relative(ROOT, file)} (no such item)`);
    }
  }
  const items = bank.reduce((n, b) => n + b.items.length, 0);
  console.log(`${items} items in ${bank.length} files: ${written} pictures written, ${unchanged} unchanged, ${failed} failed; largest ${Math.round(largest / 1024)} KB.`);
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main();
}
