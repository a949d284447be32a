/**
 * The pure engine alone, walking the same lesson as the benchmark's residents: what a turn costs
 * before any I/O (a lower bound for the bot's CPU per turn).
 */
import { performance } from 'node:perf_hooks';
import { step } from '../src/engine/step.js';
import type { ResidentState } from '../src/engine/state.js';
import { loadLessonsOrThrow } from '../src/flows/load.js';
import { loadTexts } from '../src/i18n.js';
import { LOCALES_DIR, resolveFlowsDir } from '../src/paths.js';

/** µs per turn over `turns` turns (after as many unmeasured ones). */
export function engineMicrosPerTurn(turns: number, lesson = 'scam-sms-quiz'): number {
  const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));
  const texts = loadTexts(LOCALES_DIR);
  let state: ResidentState | null = null;
  let payload = `l:${lesson}`;
  let start = 0;
  for (let i = 0; i < 2 * turns; i++) {
    if (i === turns) start = performance.now();
    const result = step(flows, state, { type: 'payload', payload }, { now: Date.now(), texts, newId: () => 'bench', defaultLocale: 'vi' });
    state = result.state;
    payload = result.replies.at(-1)?.choices?.find((c) => /^[onk]:/.test(c.payload))?.payload ?? `l:${lesson}`;
  }
  return ((performance.now() - start) * 1000) / turns;
}
