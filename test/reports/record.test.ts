/** After the commit (src/reports/record.ts): consented reports go to the store; analytics never get the text. */
import { describe, expect, it } from 'vitest';
import { newResident } from '../../src/engine/state.js';
import type { EngineEvent } from '../../src/engine/types.js';
import { forAnalytics, recordReports } from '../../src/reports/record.js';
import type { NewReport } from '../../src/reports/store.js';

const report = {
  text: 'Gọi [SĐT] ngay', risk: 'high' as const, scamType: 'bank',
  signals: [{ id: 'ask.call', vi: 'Bảo gọi lại', en: 'Asks you to call' }], domains: ['x.example'], phrases: ['gọi ngay'],
};

describe('recording reports', () => {
  it('hands each report_made to the store with the resident\'s anonymous id and area, nothing else', async () => {
    const state = { ...newResident(0, 'vi', 'anon-7'), area: { province: '02', commune: '00715' } };
    const taken: NewReport[] = [];
    const events: EngineEvent[] = [{ type: 'message_checked', risk: 'high', signals: [] }, { type: 'report_made', report }];
    await recordReports({ add: async (r) => (taken.push(r), { status: 'added', groupId: '02-1', isNew: true, similarity: 1 }) }, state, events);
    expect(taken).toEqual([{ anonId: 'anon-7', area: { province: '02', commune: '00715' }, ...report }]);
  });

  it('analytics keep that a report was made, its risk and signs, not its text, words or domains', () => {
    const kept = forAnalytics({ type: 'report_made', report });
    expect(kept).toEqual({ type: 'report_made', risk: 'high', scamType: 'bank', signals: ['ask.call'], domains: 1 });
    expect(JSON.stringify(kept)).not.toContain('[SĐT]');
    const other: EngineEvent = { type: 'data_deleted' };
    expect(forAnalytics(other)).toBe(other);
  });
});
