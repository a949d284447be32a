/**
 * How the bot addresses a resident (xưng hô): the form of address fixes the word for "you" and the
 * bot's word for "I". Texts in the bot's voice write `{{you}}`/`{{You}}` and `{{me}}`/`{{Me}}` (the
 * capital at a sentence's start) where Vietnamese needs a pronoun; English says "you" and "I" always.
 */
import { z } from 'zod';
import type { Locale } from '../flows/schema.js';

export const ADDRESS_FORMS = ['bac', 'co', 'chu', 'anh', 'chi', 'ban'] as const;
export const AddressForm = z.enum(ADDRESS_FORMS);
export type AddressForm = z.infer<typeof AddressForm>;

/** Nobody said: "bạn"/"mình", neutral for any age, as the bot spoke before there were forms. */
export const DEFAULT_ADDRESS: AddressForm = 'ban';

/**
 * The resident's word and the bot's. An elder (bác, cô, chú) is spoken to by a "cháu", someone a little
 * older (anh, chị) by an "em"; "bạn" goes with "mình", the peer's pair.
 */
export const PRONOUNS: Readonly<Record<AddressForm, { you: string; me: string }>> = {
  bac: { you: 'bác', me: 'cháu' },
  co: { you: 'cô', me: 'cháu' },
  chu: { you: 'chú', me: 'cháu' },
  anh: { you: 'anh', me: 'em' },
  chi: { you: 'chị', me: 'em' },
  ban: { you: 'bạn', me: 'mình' },
};

/** The variables every text in the bot's voice may use, in lessons, the quiz bank, the checker and locales. */
export const ADDRESS_VARIABLES = ['you', 'You', 'me', 'Me'] as const;
export type AddressWords = Record<(typeof ADDRESS_VARIABLES)[number], string>;
/** The same, to look a variable up in (the flow and checker checks). */
export const ADDRESS_VARIABLE_SET: ReadonlySet<string> = new Set(ADDRESS_VARIABLES);

const capital = (word: string) => word.charAt(0).toLocaleUpperCase('vi') + word.slice(1);

const ENGLISH: AddressWords = { you: 'you', You: 'You', me: 'I', Me: 'I' };
const VIETNAMESE = Object.fromEntries(
  ADDRESS_FORMS.map((form) => {
    const { you, me } = PRONOUNS[form];
    return [form, { you, You: capital(you), me, Me: capital(me) }];
  }),
) as Record<AddressForm, AddressWords>;

export function addressWords(form: AddressForm, locale: Locale): AddressWords {
  return locale === 'en' ? ENGLISH : VIETNAMESE[form];
}

const TOKEN = /\{\{\s*(you|You|me|Me)\s*\}\}/g;
/** Distinct texts kept per form; the texts come from the lesson files, so this is a guard, not a limit. */
const MAX_KEPT = 20_000;
const rendered = new Map<string, Map<string, string>>();

/**
 * `template` with its address tokens filled in, other variables left as they are. Each (text, form) is
 * worked out once and then read from a map: a turn shows several texts, and most have no other variable.
 */
export function addressed(template: string, form: AddressForm, locale: Locale): string {
  if (!template.includes('{{')) return template;
  const slot = locale === 'en' ? 'en' : form;
  let kept = rendered.get(slot);
  if (!kept) rendered.set(slot, (kept = new Map()));
  let text = kept.get(template);
  if (text === undefined) {
    if (kept.size >= MAX_KEPT) kept.clear();
    const words = addressWords(form, locale);
    text = template.replace(TOKEN, (_, name: keyof AddressWords) => words[name]);
    kept.set(template, text);
  }
  return text;
}
