/** Pictures whose text matters have English variants (`x.en.png`); English-speaking residents get them. */
import { describe, expect, it } from 'vitest';
import { step } from '../../src/engine/step.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { env, T0 } from '../engine/harness.js';

describe('English picture variants', () => {
  const flows = loadLessonsOrThrow(resolveFlowsDir('test/fixtures/flows'));

  it('are found next to the picture at load time', () => {
    expect([...flows.englishImages]).toEqual(['media/one.png']);
  });

  it('are shown to residents who chose English, the original to everyone else', () => {
    const vi = step(flows, null, { type: 'payload', payload: 'l:tiny' }, env(T0));
    expect(vi.replies.find((r) => r.image)?.image).toBe('media/one.png');
    const en = step(flows, null, { type: 'payload', payload: 'l:tiny' }, env(T0, { defaultLocale: 'en' }));
    expect(en.replies.find((r) => r.image)?.image).toBe('media/one.en.png');
  });
});
