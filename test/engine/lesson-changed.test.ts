/** A lesson file edited while residents are in the middle of it: nobody gets stuck. */
import { describe, expect, it } from 'vitest';
import { compileFlows } from '../../src/engine/flowset.js';
import type { Flow } from '../../src/flows/schema.js';
import { fixtureFlow, Resident } from './harness.js';

function edited(change: (f: Flow) => Flow): ReturnType<typeof compileFlows> {
  return compileFlows([change(structuredClone(fixtureFlow('tiny.yaml'))), fixtureFlow('other.yaml')]);
}

describe('a lesson changed under a resident', () => {
  it('a renamed step: the resident lands at the same position with a short notice', () => {
    const r = new Resident(compileFlows([fixtureFlow('tiny.yaml'), fixtureFlow('other.yaml')]));
    r.tap('l:tiny');
    r.tap('n:hello'); // now at "lock" (index 1)
    r.flows = edited((f) => ({ ...f, version: 2, steps: f.steps.map((s) => (s.id === 'lock' ? { ...s, id: 'screen-lock' } : s)) }));
    r.send('1');
    expect(r.said).toContain('vừa được cập nhật');
    expect(r.last.events.map((e) => e.type)).toContain('lesson_moved');
    // The moved-to step is shown; the "1" typed for the old one is not applied to it.
    expect(r.said).toContain('Điện thoại có khoá màn hình chưa?');
    expect(r.state?.current?.stepId).toBe('screen-lock');
    expect(r.state?.current?.flowVersion).toBe(2);
  });

  it('a removed step at the end: the nearest step is used (here the recap, which completes the lesson)', () => {
    const r = new Resident(compileFlows([fixtureFlow('tiny.yaml')]));
    r.tap('l:tiny');
    for (const p of ['n:hello', 'o:lock:0', 'o:quiz1:0']) r.tap(p);
    expect(r.state?.current?.stepId).toBe('who');
    r.flows = edited((f) => ({ ...f, version: 2, steps: f.steps.filter((s) => s.id !== 'who') }));
    r.send('không ai');
    expect(r.said).toContain('vừa được cập nhật');
    expect(r.said).toContain('Bạn trả lời đúng hết 1/1 câu, giỏi lắm!');
    expect(r.state?.current).toBeNull();
    expect(r.state?.completed.tiny).toMatchObject({ right: 1, total: 1 });
  });

  it('a lesson removed altogether: back to the menu with a notice, the lesson forgotten', () => {
    const r = new Resident(compileFlows([fixtureFlow('tiny.yaml'), fixtureFlow('other.yaml')]));
    r.tap('l:tiny');
    r.flows = compileFlows([fixtureFlow('other.yaml')]);
    r.send('tiep');
    expect(r.said).toContain('không còn nữa');
    expect(r.state?.current).toBeNull();
    expect(r.choices).toEqual(['Bài khác']);
  });

  it('a stale button of a removed lesson opens the menu', () => {
    const r = new Resident(compileFlows([fixtureFlow('other.yaml')]));
    r.send('hi');
    r.tap('l:tiny');
    expect(r.said).toContain('Không tìm thấy bài đó');
    expect(r.state?.screen).toBe('menu');
  });

  it('same step, new version: continues silently and records the new version', () => {
    const r = new Resident(compileFlows([fixtureFlow('tiny.yaml')]));
    r.tap('l:tiny');
    r.flows = edited((f) => ({ ...f, version: 3 }));
    r.tap('n:hello');
    expect(r.said).not.toContain('cập nhật');
    expect(r.state?.current).toMatchObject({ stepId: 'lock', flowVersion: 3 });
  });
});
