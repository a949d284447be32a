/** Checks on the quiz bank: pictures, translations, unique ids, and enough items for every quiz-draw step. */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ADDRESS_VARIABLE_SET } from '../engine/address.js';
import { MAX_TEXT, unknownVariables } from './checks.js';
import type { FlowSource } from './load.js';
import type { FlowProblem } from './problems.js';
import { quizItemImage, type QuizItem } from './quiz-bank.js';
import type { Flow, LocalText } from './schema.js';

const QUOTED: ReadonlySet<string> = new Set();
const BOT_VOICE = ADDRESS_VARIABLE_SET;

export function checkQuizItems(items: readonly QuizItem[], source: FlowSource): FlowProblem[] {
  const problems: FlowProblem[] = [];
  // Pictures are relative to the flows folder, one level up from flows/quiz-bank/.
  const flowsDir = resolve(source.dir, '..');
  items.forEach((item, i) => {
    const at = ['items', i];
    // The example message is quoted as written (a scammer says "bạn", "quý khách"); what the bot says
    // about it addresses the resident as they chose.
    const texts: [(string | number)[], LocalText, ReadonlySet<string>][] = [
      [[...at, 'from'], item.from, QUOTED],
      [[...at, 'message'], item.message, QUOTED],
      [[...at, 'advice'], item.advice, BOT_VOICE],
      ...item.signs.map((s, j): [(string | number)[], LocalText, ReadonlySet<string>] => [[...at, 'signs', j], s, BOT_VOICE]),
    ];
    for (const [path, text, allowed] of texts) {
      problems.push(...unknownVariables(source, path, text, allowed));
      if (text.en === undefined) problems.push(source.problem([...path, 'vi'], 'missing translation en (add "en:" beside "vi:")', { severity: 'warning' }));
      for (const locale of ['vi', 'en'] as const) {
        const value = text[locale];
        if (value !== undefined && [...value].length > MAX_TEXT) {
          problems.push(source.problem([...path, locale], `text is ${[...value].length} characters; at most ${MAX_TEXT}`));
        }
      }
    }
    for (const locale of ['vi', 'en'] as const) {
      const image = quizItemImage(item.id, locale);
      if (!existsSync(resolve(flowsDir, image))) {
        problems.push(source.problem([...at, 'id'], `picture not found: ${image} (run npm run media:quiz)`));
      }
    }
  });
  return problems;
}

/** Across the bank and the lessons that draw from it. */
export function checkBank(
  bank: readonly { items: readonly QuizItem[]; source: FlowSource }[],
  otherItems: readonly QuizItem[],
  lessons: readonly { flow: Flow; source: FlowSource }[],
): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const seen = new Map<string, string>(otherItems.map((item) => [item.id, 'another quiz-bank file']));
  for (const { items, source } of bank) {
    items.forEach((item, i) => {
      const earlier = seen.get(item.id);
      if (earlier) problems.push(source.problem(['items', i, 'id'], `quiz item id "${item.id}" is already used in ${earlier}`));
      else seen.set(item.id, relative(process.cwd(), source.file) || source.file);
    });
  }
  const all = [...otherItems, ...bank.flatMap((b) => b.items)];
  for (const { flow, source } of lessons) {
    flow.steps.forEach((step, i) => {
      if (step.kind !== 'quiz-draw') return;
      const available = all.filter((item) => !step.scamTypes || step.scamTypes.includes(item.scamType)).length;
      const where = step.scamTypes ? `of type ${step.scamTypes.join(', ')} ` : '';
      if (available === 0) {
        problems.push(source.problem(['steps', i], `no quiz-bank items ${where}in flows/quiz-bank/; residents would see nothing here`));
      } else if (available < step.count) {
        problems.push(source.problem(['steps', i, 'count'], `asks ${step.count} questions but the bank has ${available} ${where}`.trim(), { severity: 'warning' }));
      }
    });
  }
  return problems;
}
