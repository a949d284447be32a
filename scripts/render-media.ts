/**
 * Renders the lesson pictures: every flows/media/src/<name>.svg becomes flows/media/<name>.png.
 *
 *   npm run media:render            render all pictures
 *   npm run media:render -- qr-     only pictures whose name contains "qr-"
 *
 * Only the fonts in flows/media/fonts/ are used (never the system's), so the PNGs come out
 * the same on every machine; a PNG whose bytes would not change is left untouched.
 * The PNGs are checked in: the server serves them as they are and never renders at start-up.
 */
import { Resvg } from '@resvg/resvg-js';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MEDIA_DIR = join(ROOT, 'flows', 'media');
const SRC_DIR = join(MEDIA_DIR, 'src');
const FONTS_DIR = join(MEDIA_DIR, 'fonts');

/** Zalo accepts uploads up to 1 MB; pictures this size load quickly on a slow rural connection. */
const SIZE_WARNING_BYTES = 150 * 1024;
const DEFAULT_FONT_FAMILY = 'DejaVu Sans';

function fontFiles(): string[] {
  const files = readdirSync(FONTS_DIR)
    .filter((f) => /\.(ttf|otf)$/i.test(f))
    .sort()
    .map((f) => join(FONTS_DIR, f));
  if (files.length === 0) throw new Error(`no .ttf/.otf fonts in ${relative(ROOT, FONTS_DIR)}`);
  return files;
}

function main(): number {
  const filters = process.argv.slice(2);
  const fonts = fontFiles();
  const sources = readdirSync(SRC_DIR)
    .filter((f) => f.endsWith('.svg'))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort();
  if (sources.length === 0) {
    console.error(`no SVG files to render in ${relative(ROOT, SRC_DIR)}`);
    return 1;
  }

  let failed = 0;
  for (const file of sources) {
    const name = file.slice(0, -'.svg'.length);
    const out = join(MEDIA_DIR, `${name}.png`);
    try {
      const svg = readFileSync(join(SRC_DIR, file), 'utf8');
      const resvg = new Resvg(svg, {
        fitTo: { mode: 'original' },
        font: { fontFiles: fonts, loadSystemFonts: false, defaultFontFamily: DEFAULT_FONT_FAMILY },
        shapeRendering: 2,
        textRendering: 1,
        logLevel: 'error',
      });
      const image = resvg.render();
      const png = image.asPng();
      const same = existsSync(out) && readFileSync(out).equals(png);
      if (!same) writeFileSync(out, png);
      const kb = Math.round(png.length / 1024);
      const warn = png.length > SIZE_WARNING_BYTES ? `  ⚠ over ${SIZE_WARNING_BYTES / 1024} KB` : '';
      console.log(`${same ? 'unchanged' : 'wrote    '} ${relative(ROOT, out)}  ${image.width}×${image.height}  ${kb} KB${warn}`);
    } catch (err) {
      failed += 1;
      console.error(`failed    ${relative(ROOT, join(SRC_DIR, file))}: ${(err as Error).message}`);
    }
  }
  console.log(`${sources.length - failed} of ${sources.length} pictures rendered.`);
  return failed ? 1 : 0;
}

process.exitCode = main();
