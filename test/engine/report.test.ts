/** Reporting a checked message to officials, in the engine: the button, consent once per report, the event, forgetting. */
import { describe, expect, it } from 'vitest';
import type { ActiveAlert } from '../../src/checker/types.js';
import { REPORTS_PER_DAY, alertDate } from '../../src/engine/check.js';
import { parsePayload, payload } from '../../src/engine/payloads.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { Resident } from './harness.js';

const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));
const SCAM = 'Chào anh Nguyễn Văn An, tài khoản của anh bị tạm khóa, đăng nhập tại vcb-secure.example để mở khóa trong 24h, gọi 0912345678';
const AREAS = [{ ref: { province: '02', district: '026', commune: '00715' }, name: 'Xã Lũng Cú', place: 'Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang', province: { name: 'Tỉnh Hà Giang' } }];

function checked(extra = {}): Resident {
  const r = new Resident(flows, extra);
  r.send('xin chào');
  r.send('kiểm tra tin nhắn');
  r.send(SCAM);
  return r;
}

describe('reporting a checked message', () => {
  it('the verdict offers "Report to officials" and keeps the message, masked, until the answer', () => {
    const r = checked();
    expect(r.choices).toEqual(['Kiểm tra đường link', '📣 Báo cho cán bộ', 'Kiểm tra tin khác', 'Danh mục']);
    const pending = r.state!.pendingReport!;
    expect(pending.text).toBe('Chào anh [tên], tài khoản của anh bị tạm khóa, đăng nhập tại vcb-secure.example để mở khóa trong 24h, gọi [SĐT]');
    expect(pending).toMatchObject({ risk: 'high', scamType: 'bank', domains: ['vcb-secure.example'] });
    expect(pending.signals.map((s) => s.id)).toContain('link.lookalike.brand');
    expect(pending.phrases).toContain('tạm khóa');
    expect(pending.phrases.every((p) => !/\d/.test(p))).toBe(true);
    expect(JSON.stringify(r.state)).not.toContain('0912345678');
  });

  it('asks once, saying what is shared and with whom; yes emits report_made and forgets the message', () => {
    const r = checked({ areas: AREAS });
    r.state!.area = AREAS[0]!.ref;
    r.tap(payload.report('ask'));
    expect(r.state!.screen).toBe('report');
    expect(r.said).toContain('Người xem: cán bộ của Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang.');
    expect(r.said).toContain('Số điện thoại, số tài khoản, số thẻ, tên, email, số CCCD và mã OTP');
    expect(r.said).toContain('«Chào anh [tên], tài khoản');
    expect(r.choices).toEqual(['Đồng ý, gửi', 'Không gửi']);
    expect(r.last.events).toEqual([]);
    r.tap(payload.report('yes'));
    expect(r.said).toContain('Cảm ơn bạn! Mình đã gửi tin này cho cán bộ');
    expect(r.last.events).toEqual([{ type: 'report_made', report: expect.objectContaining({ risk: 'high', text: expect.stringContaining('[SĐT]') }) }]);
    expect(r.state!.pendingReport).toBeUndefined();
    expect(r.state!.screen).toBe('menu');
    // A second tap on the old button: nothing left to report, nothing sent twice.
    r.tap(payload.report('yes'));
    expect(r.said).toContain('Không còn tin nào để báo');
    expect(r.last.events).toEqual([]);
  });

  it('the daily limit: the report over it is not thanked as sent, and the next day reports go again', () => {
    const r = checked();
    const report = () => {
      r.send('kiểm tra tin nhắn');
      r.send(SCAM);
      r.tap('c:report');
      r.tap(payload.report('yes'));
    };
    r.tap('c:report');
    r.tap(payload.report('yes'));
    for (let i = 1; i < REPORTS_PER_DAY; i++) report();
    expect(r.state!.reportsToday).toEqual({ day: '20261125', n: REPORTS_PER_DAY });
    expect(r.said).toContain('Mình đã gửi tin này cho cán bộ');

    report();
    expect(r.last.events).toEqual([]);
    expect(r.said).toContain(`Hôm nay bạn đã gửi ${REPORTS_PER_DAY} tin cho cán bộ`);
    expect(r.said).not.toContain('Mình đã gửi tin này');
    expect(r.state!.pendingReport).toBeUndefined();
    expect(r.state!.screen).toBe('menu');

    // Midnight in Vietnam (17:00 UTC): a new day.
    r.now = Date.UTC(2026, 10, 25, 17, 0, 0) - 60_000;
    report();
    expect(r.last.events.map((e) => e.type)).toEqual(['report_made']);
    expect(r.state!.reportsToday).toEqual({ day: '20261126', n: 1 });
  });

  it('a typed "không" on the consent question sends nothing', () => {
    const r = checked();
    r.tap('c:report');
    expect(r.said).toContain('bạn chưa cho biết xã/phường');
    r.send('không');
    expect(r.said).toContain('Mình không gửi gì cả');
    expect(r.last.events).toEqual([]);
    expect(r.state!.pendingReport).toBeUndefined();
  });

  it('a typed "có" says yes; in English the words are English', () => {
    const r = checked();
    r.send('english');
    r.send('check message');
    r.send(SCAM);
    expect(r.choices).toContain('📣 Report it');
    r.tap('c:report');
    expect(r.said).toContain('Report this message to officials?');
    r.send('yes');
    expect(r.last.events.map((e) => e.type)).toEqual(['report_made']);
  });

  it('the words of sending answer it too: "gửi đi", "có gửi" send; "không gửi", "đừng gửi" do not', () => {
    const cases: [string, boolean][] = [
      ['gửi đi', true], ['có gửi', true], ['gui luon chau', true], ['ừ gửi giúp bác', true], ['send it', true],
      ['không gửi', false], ['đừng gửi', false], ['thôi khong gui dau', false],
    ];
    for (const [typed, sent] of cases) {
      const r = checked();
      r.tap('c:report');
      r.send(typed);
      expect(r.last.events.map((e) => e.type), typed).toEqual(sent ? ['report_made'] : []);
      if (!sent) expect(r.said, typed).toContain('không gửi gì cả');
      expect(r.state!.pendingReport, typed).toBeUndefined();
    }
  });

  it('doing anything else after the verdict forgets the message; the button then says there is nothing to report', () => {
    const r = checked();
    r.tap('l:password-otp');
    expect(r.state!.pendingReport).toBeUndefined();
    r.tap('c:report');
    expect(r.said).toContain('Không còn tin nào để báo');
  });

  it('on the consent question, something else than yes or no is handled as usual and forgets the message', () => {
    const r = checked();
    r.tap('c:report');
    r.send('danh mục');
    expect(r.said).toContain('Bạn muốn học gì?');
    expect(r.state!.pendingReport).toBeUndefined();
    expect(r.state!.screen).toBe('menu');
  });

  it('payloads: c:report, c:report:yes, c:report:no', () => {
    expect(parsePayload('c:report')).toEqual({ type: 'report', answer: 'ask' });
    expect(parsePayload('c:report:yes')).toEqual({ type: 'report', answer: 'yes' });
    expect(parsePayload('c:report:no')).toEqual({ type: 'report', answer: 'no' });
    expect(parsePayload('c:report:maybe')).toBeUndefined();
  });
});

