/**
 * `npm run flows:check [files…]`: checks every lesson in FLOWS_DIR (default flows/), or the files
 * given. Prints `path:line:col where: message` per problem and "ok" when there is no error;
 * exits 1 on any error (warnings alone do not fail).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKER_DIR, checkRulesProblems } from '../checker/load-rules.js';
import { formatProblem, loadFlowFiles, loadFlowsDir } from './load.js';
import { hasErrors } from './problems.js';
import { resolveFlowsDir } from '../paths.js';

const files = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flowsDir = resolveFlowsDir(process.env.FLOWS_DIR ?? 'flows');
const loaded = files.length > 0 ? loadFlowFiles(files, flowsDir) : loadFlowsDir(flowsDir);
const { flows } = loaded;
// The scam checker's rules (flows/checker/) are checked with the whole folder.
const problems = files.length > 0 || !existsSync(join(flowsDir, CHECKER_DIR)) ? loaded.problems : [...loaded.problems, ...checkRulesProblems(flowsDir)];

const sorted = [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
for (const p of sorted) process.stdout.write(formatProblem(p) + '\n');

const errors = problems.filter((p) => p.severity === 'error').length;
const warnings = problems.length - errors;
if (hasErrors(problems)) {
  process.stdout.write(`\n${errors} error(s), ${warnings} warning(s). Fix the errors above; the bot will not start with them.\n`);
  process.exitCode = 1;
} else {
  const extra = warnings > 0 ? ` (${warnings} warning(s))` : '';
  process.stdout.write(`ok: ${flows.length} flow${flows.length === 1 ? '' : 's'} checked${extra}\n`);
}
