/**
 * Loading the checker's data (flows/checker/*.yaml): YAML → zod → cross-file checks, every problem
 * located at file:line:col like the lessons' (`npm run flows:check` can list both). Broken data is
 * reported, never half-used: `loadCheckerRules` returns rules only when there is no problem.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ADDRESS_VARIABLE_SET } from '../engine/address.js';
import { unknownVariables } from '../flows/checks.js';
import { flowFilesIn } from '../flows/load.js';
import { FlowError, type FlowProblem } from '../flows/problems.js';
import { phraseRegex, exactPhraseRegex } from './fold.js';
import { parseLocated, type LocatedSource } from '../flows/located-yaml.js';
import { refersTo } from './patterns.js';
import { compileRules, type CheckerRules, type RuleFiles } from './rules.js';
import { AllowlistFile, BrandsFile, GenuineFile, LINK_SIGNAL_IDS, LinksFile, PatternsFile, VerdictFile, type Pattern } from './rules-schema.js';

/** The folder, inside the lessons folder, that holds the checker's data. */
export const CHECKER_DIR = 'checker';

const FILES = {
  allowlist: { name: 'allowlist.yaml', schema: AllowlistFile, what: 'allowlist.yaml must be a map with domains: (see its header)' },
  brands: { name: 'brands.yaml', schema: BrandsFile, what: 'brands.yaml must be a map with brands: (see its header)' },
  links: { name: 'links.yaml', schema: LinksFile, what: 'links.yaml must be a map with knownTlds, shorteners, signals, … (see its header)' },
  patterns: { name: 'patterns.yaml', schema: PatternsFile, what: 'patterns.yaml must be a map with negation and patterns: (see its header)' },
  genuine: { name: 'genuine.yaml', schema: GenuineFile, what: 'genuine.yaml must be a map with patterns: (see its header)' },
  verdict: { name: 'verdict.yaml', schema: VerdictFile, what: 'verdict.yaml must be a map with thresholds, alerts, types, advice (see its header)' },
} as const;
type FileKey = keyof typeof FILES;

export type RulesTexts = Record<FileKey, { text: string; file: string }>;

export type LoadRulesResult = { rules: CheckerRules; problems: [] } | { rules?: undefined; problems: FlowProblem[] };

type Sources = { [K in FileKey]: LocatedSource };

/** `{host}` and the like; not the `{{you}}` of the form of address. */
const placeholders = (s: string): string[] => [...s.matchAll(/(?<!\{)\{([^{}]*)\}(?!\})/g)].map((m) => m[1]!);

/** Every text the resident reads from the checker (reasons, advice) may address them as they chose, and nothing else. */
function addressProblems(files: RuleFiles, src: Sources): FlowProblem[] {
  type Located = [LocatedSource, PropertyKey[], { vi: string; en: string }];
  const texts: Located[] = [
    ...Object.entries(files.links.signals).map(([key, s]): Located => [src.links, ['signals', key, 'reason'], s.reason]),
    ...files.patterns.patterns.map((p, i): Located => [src.patterns, ['patterns', i, 'reason'], p.reason]),
    ...files.genuine.patterns.map((p, i): Located => [src.genuine, ['patterns', i, 'reason'], p.reason]),
    [src.verdict, ['alerts', 'reason'], files.verdict.alerts.reason],
    ...Object.entries(files.verdict.types).map(([t, v]): Located => [src.verdict, ['types', t, 'advice'], v.advice]),
    ...Object.entries(files.verdict.advice).map(([risk, a]): Located => [src.verdict, ['advice', risk], a]),
  ];
  return texts.flatMap(([file, path, text]) => unknownVariables(file, path, text, ADDRESS_VARIABLE_SET));
}

function checkReasons(reason: { vi: string; en: string }, allowed: readonly string[], path: PropertyKey[], src: LocatedSource): FlowProblem[] {
  return (['vi', 'en'] as const).flatMap((lang) =>
    placeholders(reason[lang])
      .filter((name) => !allowed.includes(name))
      .map((name) => src.problem([...path, lang], `unknown placeholder {${name}}; use ${allowed.map((a) => `{${a}}`).join(', ') || 'none'}`)),
  );
}

function duplicates<T>(items: readonly T[], key: (t: T) => string, path: (i: number) => PropertyKey[], what: string, src: LocatedSource): FlowProblem[] {
  const first = new Map<string, number>();
  return items.flatMap((item, i) => {
    const k = key(item);
    const at = first.get(k);
    if (at === undefined) {
      first.set(k, i);
      return [];
    }
    return [src.problem(path(i), `${what} "${k}" is listed twice (first at item ${at})`)];
  });
}

