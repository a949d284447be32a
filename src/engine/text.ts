/** Picking a flow text in the resident's language and filling its {{variables}}. */
import type { Locale, LocalText } from '../flows/schema.js';

export function localize(text: LocalText, locale: Locale): string {
  return text[locale] ?? text.vi;
}

/** Replace {{name}} with its value; an unknown variable becomes empty rather than showing braces. */
export function fill(template: string, vars: Readonly<Record<string, string | number | undefined>>): string {
  return template.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9]*)\s*\}\}/g, (_, name: string) => {
    const value = vars[name];
    return value === undefined ? '' : String(value);
  });
}

export const VARIABLE_PATTERN = /\{\{\s*([a-zA-Z][a-zA-Z0-9]*)\s*\}\}/g;
