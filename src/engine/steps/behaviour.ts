/** What every step kind provides: how it is shown and what an answer to it means. */
import type { Step } from '../../flows/schema.js';
import type { CompiledFlow } from '../flowset.js';
import type { Payload } from '../payloads.js';
import type { Turn } from '../turn.js';
import type { Reply } from '../types.js';

/** Input already known to be meant for this step (payloads for other steps are filtered out before). */
export type StepInput = { type: 'text'; text: string } | { type: 'payload'; payload: Payload };

export type StepOutcome =
  /** Understood; say `replies`, then go to `to` (or the step's own next). */
  | { type: 'advance'; replies: Reply[]; to?: string | undefined }
  /** Understood but not accepted (a wrong free-text answer): say `replies` and stay. */
  | { type: 'stay'; replies: Reply[] }
  /** Could not tell what the resident meant. */
  | { type: 'unplaced' };

export interface StepBehaviour<S extends Step = Step> {
  kind: S['kind'];
  show(step: S, turn: Turn): Reply;
  answer(step: S, input: StepInput, turn: Turn, compiled: CompiledFlow): StepOutcome;
  /** Hint key shown after the first answer the bot could not place. */
  hintKey: string;
  /** The hint key when it depends on the question on screen (a review asks lesson questions among bank items). */
  hintKeyFor?(step: S, turn: Turn): string;
  /** Prepare the step as the resident arrives at it; false means there is nothing to show, go on. */
  onEnter?(step: S, turn: Turn): boolean;
}
