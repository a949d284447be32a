/**
 * The shipped lesson library: every lesson walked to its end through the engine, on right answers
 * and on wrong ones, down every branch; every picture referenced exists and every picture file is
 * used; no warnings (so every text has vi and en) and nothing over the platforms' limits.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { englishVariant, type FlowSet } from '../../src/engine/flowset.js';
import { step } from '../../src/engine/step.js';
import type { ResidentState } from '../../src/engine/state.js';
import type { Reply } from '../../src/engine/types.js';
import { loadFlowsDir, loadLessonsOrThrow } from '../../src/flows/load.js';
import { quizItemImage } from '../../src/flows/quiz-bank.js';
import { formatProblem } from '../../src/flows/problems.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { env, T0 } from '../engine/harness.js';

const FLOWS = resolveFlowsDir('flows');
const lessons: FlowSet = loadLessonsOrThrow(FLOWS);

/** The resident on the step `stepId` of `lessonId`, as if they had walked there. */
function at(lessonId: string, stepId: string): ResidentState {
  const state = step(lessons, null, { type: 'payload', payload: `l:${lessonId}` }, env(T0)).state!;
  const compiled = lessons.byId.get(lessonId)!;
  Object.assign(state.current!, { stepId, stepIndex: compiled.indexOf.get(stepId)! });
  return state;
}

type Strategy = { right: boolean; branch: number };

/** Plays one lesson: taps the option `branch` picks at choices, the right (or a wrong) option at quizzes, types accepted (or wrong) answers. */
function walk(flowId: string, { right, branch }: Strategy): { state: ResidentState; seen: string[]; replies: Reply[] } {
  let state: ResidentState | null = null;
  let now = T0;
  const seen: string[] = [];
  const replies: Reply[] = [];
  const send = (input: Parameters<typeof step>[2]) => {
    now += 60_000;
    const r = step(lessons, state, input, env(now));
    state = r.state;
    replies.push(...r.replies);
    for (const e of r.events) if (e.type === 'step_shown') seen.push(e.stepId);
    return r;
  };
  send({ type: 'payload', payload: `l:${flowId}` });
  for (let turn = 0; turn < 200; turn++) {
    const s = state as ResidentState | null;
    if (!s?.current) break;
    const compiled = lessons.byId.get(s.current.flowId)!;
    const here = compiled.steps[compiled.indexOf.get(s.current.stepId)!]!;
    switch (here.kind) {
      case 'message':
        send({ type: 'payload', payload: `n:${here.id}` });
        break;
      case 'choice':
        send({ type: 'payload', payload: `o:${here.id}:${branch % here.options.length}` });
        break;
      case 'quiz': {
        const index = here.options.findIndex((o) => o.correct === right);
        send({ type: 'payload', payload: `o:${here.id}:${Math.max(index, 0)}` });
        break;
      }
      case 'answer':
        if (right) send({ type: 'text', text: here.accept.vi?.[0] ?? here.accept.en![0]! });
        else {
          send({ type: 'text', text: 'zzz không biết' });
          send({ type: 'payload', payload: `k:${here.id}` });
        }
        break;
      case 'quiz-draw': {
        const draw = s.current.draw!;
        const item = lessons.bank.get(draw.items[draw.index]!)!;
        const saysScam = (item.verdict === 'scam') === right;
        send({ type: 'payload', payload: `o:${here.id}.${draw.index}:${saysScam ? 0 : 1}` });
        break;
      }
      case 'end':
        throw new Error(`${flowId}: still in the lesson at its end step`);
    }
  }
  return { state: state!, seen, replies };
}