describe('an officials\' alert in the verdict', () => {
  const alert: ActiveAlert = {
    id: 'a1', title: { vi: 'Giả Vietcombank khoá tài khoản', en: 'Fake Vietcombank locks' }, keywords: [], domains: ['vcb-secure.example'],
    sentAt: Date.UTC(2026, 10, 19, 20, 0),
  };

  it('comes right after the risk, with the date (Vietnam time) and the title; not repeated among the signs', () => {
    const r = checked({ activeAlerts: [alert] });
    const lines = r.said.split('\n');
    expect(lines[0]).toMatch(/^🔴/);
    expect(lines[1]).toBe('⚠️ Tin này giống cảnh báo cán bộ đã gửi ngày 20/11/2026: «Giả Vietcombank khoá tài khoản».');
    expect(r.said.match(/Giả Vietcombank khoá tài khoản/g)).toHaveLength(1);
    expect(alertDate(Date.UTC(2026, 10, 19, 16, 59))).toBe('19/11/2026');
  });

  it('in English', () => {
    const r = new Resident(flows, { activeAlerts: [alert] });
    r.send('english');
    r.send('check message');
    r.send(SCAM);
    expect(r.said).toContain('⚠️ This matches an alert sent by officials on 20/11/2026: “Fake Vietcombank locks”.');
  });
});
