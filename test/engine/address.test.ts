/**
 * Forms of address (src/engine/address.ts, address-setting.ts): which messages say how the resident
 * speaks of themselves and which speak of someone else, "call me …", old states without a form, and
 * the shipped texts rendered in every form.
 */
import { describe, expect, it } from 'vitest';
import { ADDRESS_FORMS, addressed, type AddressForm } from '../../src/engine/address.js';
import { formAskedFor, formOfSelf } from '../../src/engine/address-setting.js';
import { ResidentState } from '../../src/engine/state.js';
import { step } from '../../src/engine/step.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { env, Resident, T0 } from './harness.js';

/** [message, the form it says the writer uses of themselves (undefined: none)] */
const SELF: [string, AddressForm | undefined][] = [
  ['bác không hiểu', 'bac'],
  ['bac khong hieu', 'bac'],
  ['Bác ko hiểu gì cả', 'bac'],
  ['dạ bác chưa biết làm', 'bac'],
  ['da bac chua biet lam', 'bac'],
  ['cô muốn học', 'co'],
  ['Cô không biết gì', 'co'],
  ['chú xong rồi', 'chu'],
  ['chu xong roi', 'chu'],
  ['chú đọc rồi cháu ạ', 'chu'],
  ['anh chưa hiểu lắm', 'anh'],
  ['anh khong hieu', 'anh'],
  ['chị muốn học bài tiền điện', 'chi'],
  ['chị bị lừa rồi', 'chi'],
  // Someone else, or the bot called by name.
  ['anh ấy bị lừa', undefined],
  ['anh ay bi lua', undefined],
  ['chị tôi', undefined],
  ['chi toi bi lua', undefined],
  ['cô giáo gửi', undefined],
  ['co giao gui', undefined],
  ['chú Ba nói', undefined],
  ['chu ba noi', undefined],
  ['bác sĩ bảo', undefined],
  ['anh em nhà tôi', undefined],
  ['chị ơi cho hỏi', undefined],
  ['bác Tư không hiểu', undefined],
  // Asking someone something.
  ['anh có khoẻ không', undefined],
  ['chị hiểu chưa', undefined],
  ['anh biết không?', undefined],
  ['cô đọc rồi à', undefined],
  // Without marks "co" is "có", "chi" is "chỉ": nothing said of the writer.
  ['co muon hoc', undefined],
  ['chi muon hoc', undefined],
  ['có muốn học', undefined],
  ['chỉ muốn học', undefined],
  // "ảnh" (a picture), "bạc" (silver), and "bạn", which nobody calls themselves.
  ['ảnh không hiện', undefined],
  ['bạc không còn', undefined],
  ['bạn muốn học', undefined],
  // Too long to be about the writer: a story, a pasted message.
  ['anh đã chuyển tiền cho người ta hôm qua lúc chiều tối rồi mới biết', undefined],
  ['bác', undefined],
  ['', undefined],
];

describe('the form a resident uses of themselves', () => {
  it.each(SELF)('%j → %s', (text, form) => {
    expect(formOfSelf(text)).toBe(form);
  });
});

describe('"call me …"', () => {
  it.each([
    ['gọi tôi là bác', 'bac'],
    ['goi toi la chi', 'chi'],
    ['Dạ, cứ gọi tôi là chú nhé', 'chu'],
    ['hãy gọi mình là bạn', 'ban'],
    ['xưng hô với tôi là anh', 'anh'],
    ['call me cô', 'co'],
    ['gọi tôi là gì cũng được', undefined],
    ['gọi điện cho ngân hàng', undefined],
    ['gọi tôi là', undefined],
  ] as const)('%j → %s', (text, form) => {
    expect(formAskedFor(text)).toBe(form);
  });
});

describe('states', () => {
  const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));

  it('a state stored before there were forms parses, and is addressed as "bạn"', () => {
    const r = new Resident(flows);
    r.send('xin chào');
    const { address, ...old } = { ...r.state! };
    expect(address).toBeUndefined();
    const parsed = ResidentState.parse(JSON.parse(JSON.stringify(old)));
    expect(parsed.address).toBeUndefined();
    const next = step(flows, parsed, { type: 'text', text: 'danh mục' }, env(T0 + 120_000));
    expect(next.replies[0]!.text).toContain('Bạn muốn học gì?');
  });

  it('a message pasted for a check, or forwarded on the menu, is never read as the resident speaking of themselves', () => {
    const r = new Resident(flows);
    r.send('xin chào');
    r.send('kiểm tra');
    r.send('Chị đã trúng thưởng, nhận tại qua-tang.example');
    expect(r.said).toContain('Dấu hiệu mình thấy');
    expect(r.state!.address).toBeUndefined();
    r.send('Chị đã trúng thưởng, nhận tại qua-tang.example');
    expect(r.said).toContain('Mình kiểm tra giúp');
    expect(r.state!.address).toBeUndefined();
  });
});

describe('the shipped texts in every form', () => {
  const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));
  const texts: string[] = [];
  for (const { flow } of flows.list) {
    const collect = (o: unknown): void => {
      if (o && typeof o === 'object') {
        const vi = (o as { vi?: unknown }).vi;
        if (typeof vi === 'string') texts.push(vi);
        for (const v of Object.values(o)) collect(v);
      }
    };
    collect(flow);
  }
  for (const item of flows.bank.values()) texts.push(item.advice.vi, ...item.signs.map((s) => s.vi));
  const rules = flows.checker!;
  texts.push(...Object.values(rules.verdict.types).map((t) => t.advice.vi), ...rules.patterns.map((p) => p.reason.vi));

  it('leave no form-of-address variable unfilled, and say "bác" and "cháu" where the default says "bạn" and "mình"', () => {
    for (const form of ADDRESS_FORMS) {
      for (const text of texts) expect(addressed(text, form, 'vi')).not.toMatch(/\{\{\s*(you|You|me|Me)\s*\}\}/);
    }
    // scam-practice: "Tin nào {{you}} nhầm, vài ngày nữa {{me}} sẽ hỏi lại."
    const sample = texts.find((t) => t.includes('{{you}} nhầm') && t.includes('{{me}}'));
    expect(sample).toBeDefined();
    expect(addressed(sample!, 'ban', 'vi')).toContain('Tin nào bạn nhầm, vài ngày nữa mình sẽ hỏi lại.');
    expect(addressed(sample!, 'bac', 'vi')).toContain('Tin nào bác nhầm, vài ngày nữa cháu sẽ hỏi lại.');
    expect(addressed(sample!, 'chi', 'vi')).toContain('Tin nào chị nhầm, vài ngày nữa em sẽ hỏi lại.');
  });

  it('say "bạn" only inside quotes once the resident is "bác" (a scammer\'s words, an example message)', () => {
    const unquoted = (t: string) => t.replace(/«[^»]*»|“[^”]*”|"[^"]*"/g, '');
    const left = texts.map((t) => unquoted(addressed(t, 'bac', 'vi'))).filter((t) => /(^|[^\p{L}])bạn(?! bè)(?!\p{L})/iu.test(t));
    expect(left).toEqual([]);
  });
});
