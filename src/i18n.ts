/**
 * System strings (menus, hints, errors, command words) from `locales/<lang>/translation.json`,
 * through i18next. Lesson texts come from the flows instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n } from 'i18next';
import { LOCALES, type Locale } from './flows/schema.js';
import type { Texts } from './engine/types.js';
import { addressWords, DEFAULT_ADDRESS } from './engine/address.js';

export function loadTexts(localesDir: string, defaultLocale: Locale = 'vi'): Texts & { i18n: i18n } {
  const resources: Record<string, { translation: Record<string, unknown> }> = {};
  for (const locale of LOCALES) {
    const file = join(localesDir, locale, 'translation.json');
    resources[locale] = { translation: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
  }
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: defaultLocale,
    fallbackLng: 'vi',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const words = new Map<string, string[]>();
  // Most lookups have no variables but the form of address (button labels, "bạn" as the default name:
  // several per turn), and their answer never changes once the resources are loaded, so each is
  // resolved through i18next once per form (nesting, fallbacks and all) and then read from a map:
  // i18next's own lookup costs tens of µs.
  const plain = new Map<string, string>();
  return {
    i18n: instance,
    t(locale, key, vars, form = DEFAULT_ADDRESS) {
      if (vars === undefined) {
        // English says "you" whatever the form: one entry for all.
        const id = `${locale}\u0000${locale === 'en' ? '' : form}\u0000${key}`;
        let text = plain.get(id);
        if (text === undefined) plain.set(id, (text = instance.t(key, { lng: locale, ...addressWords(form, locale) })));
        return text;
      }
      return instance.t(key, { lng: locale, ...addressWords(form, locale), ...vars });
    },
    words(key) {
      let list = words.get(key);
      if (!list) {
        list = LOCALES.flatMap((locale) => {
          const value = instance.getResource(locale, 'translation', key) as unknown;
          return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
        });
        words.set(key, list);
      }
      return list;
    },
  };
}
