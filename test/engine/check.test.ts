/** "Is this a scam?" in the conversation, with the shipped lessons and checker rules. */
import { describe, expect, it } from 'vitest';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { Resident } from './harness.js';

const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));
const SCAM = 'Tai khoan cua ban bi tam khoa, dang nhap tai vcb-secure.example de mo khoa trong 24h';

describe('checking a message', () => {
  it('by command: asks for the message, then says how risky, which signs with their words, what to do, which lesson', () => {
    const r = new Resident(flows);
    r.send('xin chào');
    expect(r.choices).toContain('🔎 Kiểm tra tin nhắn');
    r.send('kiểm tra tin nhắn');
    expect(r.said).toContain('Bạn dán (hoặc chuyển tiếp) tin nhắn đáng ngờ');
    expect(r.state!.screen).toBe('check');
    r.send(SCAM);
    expect(r.said).toMatch(/^🔴 Rất có thể là LỪA ĐẢO\./);
    expect(r.said).toContain('vcb-secure.example');
    expect(r.last.events).toEqual([expect.objectContaining({ type: 'message_checked', risk: 'high' })]);
    const payloads = r.last.replies.at(-1)!.choices!.map((c) => c.payload);
    expect(payloads.some((p) => p.startsWith('l:'))).toBe(true);
    expect(payloads).toContain('c:check');
    expect(r.state!.screen).toBe('menu');
  });

  it.each(['xem giúp bác tin này với', 'kiem tra giup toi', 'tin này có phải lừa đảo không', 'is this a scam'])('asked in everyday words (%j): asks for the message', (text) => {
    const r = new Resident(flows);
    r.send('xin chào');
    r.send(text);
    expect(r.said).toContain('Bạn dán (hoặc chuyển tiếp) tin nhắn đáng ngờ');
    expect(r.state!.screen).toBe('check');
  });

  it('a forwarded-looking message outside a lesson is offered a check, and the text is kept only until the answer', () => {
    const r = new Resident(flows);
    r.send('xin chào');
    r.send(SCAM);
    expect(r.said).toContain('Mình kiểm tra giúp xem có dấu hiệu lừa đảo không nhé?');
    expect(r.state!.pendingCheck).toBe(SCAM);
    r.send('vâng');
    expect(r.said).toMatch(/^🔴/);
    expect(r.state!.pendingCheck).toBeUndefined();
  });

  it.each(['kiểm tra', 'ừ kiểm tra đi', 'kiểm tra đi cháu', 'xem giúp bác với'])('the offer answered by asking for the check (%j): checked', (text) => {
    const r = new Resident(flows);
    r.send('xin chào');
    r.send(SCAM);
    r.send(text);
    expect(r.said).toMatch(/^🔴/);
    expect(r.state!.pendingCheck).toBeUndefined();
  });

  it('"không cần kiểm tra đâu" is no check', () => {
    const r = new Resident(flows);
    r.send('xin chào');
    r.send(SCAM);
    r.send('không cần kiểm tra đâu');
    expect(r.said).not.toMatch(/🔴/);
    expect(r.state!.pendingCheck).toBeUndefined();
  });

  it('an offer left unanswered (the menu button, a lesson, a command) forgets the text too: it is unmasked', () => {
    const ways: ['tap' | 'send', string][] = [['tap', 'c:menu'], ['tap', 'l:password-otp'], ['send', 'ngôn ngữ'], ['send', 'con mèo']];
    for (const [how, what] of ways) {
      const r = new Resident(flows);
      r.send('xin chào');
      r.send(SCAM);
      expect(r.state!.pendingCheck).toBe(SCAM);
      if (how === 'tap') r.tap(what);
      else r.send(what);
      expect(r.state!.pendingCheck, what).toBeUndefined();
    }
  });

  it('a genuine balance notice is low risk, and saying no to the offer forgets the text', () => {
    const r = new Resident(flows);
    r.send('xin chào');
    r.send('check message');
    r.send('NH-ABC: TK 1234xxx +500,000VND 08:30 02/12. SD 1,250,000VND.');
    expect(r.said).toMatch(/^🟢/);
    r.send('Anh ơi chuyển gấp cho em 5 triệu vào số tài khoản 0900000456 nhé, em đang cần lắm');
    expect(r.state!.screen).toBe('check-offer');
    r.send('không');
    expect(r.state!.pendingCheck).toBeUndefined();
    expect(r.said).toContain('Bạn muốn học gì?');
  });

  it('a low risk does not announce the few signs it found as "the signs": they are things to keep in mind', () => {
    const r = new Resident(flows);
    r.send('xin chào');
    r.send('kiem tra');
    r.send('Xem ảnh cưới của Lan ở đây nhé bit.ly/3xYz');
    expect(r.said).toMatch(/^🟢/);
    expect(r.said).toContain('Chưa đủ để nói là lừa đảo, nhưng bạn nên để ý:');
    expect(r.said).toContain('bit.ly');
    expect(r.said).not.toContain('Dấu hiệu mình thấy');
    r.send('kiem tra');
    r.send(SCAM);
    expect(r.said).toMatch(/^🔴/);
    expect(r.said).toContain('Dấu hiệu mình thấy:');
    expect(r.said).not.toContain('Chưa đủ để nói là lừa đảo');
  });

  it('an emoji or punctuation is no message: it asks for the message again instead of "no sign of a scam"', () => {
    const r = new Resident(flows);
    r.send('xin chào');
    r.send('kiem tra');
    r.send('🙂');
    expect(r.said).toContain('Mình chưa thấy tin nhắn nào để kiểm tra');
    expect(r.said).not.toMatch(/🟢/);
    expect(r.last.events).toEqual([]);
    expect(r.state!.screen).toBe('check');
    r.send(SCAM);
    expect(r.said).toMatch(/^🔴/);
  });

  it('inside a lesson, a pasted message that is no answer to the step is offered a check, and the lesson waits', () => {
    const r = new Resident(flows);
    r.tap('l:password-otp');
    r.send(SCAM);
    expect(r.said).toContain('Mình kiểm tra giúp xem có dấu hiệu lừa đảo không nhé?');
    expect(r.state!.pendingCheck).toBe(SCAM);
    r.send('có');
    expect(r.said).toMatch(/^🔴/);
    expect(r.state!.current?.flowId).toBe('password-otp');
    r.send('tiếp tục');
    expect(r.state!.screen).toBe('lesson');
  });

  it("inside a lesson, a long typed answer to the step's question stays the lesson's business", () => {
    const r = new Resident(flows);
    r.tap('l:password-otp');
    const compiled = flows.byId.get('password-otp')!;
    Object.assign(r.state!.current!, { stepId: 'otp-who', stepIndex: compiled.indexOf.get('otp-who')! });
    r.send('Theo tôi thì mã OTP đó tuyệt đối không đọc cho bất kỳ ai, kể cả người nhà');
    expect(r.said).toMatch(/^Đúng rồi!/);
    expect(r.state!.pendingCheck).toBeUndefined();
  });
});

