/**
 * Flow checking, driven by the broken fixtures: each file lists the problems it must produce as
 * `# expect: <severity> <line>:<col> <where>: <message start>` comments, and nothing else may be reported.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowJsonSchema } from '../../src/flows/json-schema.js';
import { FlowError, loadFlowFiles, loadFlowsDir, loadLessonsOrThrow, parseFlowText, parseQuizBankText } from '../../src/flows/load.js';
import type { FlowProblem } from '../../src/flows/problems.js';
import { PROJECT_ROOT, resolveFlowsDir } from '../../src/paths.js';

const BROKEN = join(PROJECT_ROOT, 'test/fixtures/broken');
const show = (p: FlowProblem) => `${p.severity} ${p.line}:${p.col} ${p.where ? p.where + ': ' : ''}${p.message}`;

function expectationsOf(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('# expect: ')).map((l) => l.slice('# expect: '.length));
}

function assertMatches(problems: readonly FlowProblem[], expected: readonly string[]) {
  const shown = problems.map(show).sort();
  for (const want of expected) expect(shown.some((s) => s.startsWith(want)), `expected "${want}" among:\n${shown.join('\n')}`).toBe(true);
  expect(shown, 'no problem beyond the expected ones').toHaveLength(expected.length);
}

describe('broken lesson files report file, line, column and what to fix', () => {
  const files = readdirSync(BROKEN).filter((f) => f.endsWith('.yaml'));
  it('has fixtures', () => expect(files.length).toBeGreaterThanOrEqual(6));
  for (const name of files) {
    it(name, () => {
      const file = join(BROKEN, name);
      const { problems } = loadFlowFiles([file], resolveFlowsDir('flows'));
      expect(problems.every((p) => p.file === file)).toBe(true);
      assertMatches(problems, expectationsOf(file));
    });
  }

  it('two lessons with one id', () => {
    const files = ['first.yaml', 'second.yaml'].map((f) => join(BROKEN, 'dup', f));
    const { problems } = loadFlowFiles(files);
    assertMatches(problems, expectationsOf(files[1]!));
    expect(problems[0]!.file).toBe(files[1]);
  });

  it('a quiz item: the bot may address the resident in its signs and advice, never in the quoted message', () => {
    const text = [
      'items:',
      '  - id: x-1',
      '    scamType: bank',
      '    verdict: scam',
      '    difficulty: 1',
      '    arrivesBy: sms',
      '    from: { vi: NH-ABC, en: NH-ABC }',
      '    message: { vi: "{{You}} chưa xác thực.", en: "Not verified." }',
      '    signs:',
      '      - { vi: "Tin doạ khoá tài khoản của {{you}}.", en: "It threatens your account." }',
      '    advice: { vi: "{{Ban}} đừng bấm link.", en: "Don\'t tap the link." }',
    ].join('\n');
    const problems = parseQuizBankText(text, '/x/bank.yaml').problems.filter((p) => p.message.startsWith('unknown variable'));
    expect(problems.map(show)).toEqual([
      'error 8:20 items[0] (x-1) › message.vi: unknown variable {{You}}; no variable is filled in here',
      'error 11:19 items[0] (x-1) › advice.vi: unknown variable {{Ban}}; use one of {{you}}, {{You}}, {{me}}, {{Me}}',
    ]);
  });
});

describe('loading', () => {
  it('the shipped lessons have no errors', () => {
    const { flows, problems } = loadFlowsDir(resolveFlowsDir('flows'));
    expect(problems.filter((p) => p.severity === 'error').map(show)).toEqual([]);
    expect(flows.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a folder with an error, listing it, and a folder without lessons', () => {
    expect(() => loadLessonsOrThrow(join(BROKEN, 'dup'))).toThrow(FlowError);
    expect(() => loadLessonsOrThrow(join(BROKEN, 'dup'))).toThrow(/second\.yaml:2:5 id: lesson id "same"/);
    expect(() => loadLessonsOrThrow(join(BROKEN, 'nothing-here'))).toThrow(/no lesson files/);
  });

  it('a file that is not a map, and a file that is far too big', () => {
    expect(parseFlowText('- a\n- b\n', '/x/list.yaml').problems.map(show)).toEqual([
      'error 1:1 a lesson file must be a map with id, version, title, summary, tags and steps',
    ]);
    const big = join(mkdtempSync(join(tmpdir(), 'flows-')), 'big.yaml');
    writeFileSync(big, `id: big\n# ${'x'.repeat(600 * 1024)}\n`);
    expect(loadFlowFiles([big]).problems.map(show)).toEqual([expect.stringMatching(/^error 1:1 file is \d+ bytes; a lesson must be under/)]);
  });

  it('a wrong type is not called missing', () => {
    const { problems } = parseFlowText('id: a\nversion: "one"\n', '/x/a.yaml');
    expect(problems.map(show)).toContain('error 2:10 version: expected number');
  });

  it('applies schema defaults the engine relies on', () => {
    const text = 'id: a\nversion: 1\ntitle: {vi: A, en: A}\nsummary: {vi: A, en: A}\ntags: [security]\nsteps:\n  - {id: m, kind: message, text: {vi: A, en: A}}\n  - {id: e, kind: end, text: {vi: B, en: B}}\n';
    const { flow, problems } = parseFlowText(text, '/x/a.yaml');
    expect(problems).toEqual([]);
    expect(flow?.order).toBe(100);
    expect(flow?.steps[0]).toMatchObject({ wait: true });
    expect(flow?.steps[1]).toMatchObject({ suggest: [] });
  });
});

describe('npm run flows:check', () => {
  const cli = join(PROJECT_ROOT, 'src/flows/check-cli.ts');
  const tsx = join(PROJECT_ROOT, 'node_modules/.bin/tsx');

  it('prints ok for the shipped lessons', () => {
    const out = execFileSync(tsx, [cli], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(out).toMatch(/^ok: \d+ flows checked/m);
  });

  it('exits 1 and prints path:line:col for a broken file', () => {
    const res = spawnSync(tsx, [cli, 'test/fixtures/broken/links.yaml'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('test/fixtures/broken/links.yaml:20:46 steps[1] (pick) › options[1] › next: no step has id "finnish"');
    expect(res.stdout).toMatch(/3 error\(s\), 2 warning\(s\)/);
  });
});

describe('flows/schema.json', () => {
  it('is up to date with the zod schema (run npm run flows:schema)', () => {
    expect(readFileSync(join(PROJECT_ROOT, 'flows/schema.json'), 'utf8')).toBe(flowJsonSchema());
  });
});
