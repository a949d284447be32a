/** Spaced review of quiz-bank items and lessons' own questions, and how questions are drawn. */
import { describe, expect, it } from 'vitest';
import { compileFlows } from '../../src/engine/flowset.js';
import { afterAnswer, bankKey, drawItems, dueItems, nextReviewAt, REVIEW_GAPS_MS } from '../../src/engine/review.js';
import { newResident, type ResidentState } from '../../src/engine/state.js';
import { fixtureBank, fixtureFlow, fixtureFlows, Resident, T0 } from './harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const bank = new Map(fixtureBank().map((i) => [i.id, i] as const));
/** The fixture bank, and the tiny lesson's one quiz step (`tiny/quiz1`, scam type otp) as a lesson question. */
const sources = fixtureFlows('practice.yaml', 'tiny.yaml');

describe('the review schedule', () => {
  it('wrong → next session; then 1, 3 and 7 days while right; then learned; wrong starts over', () => {
    let h = afterAnswer(undefined, false, T0, true);
    expect(h).toMatchObject({ box: 1, due: T0 + 6 * HOUR, wrong: 1, right: 0 });
    const gaps: number[] = [];
    let now = T0;
    for (let i = 0; i < 3; i++) {
      now = h.due!;
      h = afterAnswer(h, true, now, true);
      gaps.push(h.due! - now);
    }
    expect(gaps).toEqual([1 * DAY, 3 * DAY, 7 * DAY]);
    h = afterAnswer(h, true, h.due!, true);
    expect(h.box).toBe(0);
    expect(h.due).toBeUndefined();
    expect(afterAnswer({ ...h, box: 3, due: now }, false, now, true)).toMatchObject({ box: 1, due: now + REVIEW_GAPS_MS[1]! });
  });

  it('right the first time: nothing to review; a question outside the review is never scheduled', () => {
    expect(afterAnswer(undefined, true, T0, true).due).toBeUndefined();
    expect(afterAnswer(undefined, false, T0, false).due).toBeUndefined();
  });
});

function stateWith(quiz: ResidentState['quiz'], last?: string): ResidentState {
  return { ...newResident(T0, 'vi', 'anon'), quiz, ...(last ? { lastQuizItem: last } : {}) };
}

describe('drawing questions', () => {
  it('due reviews come first, most overdue first; items not due wait', () => {
    const s = stateWith({
      [bankKey('otp-ask')]: { right: 0, wrong: 1, lastAt: T0, lastCorrect: false, box: 1, due: T0 + 2 * HOUR },
      [bankKey('prize-fee')]: { right: 0, wrong: 1, lastAt: T0, lastCorrect: false, box: 1, due: T0 + 1 * HOUR },
      [bankKey('bank-link')]: { right: 0, wrong: 1, lastAt: T0, lastCorrect: false, box: 1, due: T0 + 9 * HOUR },
    });
    const now = T0 + 3 * HOUR;
    expect(dueItems(s, sources, now)).toEqual(['prize-fee', 'otp-ask']);
    expect(drawItems(s, sources, { count: 2, now, seed: 'x' })).toEqual(['prize-fee', 'otp-ask']);
  });

  it('never starts with the item asked last, never repeats one, and keeps a genuine one in the mix', () => {
    for (let seed = 0; seed < 50; seed++) {
      const items = drawItems(stateWith({}, 'bank-balance'), sources, { count: 3, now: T0, seed: String(seed) });
      expect(items).toHaveLength(3);
      expect(items[0]).not.toBe('bank-balance');
      expect(new Set(items).size).toBe(3);
      const withLegit = drawItems(stateWith({}), sources, { count: 3, now: T0, seed: String(seed) });
      expect(withLegit.some((id) => bank.get(id)!.verdict === 'legit')).toBe(true);
    }
  });

  it('filters by scam type, is the same for the same seed and varies with it', () => {
    expect(drawItems(stateWith({}), sources, { count: 5, scamTypes: ['bank'], now: T0, seed: 'a' }).sort()).toEqual(['bank-balance', 'bank-link']);
    const a = drawItems(stateWith({}), sources, { count: 4, now: T0, seed: 'a' });
    expect(drawItems(stateWith({}), sources, { count: 4, now: T0, seed: 'a' })).toEqual(a);
    const orders = new Set(Array.from({ length: 20 }, (_, i) => drawItems(stateWith({}), sources, { count: 4, now: T0, seed: `s${i}` }).join()));
    expect(orders.size).toBeGreaterThan(1);
  });
});

const missed = (dueAt: number) => ({ right: 0, wrong: 1, lastAt: T0, lastCorrect: false, box: 1, due: dueAt });