describe('messages worth a check, wherever they come', () => {
  it('a scam SMS as the very first message is offered a check after the welcome, not dropped for the menu', () => {
    const r = new Resident(flows);
    r.send('[VCB] Tai khoan bi tam khoa. Xac minh tai vcb-xacminh.top ngay');
    expect(r.said).toContain('Xin chào');
    expect(r.said).toContain('Mình kiểm tra giúp xem có dấu hiệu lừa đảo không nhé?');
    expect(r.state!.screen).toBe('check-offer');
    r.send('co');
    expect(r.said).toMatch(/^🔴/);
  });

  it('a short typed sentence with warning signs and no link is offered a check; a greeting or a short answer is not', () => {
    const r = new Resident(flows);
    r.send('xin chào');
    r.send('Con ơi mẹ đổi số mới rồi, chuyển giúp mẹ 5 triệu vào STK 0123456789, mẹ cần gấp');
    expect(r.state!.screen).toBe('check-offer');
    r.send('menu');
    r.send('em muốn học cái gì đó hay hay');
    expect(r.state!.screen).toBe('menu');
    expect(r.said).toContain('Bạn chọn bài bằng cách bấm nút');
  });

  it('after a verdict, a typed number is the button of that number (Zalo shows more than 5 buttons as a numbered list only)', () => {
    const r = new Resident(flows);
    r.send('xin chào');
    r.send('kiem tra');
    r.send(SCAM);
    const buttons = r.last.replies.at(-1)!.choices!;
    const report = buttons.findIndex((c) => c.payload === 'c:report');
    expect(report).toBeGreaterThan(0);
    r.send(String(report + 1));
    expect(r.state!.screen).toBe('report');
    expect(r.said).toContain('Bạn đồng ý gửi không?');
    r.send('1');
    expect(r.last.events).toEqual([expect.objectContaining({ type: 'report_made' })]);
  });
});