describe('every shipped lesson can be finished', () => {
  const ids = lessons.list.map((c) => c.flow.id);
  it('ships at least 8 lessons and 40 quiz-bank items', () => {
    expect(ids.length).toBeGreaterThanOrEqual(8);
    expect(lessons.bank.size).toBeGreaterThanOrEqual(40);
  });

  for (const id of ids) {
    it(`${id}: on right answers, on wrong answers, down every branch`, () => {
      const compiled = lessons.byId.get(id)!;
      const widest = Math.max(1, ...compiled.steps.map((s) => (s.kind === 'choice' ? s.options.length : 1)));
      const visited = new Set<string>();
      for (const right of [true, false]) {
        for (let branch = 0; branch < widest; branch++) {
          const { state, seen } = walk(id, { right, branch });
          expect(state.completed[id], `${id} (right=${right}, branch=${branch}) did not finish`).toBeDefined();
          expect(state.current).toBeNull();
          seen.forEach((s) => visited.add(s));
          const { right: got, total } = state.completed[id]!;
          if (total > 0) expect(got, `${id}: score on ${right ? 'right' : 'wrong'} answers`).toBe(right ? total : 0);
        }
      }
      // Every step is reached by some walk (flows:check warns otherwise; this proves it through the engine).
      expect(compiled.steps.map((s) => s.id).filter((s) => !visited.has(s))).toEqual([]);
    });
  }
});

describe('words that open a lesson', () => {
  // What residents who had just been scammed wrote in a QA pass, and what someone merely asking writes.
  const greeted = step(lessons, null, { type: 'text', text: 'xin chào' }, env(T0)).state;
  const opens = (text: string, from: ResidentState | null = greeted) => {
    const r = step(lessons, from, { type: 'text', text }, env(T0 + 60_000));
    return r.state?.current?.flowId === 'after-scam' ? r.replies[0]?.text : undefined;
  };
  it.each([
    'tôi bị lừa rồi phải làm sao', 'mất tiền trong tài khoản rồi cứu tôi với', 'tôi lỡ bấm vào link rồi',
    'bac lo doc ma OTP cho nguoi ta roi', 'Zalo của tôi bị chiếm tài khoản rồi', 'I think I was scammed, help',
    // With a "không" or a "don't" elsewhere in it: the phrase itself is not denied.
    'tôi bị lừa rồi, không biết làm sao', 'bị lừa mất tiền rồi không biết làm thế nào', 'lỡ chuyển tiền rồi, không lấy lại được',
    'mất hết tiền rồi cháu ơi, không còn đồng nào', 'bị hack rồi không vào được zalo', "I was scammed and I don't know what to do",
    'mẹ tôi vừa bị lừa', 'bạn tôi bị lừa rồi', 'tôi bị lừa rồi thì làm sao', 'bị lừa mất 5.000.000 đồng rồi',
    'Cháu ơi bác vừa bị lừa rồi, có người gọi xưng là công an bảo bác chuyển tiền vào tài khoản để điều tra, bác chuyển rồi, bây giờ bác phải làm sao hả cháu, bác sợ quá',
  ])('%j: what to do after a scam, the call to the bank first', (text) => {
    expect(opens(text)).toMatch(/gọi ngay số tổng đài|call the hotline/);
  });
  it.each([
    'làm sao để không bị lừa', 'sợ bị lừa lắm', 'nếu bị lừa thì sao', 'tôi chưa bị lừa bao giờ', 'lo chuyện nhà', 'lo đưa cháu đi học',
    // Fears, prevention, questions, other people, denials (QA pass)
    'lỡ bấm nhầm', 'tôi lo chuyển tiền học cho con', 'ông nhà tôi lo chuyển khoản', 'lộ mật khẩu thì sao', 'lộ mã otp thì làm sao',
    'nhỡ bị lừa mất tiền thì sao', 'làm thế nào tránh bị lừa mất tiền', 'đừng để bị lừa mất tiền', 'cảnh giác kẻo bị lừa mất tiền',
    'đã bị lừa đâu', 'bị lừa mất tiền là gì', 'hôm qua xem tivi thấy người ta bị lừa mất tiền', 'I lost money on the lottery',
    'I clicked the link in the lesson', 'chả bao giờ bị lừa mất tiền',
    // Pasted scams that say it to "you"
    '[NH-ABC] TK quy khach da bi tru tien roi 2.000.000d. Xem chi tiet tai abc-giaodich.example',
    'TK của bạn đã bị trừ tiền rồi. Gọi 0900 000 123 để huỷ giao dịch', 'Ban da bi hack roi! Cai dat bao mat ngay tai http://bit.ly/3xYz',
    'Bạn đã bị lừa rồi! Liên hệ văn phòng luật sư để lấy lại tiền: 0900000789, phí 2 triệu',
  ])('%j: not opened', (text) => {
    expect(opens(text)).toBeUndefined();
  });
  it('on a scam-or-genuine question, a cry for help is not taken for the answer "scam"', () => {
    const quiz = step(lessons, null, { type: 'payload', payload: 'l:scam-sms-quiz' }, env(T0)).state!;
    const compiled = lessons.byId.get('scam-sms-quiz')!;
    const first = compiled.steps.find((s) => s.kind === 'quiz')!;
    Object.assign(quiz.current!, { stepId: first.id, stepIndex: compiled.indexOf.get(first.id)! });
    expect(opens('tôi bị lừa rồi phải làm sao', quiz)).toMatch(/gọi ngay số tổng đài/);
  });
  it('from inside another lesson, when it is not an answer to the step', () => {
    const inLesson = step(lessons, null, { type: 'payload', payload: 'l:password-otp' }, env(T0)).state;
    expect(opens('con ơi bác bị lừa rồi', inLesson)).toMatch(/gọi ngay số tổng đài/);
  });
});

