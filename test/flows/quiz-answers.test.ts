/**
 * Quiz answers that name an option while judging it: "tin thật là tin B" to "which one is the scam?"
 * is not B. On the shipped lessons (three options: asked again) and on a two-option question (read
 * as the other one). The words come from a QA pass with an elderly resident.
 */
import { describe, expect, it } from 'vitest';
import { compileFlows } from '../../src/engine/flowset.js';
import { step } from '../../src/engine/step.js';
import type { ResidentState } from '../../src/engine/state.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { Flow } from '../../src/flows/schema.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { env, T0 } from '../engine/harness.js';
import type { FlowSet } from '../../src/engine/flowset.js';

const lessons = loadLessonsOrThrow(resolveFlowsDir('flows'));

/** The resident on `stepId` of `lessonId`, as if they had walked there, in `locale`. */
function at(flows: FlowSet, lessonId: string, stepId: string, locale: 'vi' | 'en' = 'vi'): ResidentState {
  const state = step(flows, null, { type: 'payload', payload: `l:${lessonId}` }, env(T0)).state!;
  const compiled = flows.byId.get(lessonId)!;
  Object.assign(state.current!, { stepId, stepIndex: compiled.indexOf.get(stepId)! });
  state.locale = locale;
  return state;
}

/** What answering `text` there does: the option taken (by its label), or the words said instead. */
function answer(flows: FlowSet, lessonId: string, stepId: string, text: string, locale: 'vi' | 'en' = 'vi') {
  const r = step(flows, at(flows, lessonId, stepId, locale), { type: 'text', text }, env(T0 + 60_000));
  const answered = r.events.find((e) => e.type === 'quiz_answered');
  const said = r.replies.map((x) => x.text).join('\n');
  return { correct: answered && 'correct' in answered ? answered.correct : undefined, said, choices: r.replies.at(-1)?.choices?.map((c) => c.label) };
}

describe('"which one is the scam?" with options Tin A / Tin B / Cả hai (scam-sms-quiz q-bill, A is the scam)', () => {
  it.each(['tin thật là tin B', 'tin that la tin b', 'B là tin thật', 'tin B không phải lừa đảo', 'b khong lua dao', 'cả hai đều thật'])(
    '%j names an option while calling it genuine: not taken, asked again what the question asks',
    (text) => {
      const r = answer(lessons, 'scam-sms-quiz', 'q-bill', text);
      expect(r.correct).toBeUndefined();
      expect(r.said).toContain('Câu hỏi là: cái nào lừa đảo?');
      expect(r.choices).toEqual(['Tin A', 'Tin B', 'Cả hai']);
    },
  );
  it.each([
    ['tin A là lừa đảo', true],
    ['A lừa đảo', true],
    ['tin a gia', true],
    ['chắc là tin A', true],
    ['tin B', false],
    ['cả hai đều lừa đảo', false],
  ] as const)('%j agrees with the question: taken (right: %s)', (text, correct) => {
    expect(answer(lessons, 'scam-sms-quiz', 'q-bill', text).correct).toBe(correct);
  });
  it.each(['tin A lừa đảo còn tin B thật', 'A là lừa, B là thật', 'tin B thật, tin A lừa đảo', 'tin b không phải lừa đảo. tin a mới là lừa đảo'])(
    '%j gives each its verdict: the scam one is taken',
    (text) => {
      expect(answer(lessons, 'scam-sms-quiz', 'q-bill', text).correct).toBe(true);
    },
  );
  it.each(['tin A lừa đảo, tin A thật', 'tin A thật, tin B thật'])('%j says no one scam: not taken', (text) => {
    expect(answer(lessons, 'scam-sms-quiz', 'q-bill', text).correct).toBeUndefined();
  });
  it('in English too', () => {
    expect(answer(lessons, 'scam-sms-quiz', 'q-bill', 'message B is genuine', 'en').said).toContain('The question is which one is the scam');
    expect(answer(lessons, 'scam-sms-quiz', 'q-bill', 'message A is a scam', 'en').correct).toBe(true);
  });
});

describe('"which link is the real site?" (check-link q-pick, B is real)', () => {
  it('"link A là giả" is not link A', () => {
    const r = answer(lessons, 'check-link', 'q-pick', 'link A là giả');
    expect(r.correct).toBeUndefined();
    expect(r.said).toContain('Câu hỏi là: cái nào thật?');
  });
  it('"link B là thật" is link B', () => {
    expect(answer(lessons, 'check-link', 'q-pick', 'link B là thật').correct).toBe(true);
  });
});

describe('a question with two options', () => {
  const quiz = (asks?: 'scam' | 'legit') =>
    compileFlows([
      Flow.parse({
        id: 'two',
        version: 1,
        title: { vi: 'Hai tin', en: 'Two messages' },
        summary: { vi: 'Tin nào lừa đảo?', en: 'Which one is a scam?' },
        tags: ['security'],
        order: 1,
        steps: [
          {
            id: 'q',
            kind: 'quiz',
            scamType: 'bill',
            ...(asks ? { asks } : {}),
            text: { vi: 'Tin nào là lừa đảo?', en: 'Which one is a scam?' },
            options: [
              { label: { vi: 'Tin A', en: 'Message A' }, correct: true, synonyms: { vi: ['a'], en: ['a'] } },
              { label: { vi: 'Tin B', en: 'Message B' }, synonyms: { vi: ['b'], en: ['b'] } },
            ],
            explanation: { vi: 'Tin A là lừa đảo.', en: 'A is the scam.' },
          },
          { id: 'end', kind: 'end', text: { vi: 'Hết.', en: 'The end.' } },
        ],
      }),
    ]);
  it('"tin thật là tin B" is read as A, the only other one', () => {
    expect(answer(quiz('scam'), 'two', 'q', 'tin thật là tin B').correct).toBe(true);
    expect(answer(quiz('scam'), 'two', 'q', 'tin A không phải lừa đảo').correct).toBe(false);
  });
});

describe('a question that is not "which one?" (no `asks`)', () => {
  it('a verdict in the answer is the reason given, not a judgement of the option', () => {
    // check-link q-bank, "Bạn làm gì?": "Không bấm link" is right.
    expect(answer(lessons, 'check-link', 'q-bank', 'không bấm link, lừa đảo đấy').correct).toBe(true);
  });
});
