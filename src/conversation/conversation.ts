/**
 * The shell around the pure engine: load the resident, run `step`, commit state and replies
 * together, retry when another turn of the same resident committed first.
 * Every channel calls `handle` with an already verified, parsed, channel-neutral message.
 *
 * @example
 * const { replies } = await conversation.handle({ residentId: 'web:abc', messageId: 'm1', input: { type: 'text', text: '1' } });
 */
import { randomUUID } from 'node:crypto';
import type { Locale } from '../flows/schema.js';
import type { FlowSet } from '../engine/flowset.js';
import { afterCommit } from './after-commit.js';
import type { ActiveAlertSource } from '../broadcast/active-alerts.js';
import type { ReportSink } from '../reports/record.js';
import { withAlert } from './audience.js';
import { withReferral, type ReferralDeps } from './referrals.js';
import type { AlertSource } from '../broadcast/contract.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import { step } from '../engine/step.js';
import type { CommuneOption, Input, Reply, Texts } from '../engine/types.js';
import { errorFields, type Logger } from '../log.js';
import type { ActiveAlert } from '../checker/types.js';
import type { ResidentState } from '../engine/state.js';
import { TurnConflictError } from '../store/errors.js';
import type { ResidentStore } from '../store/resident-store.js';

export interface InboundMessage {
  /** `<channel>:<platform user id>`, e.g. `web:7f3a…`, `messenger:2411…`. */
  residentId: string;
  /** The platform's id for this message, used to drop redeliveries. */
  messageId?: string | undefined;
  input: Input;
  displayName?: string | undefined;
  /** The address this resident reaches the bot at, when the channel knows better than the config (web). */
  publicUrl?: string | undefined;
}

export interface TurnOutcome {
  replies: Reply[];
  /** True when this message id was handled before and these are the replies it got then. */
  duplicate: boolean;
  /** True when this turn deleted everything about the resident (they asked to). */
  forgotten?: boolean;
}

export interface ConversationDeps {
  store: ResidentStore;
  flows: FlowSet;
  texts: Texts;
  defaultLocale: Locale;
  log: Logger;
  clock?: () => number;
  newId?: () => string;
  /** Lesson links and coaches' bookkeeping; without it, codes are treated as ordinary text. */
  referrals?: ReferralDeps;
  /** The bot's public address, for residents' own lesson links. */
  publicUrl?: string;
  /** Officials' alerts, looked up when an alert event reaches a resident. */
  alerts?: AlertSource;
  /** The deployment's communes, for residents to give theirs. */
  areas?: readonly CommuneOption[];
  /** Where alert counters and audience sets are kept. */
  bookkeeping?: { redis: ScriptedRedis; keys: Keys };
  /** Residents' reports to officials, stored after the commit. */
  reports?: ReportSink;
  /** Officials' recent alerts with match domains or phrases, which the scam check recognises (cached per process). */
  activeAlerts?: ActiveAlertSource;
}

const MAX_ATTEMPTS = 8;

export interface HandleOptions {
  /**
   * Webhook channels: turn the replies into outbox entries, committed with the state in one step
   * and sent afterwards. Without it (the web channel) replies are only returned.
   */
  outbox?: (replies: Reply[]) => string[];
  /**
   * The resident's state hash (`rev`, `doc`) as the caller already read it in a round trip of its own
   * (the processor's claim), used for the first attempt instead of loading it again. Safe even when
   * stale: the commit then finds another revision and the turn is recomputed on a fresh load.
   */
  stored?: { rev: string | number | null | undefined; doc: string | null | undefined };
  /**
   * The web chat: this message is the resident writing, which no webhook take-in noted, so when is
   * committed with the turn (it opens the channel's window, channels/window.ts) and the contact kept this long, ms.
   */
  wroteKeepMs?: number;
}

export interface Conversation {
  handle(message: InboundMessage, options?: HandleOptions): Promise<TurnOutcome>;
}

export function createConversation(deps: ConversationDeps): Conversation {
  const clock = deps.clock ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  return {
    async handle(message, options = {}) {
      let input = deps.referrals ? await withReferral(message.input, deps.referrals) : message.input;
      if (input.type === 'alert') input = await withAlert(input, deps.alerts);
      const publicUrl = message.publicUrl ?? deps.publicUrl;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        // A message handled before is recognised by the commit, which then returns the replies it got.
        const loaded = attempt === 1 && options.stored
          ? deps.store.fromStored(options.stored.rev, options.stored.doc)
          : await deps.store.load(message.residentId);
        const now = clock();
        const activeAlerts = await alertsFor(deps, loaded.state?.area, input);
        const result = step(deps.flows, loaded.state, input, {
          now,
          texts: deps.texts,
          newId,
          defaultLocale: deps.defaultLocale,
          ...(message.displayName ? { displayName: message.displayName } : {}),
          ...(publicUrl ? { publicUrl } : {}),
          ...(deps.areas ? { areas: deps.areas } : {}),
          ...(activeAlerts?.length ? { activeAlerts } : {}),
        });
        const outbox = options.outbox ? options.outbox(result.replies) : [];
        const commit = await deps.store.commit(
          message.residentId, loaded.rev, result.state, message.messageId, result.replies, now, outbox, options.wroteKeepMs,
        );
        if (commit.type === 'duplicate') return { replies: commit.replies, duplicate: true };
        if (commit.type === 'committed') {
          afterCommit(deps, message.residentId, loaded.state, result, now);
          return { replies: result.replies, duplicate: false, ...(result.state === null && loaded.state ? { forgotten: true } : {}) };
        }
        // Another turn of this resident committed first: recompute on top of it.
      }
      throw new TurnConflictError(MAX_ATTEMPTS);
    },
  };
}

/**
 * Officials' alerts the check may recognise, for a resident's message (not for our own events).
 * Cached per process, so usually no round trip; a failure only means no alert matching this turn.
 */
async function alertsFor(deps: ConversationDeps, area: ResidentState['area'], input: Input): Promise<readonly ActiveAlert[] | undefined> {
  if (!deps.activeAlerts || !area || (input.type !== 'text' && input.type !== 'payload')) return undefined;
  try {
    return await deps.activeAlerts.forArea(area);
  } catch (err) {
    deps.log.warn('active alerts not read; the check goes on without them', errorFields(err));
    return undefined;
  }
}
