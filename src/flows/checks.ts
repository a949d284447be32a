/**
 * What the schema alone cannot say: steps that point nowhere, steps nobody reaches, lessons a
 * resident cannot finish, missing translations and pictures, unknown {{variables}}, texts and
 * buttons longer than the chat apps show.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ADDRESS_VARIABLES } from '../engine/address.js';
import { VARIABLE_PATTERN } from '../engine/text.js';
import type { FlowSource } from './load.js';
import type { FlowProblem } from './problems.js';
import { BUILTIN_VARIABLES, type Flow, type LocalText, type Step } from './schema.js';

/** Messenger shows 20 characters of a quick reply title. */
export const MAX_LABEL = 20;
/** Messenger's quick replies stop at 13. */
export const MAX_OPTIONS = 13;
/** Messenger's text limit; Zalo's is lower and the renderer splits, but one step should stay readable. */
export const MAX_TEXT = 2000;

type Path = (string | number)[];

/**
 * Each `{{x}}` of a text whose x is not among `allowed`, reported where it is written (lessons, the quiz
 * bank, the checker's reasons and advice).
 */
export function unknownVariables(
  source: { problem(path: readonly PropertyKey[], message: string): FlowProblem },
  path: readonly PropertyKey[],
  text: Partial<Record<'vi' | 'en', string>>,
  allowed: ReadonlySet<string>,
): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const locale of ['vi', 'en'] as const) {
    for (const m of text[locale]?.matchAll(VARIABLE_PATTERN) ?? []) {
      if (allowed.has(m[1]!)) continue;
      const use = allowed.size ? `use one of ${[...allowed].map((v) => `{{${v}}}`).join(', ')}` : 'no variable is filled in here';
      problems.push(source.problem([...path, locale], `unknown variable {{${m[1]}}}; ${use}`));
    }
  }
  return problems;
}

/** Every LocalText in a step with its path, for translation, variable and length checks. */
function textsOf(step: Step, at: Path): { path: Path; text: LocalText; label?: boolean }[] {
  const out: { path: Path; text: LocalText; label?: boolean }[] = [{ path: [...at, 'text'], text: step.text }];
  if (step.kind === 'message' && step.link) out.push({ path: [...at, 'link', 'label'], text: step.link.label, label: true });
  if (step.kind === 'choice' || step.kind === 'quiz') {
    step.options.forEach((o, i) => {
      out.push({ path: [...at, 'options', i, 'label'], text: o.label, label: true });
      if (o.detail) out.push({ path: [...at, 'options', i, 'detail'], text: o.detail });
    });
  }
  if (step.kind === 'quiz') out.push({ path: [...at, 'explanation'], text: step.explanation });
  if (step.kind === 'answer') {
    out.push({ path: [...at, 'retry'], text: step.retry });
    if (step.correct) out.push({ path: [...at, 'correct'], text: step.correct });
  }
  return out;
}

/** Where a step can go: explicit targets, and the step below when it falls through. */
function successors(step: Step, index: number, steps: readonly Step[]): { targets: { id: string; path: Path }[]; fallsThrough: boolean } {
  const at: Path = ['steps', index];
  const targets: { id: string; path: Path }[] = [];
  if (step.kind === 'end') return { targets, fallsThrough: false };
  let fallsThrough = false;
  if (step.kind === 'choice') {
    step.options.forEach((o, i) => {
      const target = o.next ?? step.next;
      if (o.next) targets.push({ id: o.next, path: [...at, 'options', i, 'next'] });
      if (!target) fallsThrough = true;
    });
    if (step.next) targets.push({ id: step.next, path: [...at, 'next'] });
  } else if (step.next) {
    targets.push({ id: step.next, path: [...at, 'next'] });
  } else {
    fallsThrough = true;
  }
  if (fallsThrough && index + 1 < steps.length) targets.push({ id: steps[index + 1]!.id, path: at });
  return { targets, fallsThrough: fallsThrough && index + 1 >= steps.length };
}