/** What the schemas cannot see: references between files, regexes, placeholders, lessons. */
function crossCheck(files: RuleFiles, src: Sources, lessonIds: ReadonlySet<string> | undefined): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const brandIds = new Set(files.brands.brands.map((b) => b.id));
  problems.push(...duplicates(files.brands.brands, (b) => b.id, (i) => ['brands', i, 'id'], 'brand', src.brands));
  const tokens = files.brands.brands.flatMap((b, i) => b.tokens.map((t, j) => ({ t, path: ['brands', i, 'tokens', j] })));
  problems.push(...duplicates(tokens, (x) => x.t, (i) => tokens[i]!.path, 'token', src.brands));
  // A name is shown in one language at a time, so "Bảo hiểm xã hội / Social Insurance" would read half foreign.
  files.brands.brands.forEach((b, i) => {
    for (const lang of ['vi', 'en'] as const) {
      if (b.name[lang]?.includes(' / ')) {
        problems.push(src.brands.problem(['brands', i, 'name', lang], 'one language per text: put the Vietnamese name in vi and the English one in en, not "vi / en"'));
      }
    }
  });
  problems.push(...duplicates(files.allowlist.domains, (d) => d.domain, (i) => ['domains', i, 'domain'], 'domain', src.allowlist));
  files.allowlist.domains.forEach((d, i) => {
    if (!brandIds.has(d.brand)) problems.push(src.allowlist.problem(['domains', i, 'brand'], `no brand "${d.brand}" in brands.yaml`));
  });

  for (const [key, setting] of Object.entries(files.links.signals)) {
    problems.push(...checkReasons(setting.reason, ['host', 'brand', 'official'], ['signals', key, 'reason'], src.links));
  }
  if (files.links.signals.official.weight > 0) problems.push(src.links.problem(['signals', 'official', 'weight'], 'an official link must not add to the score (use 0 or less)'));

  // Warning signs in patterns.yaml, signs of a genuine message (legit.*) in genuine.yaml; ids unique across both.
  const both: Array<{ p: Pattern; i: number; src: LocatedSource; genuineFile: boolean }> = [
    ...files.patterns.patterns.map((p, i) => ({ p, i, src: src.patterns, genuineFile: false })),
    ...files.genuine.patterns.map((p, i) => ({ p, i, src: src.genuine, genuineFile: true })),
  ];
  const knownIds = [...both.map(({ p }) => p.id), ...Object.values(LINK_SIGNAL_IDS)];
  const firstById = new Map<string, string>();
  for (const { p, i, src: file, genuineFile } of both) {
    const where = `${file === src.genuine ? 'genuine' : 'patterns'}.yaml patterns[${i}]`;
    const first = firstById.get(p.id);
    if (first) problems.push(file.problem(['patterns', i, 'id'], `pattern id "${p.id}" is listed twice (first at ${first})`));
    else firstById.set(p.id, where);
    if (p.id.startsWith('legit.') !== genuineFile) {
      problems.push(file.problem(['patterns', i, 'id'], genuineFile ? 'genuine.yaml holds only legit.* signs; move this one to patterns.yaml' : 'legit.* signs belong in genuine.yaml'));
    }
  }
  for (const { p, i, src: file } of both) {
    (p.phrases ?? []).forEach((phrase, j) => {
      if (!phraseRegex(phrase)) problems.push(file.problem(['patterns', i, 'phrases', j], 'no letters or digits to match (each side of * needs a word)'));
    });
    (p.except ?? []).forEach((phrase, j) => {
      if (!phraseRegex(phrase)) problems.push(file.problem(['patterns', i, 'except', j], 'no letters or digits to match (each side of * needs a word)'));
    });
    (p.exact ?? []).forEach((phrase, j) => {
      if (!exactPhraseRegex(phrase)) problems.push(file.problem(['patterns', i, 'exact', j], 'no letters or digits to match (each side of * needs a word)'));
    });
    (p.regex ?? []).forEach((source, j) => {
      try {
        if (new RegExp(source).test('')) problems.push(file.problem(['patterns', i, 'regex', j], 'this regex matches empty text, so it would fire on every message'));
      } catch (e) {
        problems.push(file.problem(['patterns', i, 'regex', j], `not a valid regular expression: ${(e as Error).message}`));
      }
    });
    for (const field of ['unless', 'requires'] as const) {
      (p[field] ?? []).forEach((ref, j) => {
        if (!knownIds.some((id) => refersTo(ref, id))) problems.push(file.problem(['patterns', i, field, j], `"${ref}" names no sign (an id like ask.otp, or a group like "link.")`));
        else if (ref === p.id) problems.push(file.problem(['patterns', i, field, j], 'a sign cannot depend on itself'));
      });
    }
  }

  problems.push(...checkReasons(files.verdict.alerts.reason, ['title'], ['alerts', 'reason'], src.verdict));
  problems.push(...addressProblems(files, src));
  if (lessonIds) {
    const lessons: Array<[PropertyKey[], string]> = [
      [['fallbackLesson', 'withLink'], files.verdict.fallbackLesson.withLink],
      [['fallbackLesson', 'otherwise'], files.verdict.fallbackLesson.otherwise],
      ...Object.entries(files.verdict.types).map(([t, v]): [PropertyKey[], string] => [['types', t, 'lesson'], v.lesson]),
    ];
    for (const [path, id] of lessons) {
      if (!lessonIds.has(id)) problems.push(src.verdict.problem(path, `no lesson "${id}" (lessons: ${[...lessonIds].sort().join(', ')})`));
    }
  }
  return problems;
}

