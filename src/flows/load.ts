/**
 * Reading lesson files: YAML → zod → cross checks, with every problem located at its file, line
 * and column. Used by `npm run flows:check` and at start-up (which refuses broken lessons).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { CHECKER_DIR, loadCheckerRulesOrThrow } from '../checker/load-rules.js';
import { compileFlows, englishVariant, type FlowSet } from '../engine/flowset.js';
import { checkBank, checkQuizItems } from './bank-checks.js';
import { checkFlow, checkFlowSet } from './checks.js';
import { parseLocated, type LocatedSource } from './located-yaml.js';
import { FlowError, hasErrors, type FlowProblem } from './problems.js';
import { QuizBankFile, type QuizItem } from './quiz-bank.js';
import { Flow } from './schema.js';

export { FlowError, formatProblem, type FlowProblem } from './problems.js';

const MAX_FILE_BYTES = 512 * 1024;

/** One lesson or quiz-bank file, parsed, with a way to point at any place in it. */
export type FlowSource = LocatedSource;

export interface LoadResult {
  flows: Flow[];
  bank: QuizItem[];
  problems: FlowProblem[];
}

const FIELDS_HINT = 'see flows/schema.json';

/** Fields that exist on some step kinds only, and why. */
const LESSON_FIELD_NOTES = {
  // A typed answer is not asked again: its retry hint gives the answer away, and `save` feeds later steps.
  review: 'only quiz steps come back in the review (kind: quiz)',
};

/** Parse one lesson file's text. `file` is used for positions and to resolve images. */
export function parseFlowText(text: string, file: string): { flow?: Flow; source?: FlowSource; problems: FlowProblem[] } {
  const r = parseLocated(Flow, text, file, 'a lesson file must be a map with id, version, title, summary, tags and steps', FIELDS_HINT, LESSON_FIELD_NOTES);
  if (!r.value || !r.source) return { ...(r.source ? { source: r.source } : {}), problems: r.problems };
  return { flow: r.value, source: r.source, problems: checkFlow(r.value, r.source) };
}

/** Parse one quiz-bank file's text (flows/quiz-bank/*.yaml). */
export function parseQuizBankText(text: string, file: string): { items: QuizItem[]; source?: FlowSource; problems: FlowProblem[] } {
  const r = parseLocated(QuizBankFile, text, file, 'a quiz-bank file must be a map with items: (see flows/quiz-bank.schema.json)', 'see flows/quiz-bank.schema.json');
  if (!r.value || !r.source) return { items: [], problems: r.problems };
  return { items: r.value.items, source: r.source, problems: checkQuizItems(r.value.items, r.source) };
}

function readLimited(file: string): { text?: string; problems: FlowProblem[] } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { problems: [{ file, line: 1, col: 1, where: '', message: 'file not found', severity: 'error' }] };
  }
  if (size > MAX_FILE_BYTES) {
    return { problems: [{ file, line: 1, col: 1, where: '', message: `file is ${size} bytes; a lesson must be under ${MAX_FILE_BYTES} (split it into several files)`, severity: 'error' }] };
  }
  return { text: readFileSync(file, 'utf8'), problems: [] };
}

/** The YAML files of a folder, sorted. */
export function flowFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/i.test(name) && !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name));
}

const BANK_DIR = 'quiz-bank';
const isBankFile = (file: string) => basename(dirname(file)) === BANK_DIR;

function idOfFile(file: string): string | undefined {
  try {
    const id: unknown = parseDocument(readFileSync(file, 'utf8')).get('id');
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Load and check the given files: lessons, and quiz-bank files (those in a `quiz-bank/` folder).
 * Lessons and bank items from `knownDir` that are not among them still count (for `suggest` and
 * quiz-draw steps), so checking one file does not report its neighbours missing.
 */
export function loadFlowFiles(files: readonly string[], knownDir?: string): LoadResult {
  const paths = files.map((f) => resolve(f));
  const given = new Set(paths);
  const problems: FlowProblem[] = [];
  const lessons: { flow: Flow; source: FlowSource }[] = [];
  const bank: { items: QuizItem[]; source: FlowSource }[] = [];
  for (const file of paths) {
    const { text, problems: readProblems } = readLimited(file);
    problems.push(...readProblems);
    if (text === undefined) continue;
    if (isBankFile(file)) {
      const r = parseQuizBankText(text, file);
      problems.push(...r.problems);
      if (r.source) bank.push({ items: r.items, source: r.source });
    } else {
      const r = parseFlowText(text, file);
      problems.push(...r.problems);
      if (r.flow && r.source) lessons.push({ flow: r.flow, source: r.source });
    }
  }
  const otherIds = knownDir
    ? flowFilesIn(knownDir)
        .filter((f) => !given.has(resolve(f)))
        .map(idOfFile)
        .filter((id): id is string => id !== undefined)
    : [];
  const otherItems = knownDir
    ? flowFilesIn(join(knownDir, BANK_DIR))
        .filter((f) => !given.has(resolve(f)))
        .flatMap((f) => parseQuizBankText(readFileSync(f, 'utf8'), f).items)
    : [];
  problems.push(...checkFlowSet(lessons, otherIds), ...checkBank(bank, otherItems, lessons));
  return { flows: lessons.map((c) => c.flow), bank: bank.flatMap((b) => b.items), problems };
}

/** Every lesson of a folder and its quiz bank (`<dir>/quiz-bank/*.yaml`). */
export function loadFlowsDir(dir: string): LoadResult {
  const files = flowFilesIn(dir);
  if (files.length === 0) {
    return { flows: [], bank: [], problems: [{ file: dir, line: 1, col: 1, where: '', message: 'no lesson files (*.yaml) in this folder; set FLOWS_DIR to the lessons folder', severity: 'error' }] };
  }
  return loadFlowFiles([...files, ...flowFilesIn(join(dir, BANK_DIR))]);
}

/** The lessons and quiz bank of a folder, ready for the engine, or a FlowError listing every error. Warnings do not stop anything. */
export function loadLessonsOrThrow(dir: string): FlowSet {
  const { flows, bank, problems } = loadFlowsDir(dir);
  if (hasErrors(problems)) throw new FlowError(problems.filter((p) => p.severity === 'error'));
  const images = new Set(flows.flatMap((f) => f.steps.flatMap((s) => (s.image ? [s.image] : []))));
  const checker = existsSync(join(dir, CHECKER_DIR)) ? loadCheckerRulesOrThrow(dir) : undefined;
  return compileFlows(flows, bank, [...images].filter((image) => existsSync(join(dir, englishVariant(image)))), checker);
}
