/**
 * `alertVariant` is all of a resident's state that `showAlert` reads: residents alike in it get the
 * same alert, however different the rest of their state is (which lets a broadcast render each
 * variant once), and residents who differ in it do not.
 */
import { describe, expect, it } from 'vitest';
import { alertVariant } from '../../src/engine/alerts.js';
import type { ResidentState } from '../../src/engine/state.js';
import { step } from '../../src/engine/step.js';
import type { Input } from '../../src/engine/types.js';
import { env, fixtureFlows, Resident, T0 } from './harness.js';

const flows = fixtureFlows('tiny.yaml', 'other.yaml', 'practice.yaml');
const ALERT: Input = {
  type: 'alert',
  alertId: 'a1',
  content: { from: 'UBND Xã An Bình', text: { vi: 'Cảnh báo', en: 'Warning' }, scamType: 'bank', image: 'alerts/a1/image' },
};

/** Residents who did different things: a new one, one in a lesson, one who finished it, one who changed language… */
function residents(): ResidentState[] {
  const out: ResidentState[] = [];
  const walks: (string | { tap: string })[][] = [
    ['xin chào'],
    ['xin chào', { tap: 'l:tiny' }],
    ['xin chào', { tap: 'l:other' }, '1'],
    ['xin chào', { tap: 'l:tiny' }, '1', '1', '1', '1'],
    ['xin chào', { tap: 'c:language' }, 'English'],
    ['hello', { tap: 'l:other' }],
    ['xin chào', { tap: 'c:alerts' }, { tap: 'c:alerts:off' }],
    ['xin chào', 'gọi tôi là bác'],
    ['xin chào', { tap: 'l:other' }, 'gọi tôi là anh'],
  ];
  for (const walk of walks) {
    const r = new Resident(flows);
    for (const w of walk) {
      if (typeof w === 'string') r.send(w);
      else r.tap(w.tap);
    }
    out.push(r.state!);
  }
  return out;
}

describe('alertVariant', () => {
  it('residents with the same variant get the very same messages; different variants, different messages', () => {
    const byVariant = new Map<string, { replies: unknown; state: ResidentState }[]>();
    for (const state of residents()) {
      // The rest of the state varied further still: more turns, a last alert, an area.
      for (const extra of [{}, { turns: state.turns + 7, area: { province: '01', commune: '00004' }, lastAlert: { id: 'old', at: T0 - 1 } }]) {
        const s = { ...state, ...extra } as ResidentState;
        const replies = step(flows, s, ALERT, env(T0 + 1000)).replies;
        const key = alertVariant(s);
        byVariant.set(key, [...(byVariant.get(key) ?? []), { replies, state: s }]);
      }
    }
    // The walks reach several variants (language, lesson open or not, alerts off)…
    expect(byVariant.size).toBeGreaterThanOrEqual(4);
    const firsts: string[] = [];
    for (const [key, group] of byVariant) {
      for (const g of group) expect(g.replies, key).toEqual(group[0]!.replies);
      firsts.push(JSON.stringify(group[0]!.replies));
    }
    // …and no two variants look alike (the key holds nothing showAlert ignores).
    expect(new Set(firsts).size).toBe(firsts.length);
  });
});