describe("lessons' own questions in the review", () => {
  // What is due, in the order asked: bank items by id, lesson questions by `<flow>/<step>`.
  const cases: { name: string; quiz: ResidentState['quiz']; count?: number; scamTypes?: ('otp' | 'prize' | 'bank')[]; drawn: string[] }[] = [
    {
      name: 'mixed with due bank items, most overdue first',
      quiz: { [bankKey('otp-ask')]: missed(T0 + 2 * HOUR), 'tiny/quiz1': missed(T0 + 1 * HOUR), [bankKey('prize-fee')]: missed(T0 + 9 * HOUR) },
      drawn: ['tiny/quiz1', 'otp-ask'],
    },
    {
      name: 'a step or a lesson removed since, a typed answer, a question left out: skipped',
      quiz: { 'tiny/gone': missed(T0), 'gone/quiz1': missed(T0), 'tiny/who': missed(T0), 'tiny/lock': missed(T0), 'tiny/quiz1': missed(T0 + HOUR) },
      drawn: ['tiny/quiz1'],
    },
    {
      name: 'the same limit per review as bank items',
      quiz: { 'tiny/quiz1': missed(T0 + 2 * HOUR), [bankKey('otp-ask')]: missed(T0), [bankKey('bank-link')]: missed(T0 + 30 * 60_000) },
      count: 2,
      drawn: ['otp-ask', 'bank-link'],
    },
    { name: "an alert's practice of its scam type includes it", quiz: { 'tiny/quiz1': missed(T0) }, scamTypes: ['otp'], drawn: ['tiny/quiz1', 'otp-ask'] },
    { name: 'and one of another type leaves it out', quiz: { 'tiny/quiz1': missed(T0) }, scamTypes: ['prize'], drawn: ['prize-fee'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const now = T0 + 3 * HOUR;
      const drawn = drawItems(stateWith(c.quiz), sources, { count: c.count ?? 5, scamTypes: c.scamTypes, now, seed: 'x' });
      const due = dueItems(stateWith(c.quiz), sources, now);
      expect(drawn.slice(0, c.drawn.length)).toEqual(c.drawn);
      expect(new Set(drawn).size).toBe(drawn.length);
      expect(due.filter((id) => drawn.includes(id))).toEqual(drawn.filter((id) => due.includes(id)));
    });
  }

  it('a follow-up is timed by lesson questions too, never by one removed since', () => {
    expect(nextReviewAt(stateWith({ 'tiny/quiz1': missed(T0 + 5 * HOUR), 'tiny/gone': missed(T0 + HOUR) }), sources)).toBe(T0 + 5 * HOUR);
    expect(nextReviewAt(stateWith({ 'tiny/who': missed(T0 + HOUR) }), sources)).toBeUndefined();
  });

  it('one missed before lessons\' questions were reviewed (kept with no schedule) is due from the next session after that answer', () => {
    const before = { right: 0, wrong: 1, lastAt: T0, lastCorrect: false, box: 0 };
    const s = stateWith({ 'tiny/quiz1': before, 'tiny/who': before, [bankKey('otp-ask')]: { ...before, wrong: 0, right: 1, lastCorrect: true } });
    expect(nextReviewAt(s, sources)).toBe(T0 + REVIEW_GAPS_MS[1]!);
    expect(dueItems(s, sources, T0 + REVIEW_GAPS_MS[1]! - 1)).toEqual([]);
    expect(dueItems(s, sources, T0 + REVIEW_GAPS_MS[1]!)).toEqual(['tiny/quiz1']);
    expect(dueItems(stateWith({ 'tiny/quiz1': { ...before, right: 1, lastCorrect: true } }), sources, T0 + DAY)).toEqual([]);
  });

  it('a quiz step marked review: false is recorded, never scheduled', () => {
    const tiny = fixtureFlow('tiny.yaml');
    const alone = { ...tiny, steps: tiny.steps.map((st) => (st.kind === 'quiz' ? { ...st, review: false } : st)) };
    const r = new Resident(compileFlows([fixtureFlow('practice.yaml'), alone], fixtureBank()));
    for (const p of ['l:tiny', 'n:hello', 'o:lock:0', 'o:quiz1:1']) r.tap(p);
    expect(r.said).toContain('❌ Chưa đúng.');
    expect(r.state!.quiz['tiny/quiz1']).toMatchObject({ wrong: 1, box: 0 });
    expect(r.state!.quiz['tiny/quiz1']!.due).toBeUndefined();
    r.send('không ai');
    expect(r.said).not.toContain('lần sau bạn quay lại mình sẽ hỏi lại');
  });

  it("asked alone, without its lesson's numbering (\"Câu 3.\", \"Question 3.\")", () => {
    const tiny = fixtureFlow('tiny.yaml');
    const numbered = {
      ...tiny,
      steps: tiny.steps.map((st) => (st.kind === 'quiz' ? { ...st, text: { vi: `Câu 3. ${st.text.vi}`, en: `Question 3. ${st.text.en}` } } : st)),
    };
    const r = new Resident(compileFlows([fixtureFlow('practice.yaml'), numbered], fixtureBank()));
    for (const p of ['l:tiny', 'n:hello', 'o:lock:0']) r.tap(p);
    expect(r.said).toContain('Câu 3. Ai đó xin mã OTP.');
    r.tap('o:quiz1:1');
    r.send('ôn tập', 7 * HOUR);
    expect(r.said).toContain('Câu 1/3\nÔn lại câu hỏi của bài «Bài nhỏ»:\nAi đó xin mã OTP.');
    r.send('english');
    expect(r.said).toContain('Once more, a question from «Tiny lesson»:\nSomeone asks for your OTP.');
  });

  it('reviewed mid-lesson: scored and scheduled as a bank item, the paused lesson kept where it was', () => {
    const r = new Resident(fixtureFlows('practice.yaml', 'tiny.yaml'));
    for (const p of ['l:tiny', 'n:hello', 'o:lock:0', 'o:quiz1:1']) r.tap(p);
    const place = structuredClone(r.state!.current!);
    expect(place).toMatchObject({ flowId: 'tiny', stepId: 'who', right: 0, total: 1 });

    r.send('ôn tập', 7 * HOUR);
    expect(r.state!.paused.tiny).toEqual(place);
    expect(r.state!.current!.draw!.items[0]).toBe('tiny/quiz1');
    expect(r.said).toContain('Ôn lại câu hỏi của bài «Bài nhỏ»:\nAi đó xin mã OTP. Đây là gì?');
    r.tap(r.last.replies.at(-1)!.choices![0]!.payload);
    expect(r.last.events[0]).toEqual({ type: 'quiz_answered', flowId: 'practice', stepId: 'draws', itemId: 'tiny/quiz1', scamType: 'otp', correct: true });
    expect(r.state!.quiz['tiny/quiz1']).toMatchObject({ right: 1, wrong: 1, box: 2, due: r.now + DAY });
    expect(r.state!.lastQuizItem).toBeUndefined();

    answer(r, true);
    answer(r, true);
    expect(r.said).toContain('Bạn đang học dở: «Bài nhỏ»');
    expect(r.state!.current).toEqual(place);
  });
});

