/**
 * Loading the checker's data (src/checker/load-rules.ts), driven by broken fixtures in
 * test/checker/broken/: each replaces one shipped file (`# replaces: <name>`) and lists the problems
 * it must produce as `# expect: <line>:<col> <where>: <message start>`; nothing else may be reported.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRulesProblems, loadCheckerRules, loadCheckerRulesOrThrow, parseCheckerRules, type RulesTexts } from '../../src/checker/load-rules.js';
import { FlowError, formatProblem, type FlowProblem } from '../../src/flows/problems.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { FLOWS } from './shipped-rules.js';

const BROKEN = join(PROJECT_ROOT, 'test/checker/broken');
const NAMES = ['allowlist', 'brands', 'genuine', 'links', 'patterns', 'verdict'] as const;
const LESSONS = new Set(['check-link', 'vneid-level2', 'scam-practice', 'bill-payment', 'password-otp']);
/** Stands in for genuine.yaml beside a broken patterns.yaml, whose `unless` lists name shipped patterns. */
const MINIMAL_GENUINE = { file: 'genuine.yaml', text: 'patterns:\n  - { id: legit.calm, weight: -1, phrases: [calm], reason: { vi: Bình tĩnh., en: Calm. } }\n' };
const show = (p: FlowProblem): string => `${p.line}:${p.col} ${p.where ? `${p.where}: ` : ''}${p.message}`;

function shippedTexts(): RulesTexts {
  return Object.fromEntries(
    NAMES.map((name) => {
      const file = join(FLOWS, 'checker', `${name}.yaml`);
      return [name, { text: readFileSync(file, 'utf8'), file }];
    }),
  ) as RulesTexts;
}

describe('the shipped checker data', () => {
  it('loads without problems', () => {
    const r = loadCheckerRules(FLOWS);
    expect(r.problems.map((p) => formatProblem(p))).toEqual([]);
    expect(r.rules?.patterns.length).toBeGreaterThan(20);
    expect(checkRulesProblems(FLOWS)).toEqual([]);
  });

  it('points verdict.yaml at lessons that exist (the loader checks them against flows/)', () => {
    const texts = shippedTexts();
    expect(parseCheckerRules(texts, new Set(['only-this-lesson'])).problems.length).toBeGreaterThan(0);
    expect(parseCheckerRules(texts, LESSONS).problems).toEqual([]);
  });
});

describe('broken checker data reports file, line, column and what to fix', () => {
  const fixtures = readdirSync(BROKEN).filter((f) => f.endsWith('.yaml'));
  it('has fixtures for every data file', () => {
    const replaced = new Set(fixtures.map((f) => /^# replaces: (\w+)\.yaml$/m.exec(readFileSync(join(BROKEN, f), 'utf8'))?.[1]));
    expect([...replaced].sort()).toEqual([...NAMES]);
  });

  for (const name of fixtures) {
    it(name, () => {
      const file = join(BROKEN, name);
      const text = readFileSync(file, 'utf8');
      const replaces = /^# replaces: (\w+)\.yaml$/m.exec(text)?.[1] as (typeof NAMES)[number];
      const expected = text.split('\n').filter((l) => l.startsWith('# expect: ')).map((l) => l.slice('# expect: '.length));
      const r = parseCheckerRules({ ...shippedTexts(), ...(replaces === 'patterns' ? { genuine: MINIMAL_GENUINE } : {}), [replaces]: { text, file } }, LESSONS);
      expect(r.rules).toBeUndefined();
      expect(r.problems.every((p) => p.file === file)).toBe(true);
      const shown = r.problems.map(show).sort();
      for (const want of expected) expect(shown.some((s) => s.startsWith(want)), `expected "${want}" among:\n${shown.join('\n')}`).toBe(true);
      expect(shown, 'no problem beyond the expected ones').toHaveLength(expected.length);
    });
  }
});

describe('brand names', () => {
  it('refuses both languages in one text, at the line of the name', () => {
    const shipped = shippedTexts();
    const good = 'name: { vi: Bảo hiểm xã hội, en: Social Insurance }';
    expect(shipped.brands.text).toContain(good);
    for (const [mixed, lang] of [
      ['name: { vi: "Bảo hiểm xã hội / Social Insurance" }', 'vi'],
      ['name: { vi: Bảo hiểm xã hội, en: "Bảo hiểm xã hội / Social Insurance" }', 'en'],
    ] as const) {
      const text = shipped.brands.text.replace(good, mixed);
      const line = text.slice(0, text.indexOf(mixed)).split('\n').length;
      const r = parseCheckerRules({ ...shipped, brands: { ...shipped.brands, text } }, LESSONS);
      expect(r.rules).toBeUndefined();
      const index = [...text.matchAll(/^ {2}- \{ id: ([a-z0-9-]+)/gm)].findIndex((m) => m[1] === 'bhxh');
      expect(r.problems.map((p) => `${p.file === shipped.brands.file ? 'brands.yaml' : p.file}:${p.line} ${p.where}: ${p.message}`)).toEqual([
        `brands.yaml:${line} brands[${index}] (bhxh) › name.${lang}: one language per text: put the Vietnamese name in vi and the English one in en, not "vi / en"`,
      ]);
    }
  });

  it('names each brand in the reader\'s language', () => {
    const r = loadCheckerRules(FLOWS);
    const names = new Map(r.rules!.links.brandTokens.map((t) => [t.brand.id, t.brand.name]));
    expect(names.get('bhxh')).toEqual({ vi: 'Bảo hiểm xã hội', en: 'Social Insurance' });
    expect(names.get('vietcombank')).toEqual({ vi: 'Vietcombank' });
    for (const [id, name] of names) for (const text of [name.vi, name.en ?? '']) expect(text, id).not.toContain('/');
  });
});

describe('loading a folder', () => {
  it('names every missing file', () => {
    const empty = mkdtempSync(join(tmpdir(), 'hocso-checker-'));
    const problems = checkRulesProblems(empty);
    const named = problems.map((p) => /needs (\w+)\.yaml/.exec(p.message)?.[1]);
    expect(named.sort()).toEqual([...NAMES]);
    expect(() => loadCheckerRulesOrThrow(empty)).toThrow(FlowError);
    expect(() => loadCheckerRulesOrThrow(empty)).toThrow(/allowlist\.yaml:1:1 missing/);
  });
});