/**
 * Parse and check the six files' texts. `lessonIds`, when given, are the lessons verdict.yaml may
 * point at. Pure apart from the inputs, for tests with broken fixtures.
 */
export function parseCheckerRules(texts: RulesTexts, lessonIds?: ReadonlySet<string>): LoadRulesResult {
  const problems: FlowProblem[] = [];
  const values: Partial<RuleFiles> = {};
  const sources: Partial<Sources> = {};
  for (const key of Object.keys(FILES) as FileKey[]) {
    const { schema, what } = FILES[key];
    const r = parseLocated(schema as z.ZodType<RuleFiles[typeof key]>, texts[key].text, texts[key].file, what);
    problems.push(...r.problems);
    if (r.value !== undefined && r.source) {
      (values as Record<FileKey, unknown>)[key] = r.value;
      sources[key] = r.source;
    }
  }
  if (problems.length > 0) return { problems };
  const files = values as RuleFiles;
  problems.push(...crossCheck(files, sources as Sources, lessonIds));
  if (problems.length > 0) return { problems };
  return { rules: compileRules(files), problems: [] };
}

/** The ids of the lessons in a lessons folder (the `id:` of each flows/*.yaml). */
function lessonIdsIn(flowsDir: string): Set<string> {
  const ids = new Set<string>();
  for (const file of flowFilesIn(flowsDir)) {
    try {
      const id: unknown = parseDocument(readFileSync(file, 'utf8')).get('id');
      if (typeof id === 'string') ids.add(id);
    } catch {
      // A broken lesson is reported by the lesson checker; here it just names no lesson.
    }
  }
  return ids;
}

/**
 * The checker's rules from `<flowsDir>/checker/*.yaml`, or every problem found.
 *
 * @example
 * const r = loadCheckerRules('flows');
 * if (!r.rules) console.error(r.problems.map((p) => formatProblem(p)).join('\n'));
 */
export function loadCheckerRules(flowsDir: string): LoadRulesResult {
  const dir = join(flowsDir, CHECKER_DIR);
  const missing: FlowProblem[] = [];
  const texts = {} as RulesTexts;
  for (const key of Object.keys(FILES) as FileKey[]) {
    const file = join(dir, FILES[key].name);
    if (!existsSync(file)) {
      missing.push({ file, line: 1, col: 1, where: '', message: `missing: the scam checker needs ${FILES[key].name} in ${dir}`, severity: 'error' });
      continue;
    }
    texts[key] = { text: readFileSync(file, 'utf8'), file };
  }
  if (missing.length > 0) return { problems: missing };
  const lessons = lessonIdsIn(flowsDir);
  return parseCheckerRules(texts, lessons.size > 0 ? lessons : undefined);
}

/** Only the problems, for `npm run flows:check` (empty when the data is fine). */
export function checkRulesProblems(flowsDir: string): FlowProblem[] {
  return loadCheckerRules(flowsDir).problems;
}

/** The rules, or a FlowError listing every problem (for start-up, like the lessons). */
export function loadCheckerRulesOrThrow(flowsDir: string): CheckerRules {
  const r = loadCheckerRules(flowsDir);
  if (!r.rules) throw new FlowError(r.problems);
  return r.rules;
}