function suggestion(wrong: string, ids: readonly string[]): string {
  const close = ids.find((id) => id.startsWith(wrong.slice(0, 3)) || wrong.startsWith(id.slice(0, 3)));
  return close ? ` (did you mean "${close}"?)` : ` (steps are: ${ids.join(', ')})`;
}

export function checkFlow(flow: Flow, source: FlowSource): FlowProblem[] {
  const problems: FlowProblem[] = [];
  // Quiz histories are keyed `<lesson>/<step>` beside the quiz bank's `bank/<item>`.
  if (flow.id === 'bank') problems.push(source.problem(['id'], 'the lesson id "bank" is reserved for the quiz bank; choose another'));
  const ids = flow.steps.map((s) => s.id);
  const firstIndex = new Map<string, number>();
  flow.steps.forEach((s, i) => {
    if (firstIndex.has(s.id)) {
      problems.push(source.problem(['steps', i, 'id'], `step id "${s.id}" is already used by steps[${firstIndex.get(s.id)}]; ids must be unique`));
    } else firstIndex.set(s.id, i);
  });

  // Links, and the graph for reachability.
  const edges = new Map<number, number[]>();
  flow.steps.forEach((step, i) => {
    const { targets, fallsThrough } = successors(step, i, flow.steps);
    const to: number[] = [];
    for (const t of targets) {
      const j = firstIndex.get(t.id);
      if (j === undefined) problems.push(source.problem(t.path, `no step has id "${t.id}"${suggestion(t.id, ids)}`));
      else to.push(j);
    }
    edges.set(i, to);
    if (fallsThrough) {
      problems.push(source.problem(['steps', i], 'the lesson runs out after this step; end it with a step of kind: end, or give it a next'));
    }
  });

  const reached = new Set<number>([0]);
  const queue = [0];
  while (queue.length > 0) {
    for (const j of edges.get(queue.shift()!) ?? []) {
      if (!reached.has(j)) {
        reached.add(j);
        queue.push(j);
      }
    }
  }
  flow.steps.forEach((s, i) => {
    if (!reached.has(i)) problems.push(source.problem(['steps', i, 'id'], `no step leads to "${s.id}", so residents never see it`, { severity: 'warning' }));
  });

  // From every reachable step, some end must be reachable, or residents go round for ever.
  const canFinish = new Set<number>(flow.steps.flatMap((s, i) => (s.kind === 'end' ? [i] : [])));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [i, to] of edges) {
      if (!canFinish.has(i) && to.some((j) => canFinish.has(j))) {
        canFinish.add(i);
        grew = true;
      }
    }
  }
  if (!flow.steps.some((s) => s.kind === 'end')) {
    problems.push(source.problem(['steps'], 'the lesson has no step of kind: end, so residents can never finish it'));
  } else {
    for (const i of reached) {
      if (!canFinish.has(i) && !problems.some((p) => p.where.startsWith(`steps[${i}]`))) {
        problems.push(source.problem(['steps', i], `from "${flow.steps[i]!.id}" no path reaches an end step; residents would go round for ever`));
      }
    }
  }

  const variables = new Set<string>([...BUILTIN_VARIABLES, ...flow.steps.flatMap((s) => (s.kind === 'answer' && s.save ? [s.save] : []))]);
  const allTexts: { path: Path; text: LocalText; label?: boolean }[] = [
    { path: ['title'], text: flow.title },
    { path: ['summary'], text: flow.summary },
    ...flow.steps.flatMap((s, i) => textsOf(s, ['steps', i])),
  ];
  for (const { path, text, label } of allTexts) {
    problems.push(...unknownVariables(source, path, text, variables));
    if (text.en === undefined) problems.push(source.problem([...path, 'vi'], `missing translation en (add "en:" beside "vi:")`, { severity: 'warning' }));
    for (const locale of ['vi', 'en'] as const) {
      const value = text[locale];
      if (value === undefined) continue;
      if (label && [...value].length > MAX_LABEL) {
        problems.push(source.problem([...path, locale], `button text is ${[...value].length} characters; at most ${MAX_LABEL} fit (put the longer wording in "detail")`));
      }
      if (!label && [...value].length > MAX_TEXT) {
        problems.push(source.problem([...path, locale], `text is ${[...value].length} characters; at most ${MAX_TEXT} (split it into two steps)`));
      }
    }
  }

  flow.steps.forEach((s, i) => {
    if (s.kind === 'quiz' && s.review) problems.push(...reviewProblems(s, textsOf(s, ['steps', i]), source));
    if ((s.kind === 'choice' || s.kind === 'quiz') && s.options.length > MAX_OPTIONS) {
      problems.push(source.problem(['steps', i, 'options'], `${s.options.length} options; at most ${MAX_OPTIONS} (Messenger's limit)`));
    }
    if (s.kind === 'quiz' && !s.options.some((o) => o.correct)) {
      problems.push(source.problem(['steps', i, 'options'], 'no option has correct: true'));
    }
    if (s.kind === 'answer' && !s.accept.vi?.length && !s.accept.en?.length) {
      problems.push(source.problem(['steps', i, 'accept'], 'no accepted answers; list some under vi: (and en:)'));
    }
    if (s.image && !existsSync(resolve(source.dir, s.image))) {
      problems.push(source.problem(['steps', i, 'image'], `picture not found: ${s.image} (looked in ${resolve(source.dir, s.image)})`));
    }
  });
  return problems;
}