describe('everyday replies on the shipped lessons (QA pass)', () => {
  const firstQuiz = (lessonId: string) => lessons.byId.get(lessonId)!.steps.find((x) => x.kind === 'quiz')!.id;
  const send = (state: ResidentState | null, text: string) => step(lessons, state, { type: 'text', text }, env(T0 + 60_000));

  it.each(['đúng', 'đúng ạ', 'dạ đúng', 'dung'])('%j on a quiz is an answer, never "pause" (dừng folds to the same letters)', (text) => {
    const r = send(at('scam-sms-quiz', firstQuiz('scam-sms-quiz')), text);
    expect(r.replies[0]!.text).not.toContain('Đã lưu chỗ bạn đang học');
  });
  it.each(['dạ', 'ok', 'vâng', 'ừ'])('%j on a quiz acknowledges the last explanation: no answer, no step towards the menu', (text) => {
    const r = send(at('scam-sms-quiz', firstQuiz('scam-sms-quiz')), text);
    expect(r.replies[0]!.text).toMatch(/^Bạn bấm một nút/);
    expect(r.state!.current).toMatchObject({ stepId: firstQuiz('scam-sms-quiz'), misses: 0 });
  });
  it.each(['tiếp đi cháu', 'bác hiểu rồi', 'dạ con hiểu rồi', 'đọc xong rồi', 'xem tiếp đi', 'ok cháu', 'rồi, tiếp đi', 'đúng rồi'])(
    '%j goes on from a step that only asks to read',
    (text) => {
      const start = at('qr-payment', lessons.byId.get('qr-payment')!.steps[0]!.id);
      expect(send(start, text).state!.current!.stepId).not.toBe(start.current!.stepId);
    },
  );
  it.each(['chưa xong', 'khó hiểu quá', 'không được'])('%j does not go on', (text) => {
    const start = at('qr-payment', lessons.byId.get('qr-payment')!.steps[0]!.id);
    expect(send(start, text).state!.current!.stepId).toBe(start.current!.stepId);
  });
  it('"có phải lừa đảo không" on a quiz is no request for a check; outside a lesson, asked many ways, it is', () => {
    expect(send(at('scam-sms-quiz', firstQuiz('scam-sms-quiz')), 'có phải lừa đảo không').state!.screen).not.toBe('check');
    const greeted = send(null, 'xin chào').state;
    for (const text of ['tin này có phải lừa đảo không cháu', 'cháu ơi xem giúp bác tin này với', 'con xem giúp mẹ tin nhắn này có phải lừa đảo không', 'tin này thật hay giả', 'can you check this message']) {
      expect(send(greeted, text).state!.screen, text).toBe('check');
    }
  });
  it('a command word that is the step\'s own answer ("kiểm tra" on qr-payment\'s name question) answers it', () => {
    const r = send(at('qr-payment', 'q-name'), 'kiểm tra');
    expect(r.state!.screen).toBe('lesson');
    expect(r.state!.current!.stepId).not.toBe('q-name');
  });
  it('a verdict given in the middle of a lesson offers going back to it first', () => {
    const start = at('qr-payment', lessons.byId.get('qr-payment')!.steps[0]!.id);
    const offered = send(start, 'Tai khoan cua ban bi tam khoa, dang nhap tai vcb-secure.example de mo khoa trong 24h').state;
    const verdict = step(lessons, offered, { type: 'text', text: 'có' }, env(T0 + 120_000));
    expect(verdict.replies.at(-1)!.choices![0]!.payload).toBe('c:continue');
  });
});

