/**
 * Reading lesson files: YAML → zod → cross checks, with every problem located at its file, line
 * and column. Used by `npm run flows:check` and at start-up (which refuses broken lessons).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { CHECKER_DIR, loadCheckerRulesOrThrow } from '../checker/load-rules.js';
import { compileFlows, englishVariant, type FlowSet } from '../engine/flowset.js';
import { checkBank, checkQuizItems } from './bank-checks.js';
import { checkFlow, checkFlowSet } from './checks.js';
import { describePath, FlowError, hasErrors, type FlowProblem, type Severity } from './problems.js';
import { QuizBankFile, type QuizItem } from './quiz-bank.js';
import { Flow } from './schema.js';

export { FlowError, formatProblem, type FlowProblem } from './problems.js';

const MAX_FILE_BYTES = 512 * 1024;

/** One lesson file, parsed, with a way to point at any place in it. */
export interface FlowSource {
  file: string;
  /** The folder images are resolved against (the file's own folder). */
  dir: string;
  raw: unknown;
  locate(path: readonly PropertyKey[], opts?: { key?: boolean }): { line: number; col: number };
  problem(path: readonly PropertyKey[], message: string, severity?: Severity, opts?: { key?: boolean }): FlowProblem;
}

export interface LoadResult {
  flows: Flow[];
  bank: QuizItem[];
  problems: FlowProblem[];
}

function sourceOf(file: string, doc: Document, lines: LineCounter): FlowSource {
  const raw: unknown = doc.toJS();
  const stepIdAt = (i: number): string | undefined => {
    const steps = (raw as { steps?: unknown } | null)?.steps;
    const step: unknown = Array.isArray(steps) ? steps[i] : undefined;
    const id = (step as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? id : undefined;
  };
  const locate: FlowSource['locate'] = (path, opts = {}) => {
    // Walk down as far as the document goes: a missing key points at the map that lacks it.
    let offset = doc.contents && isNode(doc.contents) ? (doc.contents.range?.[0] ?? 0) : 0;
    let node: unknown = doc.contents;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (!isNode(node) || !('items' in node)) break;
      const items = (node as { items: unknown[] }).items;
      let child: unknown;
      let keyOffset: number | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        keyOffset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
        child = pair.value;
      } else if (typeof seg === 'number') {
        child = items[seg];
      } else break;
      const childOffset = isNode(child) ? child.range?.[0] : undefined;
      const isLast = i === path.length - 1;
      offset = (opts.key && isLast ? keyOffset : childOffset ?? keyOffset) ?? offset;
      node = child;
    }
    const pos = lines.linePos(offset);
    return { line: pos.line, col: pos.col };
  };
  return {
    file,
    dir: resolve(file, '..'),
    raw,
    locate,
    problem(path, message, severity = 'error', opts) {
      return { file, ...locate(path, opts), where: describePath(path, stepIdAt), message, severity };
    },
  };
}

/** zod's wording, made specific for lesson authors. */
function explainIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; see flows/schema.json)`;
    case 'invalid_type':
      return issue.input === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_union':
      return 'discriminator' in issue ? 'kind must be one of: message, choice, quiz, answer, end' : issue.message;
    case 'too_small':
      return issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'must not be empty' : issue.message;
    default:
      return issue.message;
  }
}

type Parsed<T> = { value?: T; source?: FlowSource; problems: FlowProblem[] };

/** YAML with positions, then the zod schema; every problem located. */
function parseWith<T>(schema: z.ZodType<T>, text: string, file: string, what: string): Parsed<T> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        const message = e.message.split('\n')[0] ?? e.message;
        return { file, line: pos.line, col: pos.col, where: '', message: `YAML: ${message}`, severity: 'error' as const };
      }),
    };
  }
  const source = sourceOf(file, doc, lines);
  if (source.raw === null || typeof source.raw !== 'object' || Array.isArray(source.raw)) {
    return { problems: [{ file, line: 1, col: 1, where: '', message: what, severity: 'error' }] };
  }
  const parsed = schema.safeParse(source.raw, { reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const onKey = issue.code === 'unrecognized_keys' && issue.keys.length > 0;
      const target = onKey ? [...issue.path, issue.keys[0] as string] : issue.path;
      return source.problem(target, explainIssue(issue), 'error', { key: onKey });
    });
    return { source, problems };
  }
  return { value: parsed.data, source, problems: [] };
}

/** Parse one lesson file's text. `file` is used for positions and to resolve images. */
export function parseFlowText(text: string, file: string): { flow?: Flow; source?: FlowSource; problems: FlowProblem[] } {
  const r = parseWith(Flow, text, file, 'a lesson file must be a map with id, version, title, summary, tags and steps');
  if (!r.value || !r.source) return { ...(r.source ? { source: r.source } : {}), problems: r.problems };
  return { flow: r.value, source: r.source, problems: checkFlow(r.value, r.source) };
}

/** Parse one quiz-bank file's text (flows/quiz-bank/*.yaml). */
export function parseQuizBankText(text: string, file: string): { items: QuizItem[]; source?: FlowSource; problems: FlowProblem[] } {
  const r = parseWith(QuizBankFile, text, file, 'a quiz-bank file must be a map with items: (see flows/quiz-bank.schema.json)');
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