/** Variables a question asked alone in a review can still fill (the resident's, not the lesson's own). */
const REVIEW_VARIABLES: ReadonlySet<string> = new Set(['name', ...ADDRESS_VARIABLES]);

/**
 * A quiz step the review may ask (not `review: false`) is shown outside its lesson, in another
 * lesson's place, so it must not need the lesson's variables: `{{right}}` would be the review's score,
 * `{{lesson}}` the practice lesson's title, and a saved answer would be missing.
 */
function reviewProblems(step: Step, texts: readonly { path: Path; text: LocalText }[], source: FlowSource): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const { path, text } of texts) {
    for (const locale of ['vi', 'en'] as const) {
      for (const m of text[locale]?.matchAll(VARIABLE_PATTERN) ?? []) {
        if (REVIEW_VARIABLES.has(m[1]!)) continue;
        problems.push(
          source.problem(
            [...path, locale],
            `"${step.id}" is asked alone in the review, where {{${m[1]}}} means nothing; use only {{name}} and the forms of address ({{you}}, {{me}}) here, or set review: false on the step`,
          ),
        );
      }
    }
  }
  return problems;
}

/** Checks across files: one id per lesson, suggestions that exist. */
export function checkFlowSet(checked: readonly { flow: Flow; source: FlowSource }[], otherIds: readonly string[]): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const seen = new Map<string, string>();
  for (const { flow, source } of checked) {
    const earlier = seen.get(flow.id);
    if (earlier) problems.push(source.problem(['id'], `lesson id "${flow.id}" is already used by ${earlier}`));
    else seen.set(flow.id, relative(process.cwd(), source.file) || source.file);
  }
  const known = new Set([...seen.keys(), ...otherIds]);
  for (const { flow, source } of checked) {
    flow.steps.forEach((s, i) => {
      if (s.kind !== 'end') return;
      s.suggest.forEach((id, j) => {
        if (!known.has(id)) problems.push(source.problem(['steps', i, 'suggest', j], `no lesson has id "${id}" (lessons: ${[...known].sort().join(', ')})`));
        if (id === flow.id) problems.push(source.problem(['steps', i, 'suggest', j], 'a lesson should not suggest itself', { severity: 'warning' }));
      });
    });
  }
  return problems;
}