describe('asked to paste a message to check', () => {
  const greeted = step(lessons, null, { type: 'text', text: 'xin chào' }, env(T0)).state;
  const asked = step(lessons, greeted, { type: 'text', text: 'kiểm tra' }, env(T0 + 60_000)).state;
  const reply = (text: string) => step(lessons, asked, { type: 'text', text }, env(T0 + 120_000));
  it.each(['dạ', 'dạ cháu chờ bác chút', 'cảm ơn cháu', 'không hiểu', 'bác không biết dán'])('%j: how to paste, asked again, no verdict', (text) => {
    const r = reply(text);
    expect(r.replies[0]!.text).toMatch(/^Cách dán tin nhắn: bấm giữ/);
    expect(r.state!.screen).toBe('check');
  });
  it.each(['thôi', 'không'])('%j: the menu, no verdict', (text) => {
    const r = reply(text);
    expect(r.replies.map((x) => x.text).join('\n')).not.toMatch(/🟢|🟠|🔴/);
    expect(r.state!.screen).toBe('menu');
  });
  it('a message, however short, is checked', () => {
    expect(reply('Bấm vào vcb-secure.example để mở khoá').replies[0]!.text).toMatch(/^🔴/);
  });
});

describe('a lesson asked for by words of its title', () => {
  const greeted = step(lessons, null, { type: 'text', text: 'xin chào' }, env(T0)).state;
  const ask = (text: string) => step(lessons, greeted, { type: 'text', text }, env(T0 + 60_000));
  it.each([
    ['tien dien', 'bill-payment'], ['học tiền điện', 'bill-payment'], ['bài mã QR', 'qr-payment'], ['toi muon hoc mat khau', 'password-otp'],
  ])('%j opens the one lesson holding it', (text, lessonId) => {
    expect(ask(text).state?.current?.flowId).toBe(lessonId);
  });
  it('words several titles hold ("học vneid"): those lessons are offered, and the menu', () => {
    const r = ask('học vneid');
    expect(r.state?.current ?? null).toBeNull();
    expect(r.replies.at(-1)!.choices!.map((c) => c.payload)).toEqual(['l:vneid-level2', 'l:vneid-documents', 'c:menu']);
  });
  it('a word too common to say which ("học"), or none at all: the menu hint as before', () => {
    for (const text of ['học', 'con mèo']) expect(ask(text).replies.at(-1)!.text).toContain('Bạn chọn bài bằng cách bấm nút');
  });
});

