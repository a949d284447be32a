/**
 * `npm run bench:check`: how well the "Is this a scam?" checker does on the labelled corpus
 * (test/checker/corpus.yaml). Prints precision, recall and F1 for the scam class, the share of
 * legitimate messages wrongly flagged, recall per scam type, results per language, and every
 * misclassified message with the signs that fired; then the same measures on the round-2 messages
 * (written after the rules) and on the quiz bank (flows/quiz-bank/, written by lesson authors), as
 * a check against rules that only fit their own corpus. Exit code 1 when the data files are broken.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { checkMessage } from '../src/checker/check.js';
import { loadCheckerRules } from '../src/checker/load-rules.js';
import { QuizBankFile } from '../src/flows/quiz-bank.js';
import { formatProblem } from '../src/flows/problems.js';
import { resolveFlowsDir } from '../src/paths.js';
import { expectationMisses, FLOORS, LANGS, loadCorpus, meetsFloors, runCorpus, score, type Result } from '../test/checker/corpus.js';

const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;
const pad = (s: string, n: number): string => s.padEnd(n);

const flowsDir = resolveFlowsDir(process.env.FLOWS_DIR ?? 'flows');
const loaded = loadCheckerRules(flowsDir);
if (!loaded.rules) {
  console.error(loaded.problems.map((p) => formatProblem(p)).join('\n'));
  process.exit(1);
}
const rules = loaded.rules;
const corpus = loadCorpus();
const start = performance.now();
const results = runCorpus(rules, corpus);
const ms = performance.now() - start;

const all = score(results);
console.log(`corpus: ${results.length} messages (${all.scams} scams, ${all.legit} legitimate); checked in ${ms.toFixed(0)} ms (${((ms * 1000) / results.length).toFixed(0)} µs each)`);
console.log('a message counts as flagged when its risk is medium or high\n');
console.log(`scam class   precision ${pct(all.precision)}   recall ${pct(all.recall)}   F1 ${pct(all.f1)}`);
console.log(`legitimate   wrongly flagged ${all.falsePositives}/${all.legit} = ${pct(all.falsePositiveRate)}`);
console.log(
  `floors       recall ≥ ${pct(FLOORS.recall)}, precision ≥ ${pct(FLOORS.precision)}, false positives ≤ ${pct(FLOORS.maxFalsePositiveRate)}: ${meetsFloors(all) ? 'met' : 'NOT MET'}\n`,
);

const risks = (rs: Result[]): string => (['high', 'medium', 'low'] as const).map((r) => `${r} ${rs.filter((x) => x.verdict.risk === r).length}`).join(', ');
console.log(`risk of scams: ${risks(results.filter((r) => r.label === 'scam'))}`);
console.log(`risk of legitimate: ${risks(results.filter((r) => r.label === 'legit'))}\n`);

console.log('per scam type    recall         type guessed   legit look-alikes flagged');
const types = [...new Set(results.map((r) => r.type))];
for (const type of types) {
  const scams = results.filter((r) => r.type === type && r.label === 'scam');
  const legit = results.filter((r) => r.type === type && r.label === 'legit');
  const caught = scams.filter((r) => r.flagged);
  const guessed = caught.filter((r) => r.verdict.scamType === type).length;
  console.log(
    `  ${pad(type, 14)} ${pad(`${caught.length}/${scams.length} ${pct(scams.length ? caught.length / scams.length : 1)}`, 15)}${pad(`${guessed}/${caught.length}`, 15)}${legit.filter((r) => r.flagged).length}/${legit.length}`,
  );
}

console.log('\nper language       precision  recall   F1       legit flagged');
for (const lang of LANGS) {
  const s = score(results.filter((r) => r.lang === lang));
  console.log(`  ${pad(lang, 17)}${pad(pct(s.precision), 11)}${pad(pct(s.recall), 9)}${pad(pct(s.f1), 9)}${s.falsePositives}/${s.legit} = ${pct(s.falsePositiveRate)}`);
}

const line = (name: string, rs: Array<{ label: 'scam' | 'legit'; flagged: boolean }>): void => {
  const s = score(rs);
  console.log(`  ${pad(name, 44)}${pad(String(rs.length), 5)}precision ${pad(pct(s.precision), 8)}recall ${pad(pct(s.recall), 8)}legit flagged ${pct(s.falsePositiveRate)}`);
};
console.log('\nother sets');
line('corpus round 1 (written before the rules)', results.filter((r) => r.round === 1));
line('corpus round 2 (written after the rules)', results.filter((r) => r.round === 2));
line('corpus round 3 (QA passes 1 and 2)', results.filter((r) => r.round === 3));
line('corpus round 4 (QA pass 3)', results.filter((r) => r.round === 4));
const bankDir = join(flowsDir, 'quiz-bank');
const bank = readdirSync(bankDir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => QuizBankFile.parse(parse(readFileSync(join(bankDir, f), 'utf8'))).items)
  .flatMap((item) => [item.message.vi, item.message.en].filter((text): text is string => text !== undefined).map((text) => ({ label: item.verdict, flagged: checkMessage(text, rules).risk !== 'low' })));
line('quiz bank, vi and en (lesson authors)', bank);

const caughtScams = results.filter((r) => r.label === 'scam' && r.flagged);
const typed = caughtScams.filter((r) => r.verdict.scamType === r.type).length;
console.log(`\nscam type named right: ${typed}/${caughtScams.length} = ${pct(caughtScams.length ? typed / caughtScams.length : 1)} of the scams flagged`);
const withExpect = results.filter((r) => r.expect);
const missed = withExpect.filter((r) => expectationMisses(r).length > 0);
console.log(`expected answers (risk, type, signs not to show) met: ${withExpect.length - missed.length}/${withExpect.length}`);
for (const r of missed) {
  console.log(`  ✗ ${r.id}: ${expectationMisses(r).join('; ')}`);
  for (const s of r.verdict.signals) console.log(`      ${s.weight >= 0 ? '+' : ''}${s.weight} ${s.id}: “${s.evidence}”`);
}

const wrong = results.filter((r) => r.flagged !== (r.label === 'scam'));
console.log(`\nmisclassified: ${wrong.length}`);
for (const r of wrong) {
  console.log(`\n  ✗ ${r.id} (${r.label}, ${r.type}, ${r.lang}) → risk ${r.verdict.risk}, score ${r.verdict.score}`);
  console.log(`    ${r.text}`);
  if (r.verdict.signals.length === 0) console.log('    no signs fired');
  for (const s of r.verdict.signals) console.log(`    ${s.weight >= 0 ? '+' : ''}${s.weight} ${s.id}: “${s.evidence}”`);
}
