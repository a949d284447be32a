/**
 * `npm run bench`: how fast a turn is. Prints figures; asserts nothing (tests never time things).
 *  1. the pure engine alone (turns/s on one core);
 *  2. whole turns through the web channel on a real Redis, N residents in flight at once,
 *     each sending its next message only after the previous reply arrived.
 */
import { performance } from 'node:perf_hooks';
import { step } from '../src/engine/step.js';
import type { ResidentState } from '../src/engine/state.js';
import { loadLessonsOrThrow } from '../src/flows/load.js';
import { loadTexts } from '../src/i18n.js';
import { LOCALES_DIR, resolveFlowsDir } from '../src/paths.js';
import { startTestServer } from '../test/helpers/server.js';
import { WebResident } from '../test/helpers/web-client.js';

const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));
const texts = loadTexts(LOCALES_DIR);
const lesson = flows.list[0]!.flow.id;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function engineOnly(turns: number): void {
  let state: ResidentState | null = null;
  let payload = `l:${lesson}`;
  const start = performance.now();
  for (let i = 0; i < turns; i++) {
    const result = step(flows, state, { type: 'payload', payload }, { now: Date.now(), texts, newId: () => 'b', defaultLocale: 'vi' });
    state = result.state;
    const next = result.replies.at(-1)?.choices?.find((c) => /^[onk]:/.test(c.payload));
    payload = next ? next.payload : `l:${lesson}`;
  }
  const ms = performance.now() - start;
  console.log(`engine only: ${turns} turns in ${ms.toFixed(0)} ms → ${(turns / (ms / 1000)).toFixed(0)} turns/s, ${((ms * 1000) / turns).toFixed(1)} µs/turn`);
}

async function endToEnd(inFlight: number, turnsEach: number): Promise<void> {
  const server = await startTestServer();
  const latencies: number[] = [];
  let failures = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      const r = new WebResident(server.url);
      let payload = `l:${lesson}`;
      for (let i = 0; i < turnsEach; i++) {
        const t0 = performance.now();
        const { status } = await r.post({ payload, messageId: `${r.userId}-${i}` });
        latencies.push(performance.now() - t0);
        if (status !== 200) failures++;
        const next = r.choices.find((c) => /^[onk]:/.test(c.payload));
        payload = next ? next.payload : `l:${lesson}`;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await server.close();
  latencies.sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2);
  console.log(
    `web channel, ${inFlight} in flight: ${latencies.length} turns, ${(latencies.length / seconds).toFixed(0)} turns/s, ` +
      `p50 ${f(percentile(latencies, 50))} ms, p95 ${f(percentile(latencies, 95))} ms, p99 ${f(percentile(latencies, 99))} ms, failures ${failures}`,
  );
}

engineOnly(20_000);
for (const n of [1, 50, 200]) await endToEnd(n, n === 1 ? 500 : 20);
process.exit(0);
