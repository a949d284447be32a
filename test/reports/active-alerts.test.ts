/** Which officials' alerts a resident's check recognises (src/broadcast/active-alerts.ts), and the per-process cache. */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/broadcast/alert.js';
import { ActiveAlerts, alertTitle, isActive, toActiveAlert } from '../../src/broadcast/active-alerts.js';

const DAY = 24 * 3600_000;
const NOW = Date.UTC(2026, 10, 25, 3);

function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id, rev: 1, createdBy: 'abcdefghij', createdByName: 'Chị Lan', fromName: 'UBND Xã Lũng Cú',
    text: { vi: 'Giả điện lực hoàn tiền\nĐừng kết bạn Zalo lạ.' }, match: { domains: ['hoantien.example'], phrases: ['tính thừa'] },
    audience: { area: { province: '02', district: '026' } }, status: 'done', approvals: [], scheduledAt: NOW - 2 * DAY,
    createdAt: NOW - 3 * DAY, updatedAt: NOW - 2 * DAY, ...over,
  };
}

describe('active alerts', () => {
  it('sent (sending or done), within 30 days, with something to match; never drafts, cancelled or old ones', () => {
    expect(isActive(alert('a'), NOW)).toBe(true);
    expect(isActive(alert('a', { status: 'sending' }), NOW)).toBe(true);
    for (const status of ['draft', 'pending_approval', 'scheduled', 'cancelled'] as const) expect(isActive(alert('a', { status }), NOW)).toBe(false);
    expect(isActive(alert('a', { scheduledAt: NOW - 31 * DAY }), NOW)).toBe(false);
    expect(isActive(alert('a', { match: { domains: [], phrases: [] } }), NOW)).toBe(false);
    const { match: _none, ...noMatch } = alert('a');
    expect(isActive(noMatch, NOW)).toBe(false);
  });

  it('as the checker takes them: the first line as the title, the phrases as keywords, when it was sent', () => {
    expect(toActiveAlert(alert('a'))).toEqual({
      id: 'a', title: { vi: 'Giả điện lực hoàn tiền' }, keywords: ['tính thừa'], domains: ['hoantien.example'], sentAt: NOW - 2 * DAY,
    });
    expect(alertTitle('x'.repeat(200))).toHaveLength(80);
  });

  it('only those whose audience covers the resident\'s area; none without an area; one read per province per 30 s', async () => {
    let reads = 0;
    let now = NOW;
    const all = [alert('here'), alert('commune', { audience: { area: { province: '02', district: '026', commune: '00715' } } }), alert('other', { audience: { area: { province: '02', district: '027' } } })];
    const active = new ActiveAlerts({ listInProvince: async () => (reads++, all) }, () => now);
    const lungCu = { province: '02', district: '026', commune: '00715' };
    expect((await active.forArea(lungCu)).map((a) => a.id)).toEqual(['here', 'commune']);
    expect((await active.forArea({ province: '02', district: '026', commune: '00721' })).map((a) => a.id)).toEqual(['here']);
    expect(await active.forArea(undefined)).toEqual([]);
    expect(reads).toBe(1);
    now += 31_000;
    await active.forArea(lungCu);
    expect(reads).toBe(2);
  });

  it('a failed read is not cached', async () => {
    let fail = true;
    const active = new ActiveAlerts({ listInProvince: async () => { if (fail) throw new Error('down'); return [alert('a')]; } }, () => NOW);
    await expect(active.forArea({ province: '02', district: '026' })).rejects.toThrow('down');
    fail = false;
    expect(await active.forArea({ province: '02', district: '026' })).toHaveLength(1);
  });
});
