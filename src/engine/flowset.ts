/** The loaded lessons, indexed for the engine. Built once at start-up, never per turn. */
import type { Flow, Step } from '../flows/schema.js';

export interface CompiledFlow {
  flow: Flow;
  steps: readonly Step[];
  indexOf: ReadonlyMap<string, number>;
}

export interface FlowSet {
  byId: ReadonlyMap<string, CompiledFlow>;
  /** In menu order. */
  list: readonly CompiledFlow[];
}

export function compileFlows(flows: readonly Flow[]): FlowSet {
  const list = flows
    .map((flow) => ({
      flow,
      steps: flow.steps,
      indexOf: new Map(flow.steps.map((s, i) => [s.id, i] as const)),
    }))
    .sort((a, b) => a.flow.order - b.flow.order || a.flow.id.localeCompare(b.flow.id));
  return { byId: new Map(list.map((c) => [c.flow.id, c] as const)), list };
}

/** The step after `index` when a step has no explicit `next`. */
export function stepAfter(compiled: CompiledFlow, step: Step, explicitNext?: string): Step | undefined {
  const target = explicitNext ?? ('next' in step ? step.next : undefined);
  if (target) return compiled.steps[compiled.indexOf.get(target) ?? -1];
  const i = compiled.indexOf.get(step.id) ?? -1;
  return compiled.steps[i + 1];
}
