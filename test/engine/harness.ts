/** Builds the engine's inputs for tests: fixture flows, real system strings, a fixed clock. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compileFlows, type FlowSet } from '../../src/engine/flowset.js';
import { step } from '../../src/engine/step.js';
import type { ResidentState } from '../../src/engine/state.js';
import type { Env, Input, StepResult } from '../../src/engine/types.js';
import { QuizBankFile, type QuizItem } from '../../src/flows/quiz-bank.js';
import { Flow } from '../../src/flows/schema.js';
import { loadTexts } from '../../src/i18n.js';
import { LOCALES_DIR, PROJECT_ROOT } from '../../src/paths.js';

export const texts = loadTexts(LOCALES_DIR);
export const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/flows');

export function fixtureFlow(file: string): Flow {
  return Flow.parse(parse(readFileSync(join(FIXTURES, file), 'utf8')));
}

/** The fixture quiz bank (test/fixtures/flows/quiz-bank/fixture.yaml). */
export function fixtureBank(): QuizItem[] {
  return QuizBankFile.parse(parse(readFileSync(join(FIXTURES, 'quiz-bank/fixture.yaml'), 'utf8'))).items;
}

/** Fixture lessons, with the fixture quiz bank. */
export function fixtureFlows(...files: string[]): FlowSet {
  return compileFlows(files.map(fixtureFlow), fixtureBank());
}

export const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);

export function env(now = T0, extra: Partial<Env> = {}): Env {
  return { now, texts, newId: () => 'anon-1', defaultLocale: 'vi', ...extra };
}

/** Drives one resident through several inputs, keeping state between them. */
export class Resident {
  state: ResidentState | null = null;
  now = T0;
  last!: StepResult;

  constructor(public flows: FlowSet, public extraEnv: Partial<Env> = {}) {}

  send(input: Input | string, advanceMs = 60_000): StepResult {
    this.now += advanceMs;
    const i: Input = typeof input === 'string' ? { type: 'text', text: input } : input;
    this.last = step(this.flows, this.state, i, env(this.now, this.extraEnv));
    this.state = this.last.state;
    return this.last;
  }

  tap(payload: string): StepResult {
    return this.send({ type: 'payload', payload });
  }

  /** All reply texts of the last turn, joined. */
  get said(): string {
    return this.last.replies.map((r) => r.text).join('\n---\n');
  }

  get choices(): string[] {
    return this.last.replies.at(-1)?.choices?.map((c) => c.label) ?? [];
  }
}
