/**
 * Reading a YAML data file (a lesson, a quiz-bank file, the checker's rules) with every problem
 * located at its file, line and column, so authors see
 * `flows/my-lesson.yaml:14:9 steps[2] (ask-otp) › options[1] › label.en: missing translation en`.
 */
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { resolve } from 'node:path';
import type { FlowProblem, Severity } from './problems.js';

export type { FlowProblem } from './problems.js';

/** A parsed file and a way to point at any place in it. */
export interface LocatedSource {
  file: string;
  /** The file's folder (lesson pictures are resolved against it). */
  dir: string;
  raw: unknown;
  /** A problem at `path` (as zod reports it); a missing key points at the map that lacks it, `key` at the key itself. */
  problem(path: readonly PropertyKey[], message: string, opts?: { key?: boolean; severity?: Severity }): FlowProblem;
}

/** `patterns[3] (ask.otp) › phrases[2]`: array items are named by their `id` or `domain` when they have one. */
export function describeDataPath(raw: unknown, path: readonly PropertyKey[]): string {
  let out = '';
  let node: unknown = raw;
  let afterIndex = false;
  for (const seg of path) {
    const child: unknown = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[seg] : undefined;
    if (typeof seg === 'number') {
      out += `[${seg}]`;
      const item = child as { id?: unknown; domain?: unknown } | undefined;
      const name = typeof item?.id === 'string' ? item.id : typeof item?.domain === 'string' ? item.domain : undefined;
      if (name !== undefined && item !== null && typeof item === 'object') out += ` (${name})`;
      afterIndex = true;
    } else {
      const name = String(seg);
      out += out === '' ? name : afterIndex ? ` › ${name}` : `.${name}`;
      afterIndex = false;
    }
    node = child;
  }
  return out;
}

function sourceOf(file: string, doc: Document, lines: LineCounter): LocatedSource {
  const raw: unknown = doc.toJS();
  const locate = (path: readonly PropertyKey[], key: boolean): { line: number; col: number } => {
    let offset = doc.contents && isNode(doc.contents) ? (doc.contents.range?.[0] ?? 0) : 0;
    let node: unknown = doc.contents;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (!isNode(node) || !('items' in node)) break;
      let child: unknown;
      let keyOffset: number | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        keyOffset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
        child = pair.value;
      } else if (typeof seg === 'number') {
        child = (node as { items: unknown[] }).items[seg];
      } else break;
      const childOffset = isNode(child) ? child.range?.[0] : undefined;
      offset = (key && i === path.length - 1 ? keyOffset : (childOffset ?? keyOffset)) ?? offset;
      node = child;
    }
    const pos = lines.linePos(offset);
    return { line: pos.line, col: pos.col };
  };
  return {
    file,
    dir: resolve(file, '..'),
    raw,
    problem(path, message, opts = {}) {
      return { file, ...locate(path, opts.key ?? false), where: describeDataPath(raw, path), message, severity: opts.severity ?? 'error' };
    },
  };
}

/**
 * zod's wording, made specific for people editing the data; `fieldsHint` says where the fields are
 * listed, `fieldNotes` why a field that exists elsewhere does not belong where it was written.
 */
function explainIssue(issue: z.core.$ZodIssue, fieldsHint: string, fieldNotes: Readonly<Record<string, string>>): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const note = issue.keys.length === 1 ? fieldNotes[issue.keys[0]!] : undefined;
      if (note) return `"${issue.keys[0]}" does not belong here: ${note}`;
      return `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; ${fieldsHint})`;
    }
    case 'invalid_union':
      return 'discriminator' in issue ? 'kind must be one of: message, choice, quiz, answer, end, quiz-draw' : issue.message;
    case 'invalid_type':
      return issue.input === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'must not be empty' : issue.message;
    default:
      return issue.message;
  }
}

export interface Parsed<T> {
  value?: T;
  source?: LocatedSource;
  problems: FlowProblem[];
}

/**
 * YAML with positions, then the zod schema; every problem located. `what` says what the file must be;
 * `fieldsHint` where its fields are listed.
 */
export function parseLocated<T>(
  schema: z.ZodType<T>,
  text: string,
  file: string,
  what: string,
  fieldsHint = "the file's header lists the fields",
  fieldNotes: Readonly<Record<string, string>> = {},
): Parsed<T> {
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
      return source.problem(target, explainIssue(issue, fieldsHint, fieldNotes), { key: onKey });
    });
    return { source, problems };
  }
  return { value: parsed.data, source, problems: [] };
}