/** Answers the question on screen: right when `right`, by tapping. */
function answer(r: Resident, right: boolean): string {
  const draw = r.state!.current!.draw!;
  const id = draw.items[draw.index]!;
  const scam = bank.get(id)!.verdict === 'scam';
  const choices = r.last.replies.at(-1)!.choices!;
  r.tap(choices[scam === right ? 0 : 1]!.payload);
  return id;
}

describe('a resident practising, then coming back', () => {
  it('missed items come back at the next session, first, and move on to a longer gap when right', () => {
    const r = new Resident(fixtureFlows('practice.yaml', 'tiny.yaml'));
    r.tap('l:practice');
    const missed = [answer(r, false), answer(r, false), answer(r, true)];
    expect(r.state!.completed.practice).toMatchObject({ right: 1, total: 3 });
    expect(dueItems(r.state!, sources, r.now + 6 * HOUR).sort()).toEqual(missed.slice(0, 2).sort());

    r.send('menu', 7 * HOUR);
    expect(r.said).toContain('Có 2 câu bạn từng nhầm');
    r.send('ôn tập');
    const asked = r.state!.current!.draw!.items;
    expect(asked.slice(0, 2).sort()).toEqual(missed.slice(0, 2).sort());
    answer(r, true);
    const first = asked[0]!;
    expect(r.state!.quiz[bankKey(first)]).toMatchObject({ box: 2, due: r.now + DAY });
  });

  it('"practise this scam type" (t:otp) asks only items of that type', () => {
    const r = new Resident(fixtureFlows('practice.yaml'));
    r.tap('t:otp');
    expect(r.state!.current).toMatchObject({ flowId: 'practice', scamType: 'otp', draw: { items: ['otp-ask'] } });
    expect(r.said).toContain('Anh đọc giúp em mã 6 số');
  });

  it('an old verdict button, tapped after the next question came, is not taken as its answer', () => {
    const r = new Resident(fixtureFlows('practice.yaml'));
    r.tap('l:practice');
    const firstButtons = r.last.replies.at(-1)!.choices!;
    answer(r, true);
    const before = structuredClone(r.state!.current);
    r.tap(firstButtons[0]!.payload);
    expect(r.said).toContain('Nút đó thuộc một bước trước');
    expect(r.state!.current!.draw).toEqual(before!.draw);
    expect(r.state!.current!.total).toBe(1);
  });
});

describe('the review follow-up turn', () => {
  it('offers the due reviews, but not to a resident who was just chatting, nor with nothing due; it is not activity', () => {
    const r = new Resident(fixtureFlows('practice.yaml'));
    r.tap('l:practice');
    answer(r, false);
    const lastActive = r.state!.lastActive;
    r.send({ type: 'reminder' }, 10 * 60_000);
    expect(r.last.replies).toEqual([]);
    r.send({ type: 'reminder' }, 7 * HOUR);
    expect(r.said).toContain('Có 1 câu hôm trước bạn nhầm');
    expect(r.last.replies[0]!.choices!.map((c) => c.payload)).toEqual(['c:review', 'c:menu']);
    expect(r.last.events.map((e) => e.type)).toEqual(['review_reminded']);
    expect(r.state!.lastActive).toBe(lastActive);

    const fresh = new Resident(fixtureFlows('practice.yaml'));
    fresh.tap('l:practice');
    fresh.send({ type: 'reminder' }, 7 * HOUR);
    expect(fresh.last.replies).toEqual([]);
  });
});