describe('typed answers as residents type them', () => {
  it.each(['khong dua cho ai', 'tuyệt đối không', 'không đọc cho bất kỳ ai', 'không nói', 'dạ không ai ạ'])('%j: who may hear the OTP, rightly answered', (text) => {
    const r = step(lessons, at('password-otp', 'otp-who'), { type: 'text', text }, env(T0 + 60_000));
    expect(r.replies[0]!.text).toMatch(/^Đúng rồi!/);
  });
  it.each(['không hiểu', 'cảm ơn cháu nhé', 'chào cháu'])('%j on a typed-answer step: a word back and the question again, no try spent', (text) => {
    const r = step(lessons, at('check-link', 'gov-answer'), { type: 'text', text }, env(T0 + 60_000));
    expect(r.replies[0]!.text).not.toMatch(/^Chưa đúng/);
    expect(r.state!.current).toMatchObject({ stepId: 'gov-answer', tries: 0 });
  });
  it('a pasted message on a typed-answer step is offered a check, no try spent (a typed address stays an answer)', () => {
    const wrong = step(lessons, at('check-link', 'gov-answer'), { type: 'text', text: 'dichvucong.com' }, env(T0 + 60_000));
    expect(wrong.replies[0]!.text).toMatch(/^Chưa đúng/);
    const pasted = 'Cong an xa thong bao: tai ung dung VNeID moi tai bit.ly/abc123 de cap nhat muc 2 truoc ngay 30/11';
    const r = step(lessons, at('check-link', 'gov-answer'), { type: 'text', text: pasted }, env(T0 + 60_000));
    expect(r.state!.screen).toBe('check-offer');
    expect(r.state!.current).toMatchObject({ stepId: 'gov-answer', tries: 0 });
  });
  it('an answer asked as a question ("có 6 số phải không") is the answer', () => {
    const r = step(lessons, at('vneid-documents', 'digits'), { type: 'text', text: 'có 6 số phải không' }, env(T0 + 60_000));
    expect(r.replies[0]!.text).not.toMatch(/^Chưa đúng/);
  });
  it.each(['ngân hàng', 'công an'])('%j: not right', (text) => {
    const r = step(lessons, at('password-otp', 'otp-who'), { type: 'text', text }, env(T0 + 60_000));
    expect(r.replies[0]!.text).toMatch(/^Chưa đúng/);
  });
});

describe('pictures and texts', () => {
  it('flows:check reports nothing at all for the shipped library (no errors, no warnings)', () => {
    const { problems } = loadFlowsDir(FLOWS);
    expect(problems.map((p) => formatProblem(p))).toEqual([]);
  });

  it('every picture file is used by a lesson or a quiz item, and every SVG source has its PNG', () => {
    const used = new Set<string>();
    for (const c of lessons.list) for (const s of c.steps) if (s.image) used.add(s.image);
    for (const image of lessons.englishImages) used.add(englishVariant(image));
    for (const id of lessons.bank.keys()) for (const l of ['vi', 'en'] as const) used.add(quizItemImage(id, l));
    const files = [
      ...readdirSync(join(FLOWS, 'media')).filter((f) => f.endsWith('.png')).map((f) => `media/${f}`),
      ...(existsSync(join(FLOWS, 'media/quiz')) ? readdirSync(join(FLOWS, 'media/quiz')).map((f) => `media/quiz/${f}`) : []),
    ];
    expect(files.filter((f) => !used.has(f))).toEqual([]);
    for (const f of used) expect(existsSync(join(FLOWS, f)), f).toBe(true);
    const svgs = readdirSync(join(FLOWS, 'media/src')).filter((f) => f.endsWith('.svg'));
    for (const svg of svgs) expect(existsSync(join(FLOWS, 'media', svg.replace(/\.svg$/, '.png'))), svg).toBe(true);
  });
});

describe('the README', () => {
  it('lists every shipped lesson in its lessons table', () => {
    const readme = readFileSync(join(FLOWS, '..', 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## The lessons'), readme.indexOf('## Writing a lesson'));
    for (const c of lessons.list) expect(table, c.flow.id).toContain(`| \`${c.flow.id}\` |`);
  });
});
