/** The turn benchmark's printed figures: one line per run, then the bot against the floor. */
import type { LevelResult } from './turns-driver.js';

const ms = (n: number) => (Number.isNaN(n) ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const pad = (s: string, n: number) => s.padStart(n);

export function runLine(r: LevelResult): string {
  return (
    `${r.server.padEnd(6)} ${r.level.padEnd(14)} ${pad(Math.round(r.turnsPerS).toLocaleString('en'), 6)} turns/s  ` +
    `last reply p50/p95/p99 ${ms(r.last.p50)}/${ms(r.last.p95)}/${ms(r.last.p99)} ms  first ${ms(r.first.p50)}/${ms(r.first.p99)}  ` +
    `200 in ${ms(r.ack.p50)}/${ms(r.ack.p99)}  ${r.messagesPerTurn.toFixed(1)} msg/turn  CPU ${r.cpuMsPerTurn.toFixed(3)} ms/turn  ${r.syscallsPerTurn.toFixed(1)} syscalls/turn  ` +
    `RSS ${r.peakRssMb} MB  harness ${r.harnessCores.toFixed(2)} cores  lost ${r.lost}  dup ${r.duplicated}${r.refused ? `  refused ${r.refused} (${Object.entries(r.refusedWhy).map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}${r.redelivered ? `  redelivered ${r.redelivered}` : ''}${r.notStarted ? `  not started ${r.notStarted}` : ''}`
  );
}

const HEAD = '| level | server | turns/s | last reply p50 / p95 / p99 (ms) | first reply p99 | msgs/turn | CPU/turn (ms) | syscalls/turn | peak RSS | lost | dup |';

/** A Markdown table (it goes into the README as printed), then the ratios the issue sets targets for. */
export function table(results: LevelResult[]): string {
  const rows = [HEAD, '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|'];
  for (const r of results) {
    rows.push(
      `| ${r.level} | ${r.server} | ${Math.round(r.turnsPerS).toLocaleString('en')} | ${ms(r.last.p50)} / ${ms(r.last.p95)} / ${ms(r.last.p99)} | ` +
        `${ms(r.first.p99)} | ${r.messagesPerTurn.toFixed(1)} | ${r.cpuMsPerTurn.toFixed(3)} | ${r.syscallsPerTurn.toFixed(1)} | ${r.peakRssMb} MB | ${r.lost} | ${r.duplicated} |`,
    );
  }
  const find = (server: string, level: string) => results.find((r) => r.server === server && r.level === level);
  const lines = [rows.join('\n'), ''];
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  for (const level of [...new Set(results.map((r) => r.level))]) {
    const bot = find('bot', level);
    const floor = find('floor', level);
    if (!bot || !floor) continue;
    const cpu = bot.cpuMsPerTurn / floor.cpuMsPerTurn;
    const plus = find('floor+', level);
    lines.push(
      `${level}: CPU/turn bot ÷ floor ${cpu.toFixed(1)}× (target ≤ 2×: ${verdict(cpu <= 2)}), turns/s bot ÷ floor ` +
        `${(bot.turnsPerS / floor.turnsPerS).toFixed(2)}, syscalls/turn ${bot.syscallsPerTurn.toFixed(1)} vs ${floor.syscallsPerTurn.toFixed(1)}` +
        (plus ? `; against floor+ (the same messages and outbox): CPU/turn ${(bot.cpuMsPerTurn / plus.cpuMsPerTurn).toFixed(1)}×, turns/s ${(bot.turnsPerS / plus.turnsPerS).toFixed(2)}` : ''),
    );
  }
  const at200 = [find('bot', '200 in flight'), find('floor', '200 in flight')] as const;
  if (at200[0] && at200[1]) {
    const ratio = at200[0].turnsPerS / at200[1].turnsPerS;
    lines.push(`turns/s at 200 in flight: bot ÷ floor ${ratio.toFixed(2)} (target ≥ 0.5: ${verdict(ratio >= 0.5)})`);
  }
  const paced = find('bot', '500/s paced');
  if (paced) lines.push(`p99 at 500 turns/s: bot ${ms(paced.last.p99)} ms (target < 5 ms: ${verdict(paced.last.p99 < 5 && paced.notStarted === 0)})`);
  const bad = results.filter((r) => r.lost || r.duplicated || r.refused);
  lines.push(bad.length ? `lost, duplicated or refused turns (target none: MISSED): ${bad.map((r) => `${r.server} ${r.level}`).join(', ')}` : 'lost 0, duplicated 0, refused 0 everywhere (target: met)');
  return lines.join('\n');
}
