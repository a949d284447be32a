/** The loaded lessons, indexed for the engine. Built once at start-up, never per turn. */
import type { CheckerRules } from '../checker/rules.js';
import type { QuizItem } from '../flows/quiz-bank.js';
import type { Flow, LocalText, QuizStep, Step } from '../flows/schema.js';
import type { z } from 'zod';
import { marked, readAs } from './normalize.js';

export interface CompiledFlow {
  flow: Flow;
  steps: readonly Step[];
  indexOf: ReadonlyMap<string, number>;
}

/** A lesson's quiz step that the review may ask on its own (not marked `review: false`). */
export interface LessonQuestion {
  flowId: string;
  /** The lesson's title, said with the question so that it is not asked out of nowhere. */
  title: LocalText;
  step: z.infer<typeof QuizStep>;
}

/** A lesson question's history key in `ResidentState.quiz`, and its id in a review's draw (quiz-bank items: `bank/<id>`). */
export const lessonKey = (flowId: string, stepId: string) => `${flowId}/${stepId}`;

export interface FlowSet {
  byId: ReadonlyMap<string, CompiledFlow>;
  /** In menu order. */
  list: readonly CompiledFlow[];
  /** The quiz bank (flows/quiz-bank/), by item id. */
  bank: ReadonlyMap<string, QuizItem>;
  /** The scam types the bank has items of (what "practise this type" can offer). */
  bankTypes: ReadonlySet<string>;
  /** Lessons' quiz steps the review may ask, by their history key (`<flow>/<step>`). */
  questions: ReadonlyMap<string, LessonQuestion>;
  /** The first lesson with a quiz-draw step: where "review" and "practise this scam type" lead. */
  practiceFlowId?: string;
  /** Pictures that have an English variant (`media/x.png` when `media/x.en.png` exists). */
  englishImages: ReadonlySet<string>;
  /** The "Is this a scam?" rules (flows/checker/), when the deployment has them. */
  checker?: CheckerRules;
  /** Lessons a resident's own words open (a flow's `opensOn`), with the phrases as `marked` and `readAs` write them. */
  openers: readonly { flowId: string; phrases: readonly { marked: string; plain: string }[] }[];
}

export function compileFlows(flows: readonly Flow[], bank: readonly QuizItem[] = [], englishImages: Iterable<string> = [], checker?: CheckerRules): FlowSet {
  const list = flows
    .map((flow) => ({
      flow,
      steps: flow.steps,
      indexOf: new Map(flow.steps.map((s, i) => [s.id, i] as const)),
    }))
    .sort((a, b) => a.flow.order - b.flow.order || a.flow.id.localeCompare(b.flow.id));
  const practice = list.find((c) => c.steps.some((s) => s.kind === 'quiz-draw'));
  return {
    byId: new Map(list.map((c) => [c.flow.id, c] as const)),
    list,
    bank: new Map(bank.map((item) => [item.id, item] as const)),
    bankTypes: new Set(bank.map((item) => item.scamType)),
    questions: new Map(
      list.flatMap(({ flow }) =>
        flow.steps.flatMap((step) =>
          step.kind === 'quiz' && step.review ? [[lessonKey(flow.id, step.id), { flowId: flow.id, title: flow.title, step }] as const] : [],
        ),
      ),
    ),
    englishImages: new Set(englishImages),
    openers: list.flatMap(({ flow }) =>
      flow.opensOn
        ? [{ flowId: flow.id, phrases: Object.values(flow.opensOn.phrases).flat().map((p) => ({ marked: marked(p), plain: readAs(p) })).filter((p) => p.plain) }]
        : [],
    ),
    ...(checker ? { checker } : {}),
    ...(practice ? { practiceFlowId: practice.flow.id } : {}),
  };
}

/** The picture to show in `locale`: `media/x.en.png` for English where the text in the picture matters. */
export function imageFor(flows: FlowSet, image: string, locale: string): string {
  return locale === 'en' && flows.englishImages.has(image) ? englishVariant(image) : image;
}

export function englishVariant(image: string): string {
  return image.replace(/\.(png|jpe?g)$/i, '.en.$1');
}

/** The step after `index` when a step has no explicit `next`. */
export function stepAfter(compiled: CompiledFlow, step: Step, explicitNext?: string): Step | undefined {
  const target = explicitNext ?? ('next' in step ? step.next : undefined);
  if (target) return compiled.steps[compiled.indexOf.get(target) ?? -1];
  const i = compiled.indexOf.get(step.id) ?? -1;
  return compiled.steps[i + 1];
}
