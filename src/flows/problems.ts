/** What flow checking reports: a problem at a file, line and column, and how it is printed. */
import { relative } from 'node:path';

export type Severity = 'error' | 'warning';

export interface FlowProblem {
  file: string;
  line: number;
  col: number;
  /** Where in the lesson, for people: `steps[2] (ask-otp) › options[1] › label.en`. Empty for the whole file. */
  where: string;
  message: string;
  severity: Severity;
}

/** `flows/my-lesson.yaml:14:9 steps[2] (ask-otp) › options[1] › label.en: missing translation en` */
export function formatProblem(p: FlowProblem, cwd = process.cwd()): string {
  const file = relative(cwd, p.file) || p.file;
  const where = p.where ? `${p.where}: ` : '';
  const tag = p.severity === 'warning' ? ' (warning)' : '';
  return `${file}:${p.line}:${p.col} ${where}${p.message}${tag}`;
}

/** The lessons cannot be used: thrown at start-up with every error, one per line. */
export class FlowError extends Error {
  constructor(readonly problems: readonly FlowProblem[], cwd = process.cwd()) {
    super(problems.map((p) => formatProblem(p, cwd)).join('\n'));
    this.name = 'FlowError';
  }
}

export function hasErrors(problems: readonly FlowProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
