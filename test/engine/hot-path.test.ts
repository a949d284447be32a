/**
 * The shortcuts the turn's hot path takes must not change what it computes: the engine's copy of the
 * resident's state, and system strings read from the memo instead of i18next.
 */
import { describe, expect, it } from 'vitest';
import { clonePlain } from '../../src/engine/clone.js';
import { ADDRESS_FORMS, addressWords } from '../../src/engine/address.js';
import { loadTexts } from '../../src/i18n.js';
import { LOCALES_DIR } from '../../src/paths.js';

describe('clonePlain', () => {
  it('copies nested objects and arrays deeply, keeping every key (undefined ones too)', () => {
    const original = { a: 1, s: 'x', b: true, n: null, u: undefined, list: [1, { deep: [2] }], nested: { more: { x: 'y' } } };
    const copy = clonePlain(original);
    expect(copy).toStrictEqual(original);
    expect(Object.keys(copy)).toEqual(Object.keys(original));
    copy.list.push(3);
    (copy.list[1] as { deep: number[] }).deep.push(4);
    copy.nested.more.x = 'changed';
    expect(original).toStrictEqual({ a: 1, s: 'x', b: true, n: null, u: undefined, list: [1, { deep: [2] }], nested: { more: { x: 'y' } } });
  });
});

describe('system strings', () => {
  const texts = loadTexts(LOCALES_DIR);

  it('answers a lookup without variables as i18next does, per language and form of address, however often it is asked', () => {
    for (const key of ['buttons.menu', 'default_name', 'welcome', 'no.such.key']) {
      for (const lng of ['vi', 'en'] as const) {
        for (const form of ADDRESS_FORMS) {
          const direct = texts.i18n.t(key, { lng, ...addressWords(form, lng) });
          expect(texts.t(lng, key, undefined, form)).toBe(direct);
          expect(texts.t(lng, key, undefined, form)).toBe(direct);
        }
      }
    }
    expect(texts.t('en', 'buttons.menu')).not.toBe(texts.t('vi', 'buttons.menu'));
    // The memo keeps each form apart, and no form is the default's.
    expect(texts.t('vi', 'default_name')).toBe('bạn');
    expect(texts.t('vi', 'default_name', undefined, 'bac')).toBe('bác');
    expect(texts.t('vi', 'default_name')).toBe('bạn');
  });

  it('still fills variables on every call', () => {
    expect(texts.t('vi', 'welcome', { name: 'Lan' })).toContain('Lan');
    expect(texts.t('vi', 'welcome', { name: 'Hùng' })).toContain('Hùng');
    expect(texts.t('vi', 'welcome', { name: 'Hùng' }, 'chu')).toContain('giúp chú học');
  });
});
