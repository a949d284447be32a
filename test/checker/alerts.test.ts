/** Matching officials' active alerts (src/checker/alerts.ts). */
import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../src/checker/check.js';
import type { ActiveAlert } from '../../src/checker/types.js';
import { rules } from './shipped-rules.js';

const domainAlert: ActiveAlert = {
  id: 'evn-refund-2025-05',
  title: { vi: 'Tin giả hoàn tiền điện', en: 'Fake power-bill refunds' },
  keywords: [],
  domains: ['www.hoantien-dien.example'],
};
const wordAlert: ActiveAlert = {
  id: 'evn-add-friend',
  title: { vi: 'Giả điện lực bảo kết bạn Zalo' },
  keywords: ['tính thừa', 'kết bạn', 'điện lực'],
};
const alertSignal = (text: string, alerts: ActiveAlert[]) => checkMessage(text, rules, { alerts }).signals.filter((s) => s.id.startsWith('alert:'));

describe('alerts from officials', () => {
  it('matches a link on an alert domain, or a subdomain of it, with the alert title as the reason', () => {
    for (const text of ['Nhận tiền tại hoantien-dien.example/nhan', 'Xem login.hoantien-dien.example']) {
      const [s] = alertSignal(text, [domainAlert]);
      expect(s?.id).toBe('alert:evn-refund-2025-05');
      expect(s?.weight).toBe(rules.verdict.alerts.weight);
      expect(s?.reason.vi).toContain('Tin giả hoàn tiền điện');
      expect(s?.reason.en).toContain('Fake power-bill refunds');
      expect(text).toContain(s?.evidence);
    }
  });

  it('does not match another domain', () => {
    expect(alertSignal('Nhận tiền tại hoantien-dien2.example', [domainAlert])).toEqual([]);
  });

  it('matches enough of the keywords, with or without diacritics, quoting them', () => {
    const [s] = alertSignal('Dien luc: tien dien bi tinh thua, ban nhan tin cho so nay', [wordAlert]);
    expect(s?.evidence).toBe('tinh thua … Dien luc');
    expect(s?.reason.en).toContain('Giả điện lực bảo kết bạn Zalo'); // no English title: the Vietnamese one
  });

  it('does not match on too few keywords', () => {
    expect(alertSignal('Điện lực thông báo lịch cắt điện bảo dưỡng', [wordAlert])).toEqual([]);
  });

  it('turns an ordinary-looking message into a high risk', () => {
    const text = 'Điện lực: tiền điện bị tính thừa, vui lòng kết bạn để nhận lại';
    expect(checkMessage(text, rules).risk).not.toBe('high');
    expect(checkMessage(text, rules, { alerts: [wordAlert] }).risk).toBe('high');
  });
});
