/**
 * After a committed turn: the reports the resident agreed to (`report_made` events) are stored,
 * masked, in their area's groups. Best effort like the other bookkeeping: a report lost to a Redis
 * hiccup is logged, never retried into a second turn. The analytics stream gets the event without
 * the message (`forAnalytics`), so the text is kept only with the report, under no resident id.
 * A resident who deletes their data has the store's keys under their anonymous id deleted too
 * (`forget`); the reports they already shared stay with the officials (masked, consented).
 */
import type { AreaRef } from '../accounts/schema.js';
import type { ResidentState } from '../engine/state.js';
import type { EngineEvent } from '../engine/types.js';
import type { AddResult, NewReport } from './store.js';

export interface ReportSink {
  add(report: NewReport): Promise<AddResult>;
  /** The resident deleted their data: drop the store's keys under their anonymous id (ReportStore.forget). */
  forget(anonId: string, area: AreaRef | undefined): Promise<void>;
}

/** The event as analytics keep it: what was found, not what was written. */
export function forAnalytics(event: EngineEvent): EngineEvent | Record<string, unknown> {
  if (event.type !== 'report_made') return event;
  const { text: _text, phrases: _phrases, domains, signals, ...rest } = event.report;
  const kept: Record<string, unknown> = { type: 'report_made', ...rest, signals: signals.map((s) => s.id), domains: domains.length };
  return kept;
}

export async function recordReports(sink: Pick<ReportSink, 'add'>, state: ResidentState, events: readonly EngineEvent[]): Promise<AddResult[]> {
  const results: AddResult[] = [];
  for (const e of events) {
    if (e.type !== 'report_made') continue;
    results.push(await sink.add({ anonId: state.anonId, area: state.area, ...e.report }));
  }
  return results;
}
