/**
 * The app's Prometheus metrics, in a registry of its own (not prom-client's global one), so two apps
 * in one test process never share counters. What happens is counted by wrapping the parts where
 * they are made (app.ts): the conversation (turns), the intake (when an event came in), the channel
 * clients (platform sends). What is kept in Redis is sampled at scrape time (sampled.ts).
 *
 * @example
 * const metrics = createMetrics();
 * const conversation = metrics.conversation(createConversation(…));
 * await metrics.registry.metrics(); // the text Prometheus scrapes
 */
import { performance } from 'node:perf_hooks';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ChannelId, residentIdOf } from '../channels/activity.js';
import type { ChannelClient, SendOutcome } from '../channels/channel.js';
import type { Conversation } from '../conversation/conversation.js';
import type { Intake } from '../conversation/intake.js';
import { TurnConflictError } from '../store/errors.js';

/** Seconds; a turn is a few ms when all is well, seconds when Redis or a queue is behind. */
export const TURN_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** How many intake times are remembered for turns not yet handled (oldest forgotten first). */
const MAX_PENDING = 100_000;

export type TurnOutcome = 'answered' | 'duplicate' | 'busy' | 'error';

export interface AppMetrics {
  registry: Registry;
  /** Count each turn and time it from intake (webhooks) or from its start (web, Bot Framework) to its commit. */
  conversation(inner: Conversation): Conversation;
  /** Remember when each event was taken in, for the turn's latency. */
  intake(inner: Intake): Intake;
  /** Count each send by result and HTTP status class. */
  client<C extends ChannelClient>(inner: C): C;
}

export function createMetrics(): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const turns = new Counter({
    name: 'hocso_turns_total',
    help: 'Turns handled, by channel and outcome (answered, duplicate: a redelivery answered before, busy: gave up after conflicts, error).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const turnSeconds = new Histogram({
    name: 'hocso_turn_duration_seconds',
    help: 'From a webhook event taken in (or a web request started) to its turn committed, answered turns only.',
    labelNames: ['channel'] as const,
    buckets: TURN_BUCKETS,
    registers: [registry],
  });
  const sends = new Counter({
    name: 'hocso_platform_sends_total',
    help: 'Messages sent to a platform, by channel, result (sent, retry, unreachable, failed) and HTTP status class (2xx…5xx, none: no answer).',
    labelNames: ['channel', 'result', 'status'] as const,
    registers: [registry],
  });

  // Turns are handled by the process that took their event in, unless another one holds the resident:
  // then there is no intake time here and the turn is timed from its start.
  const takenAt = new Map<string, number>();
  const eventKey = (residentId: string, eventId: string) => `${residentId}\n${eventId}`;

  return {
    registry,

    conversation(inner) {
      return {
        async handle(message, options) {
          const key = message.messageId === undefined ? undefined : eventKey(message.residentId, message.messageId);
          const since = (key && takenAt.get(key)) || performance.now();
          const channel = channelOf(message.residentId);
          let outcome: TurnOutcome = 'error';
          try {
            const result = await inner.handle(message, options);
            outcome = result.duplicate ? 'duplicate' : 'answered';
            if (outcome === 'answered') turnSeconds.observe({ channel }, (performance.now() - since) / 1000);
            return result;
          } catch (err) {
            outcome = err instanceof TurnConflictError ? 'busy' : 'error';
            throw err;
          } finally {
            if (key) takenAt.delete(key);
            turns.inc({ channel, outcome });
          }
        },
      };
    },

    intake(inner) {
      return {
        async accept(activities) {
          const now = performance.now();
          for (const a of activities) {
            const key = eventKey(residentIdOf(a), a.id);
            if (!takenAt.has(key)) takenAt.set(key, now);
          }
          while (takenAt.size > MAX_PENDING) takenAt.delete(takenAt.keys().next().value!);
          return inner.accept(activities);
        },
      };
    },

    client(inner) {
      // Everything else of the client stays as it is (through the prototype), whatever its shape.
      const counted = Object.create(inner) as typeof inner;
      counted.send = async (userId, message, options) => {
        const outcome = await inner.send(userId, message, options);
        sends.inc({ channel: inner.channel, result: outcome.type, status: statusClass(outcome) });
        return outcome;
      };
      return counted;
    },
  };
}

const CHANNELS: ReadonlySet<string> = new Set(ChannelId.options);

/** `messenger:2411…` → `messenger`; anything else is `other`, so labels stay few. A set lookup: this runs every turn. */
function channelOf(residentId: string): string {
  const channel = residentId.slice(0, residentId.indexOf(':'));
  return CHANNELS.has(channel) ? channel : 'other';
}

/**
 * The HTTP status class of a send. The clients say it in their reasons (`graph 429 error 4`,
 * `zalo 200 error -230`); a reason without one (a timeout, a network error) had no answer.
 */
export function statusClass(outcome: SendOutcome): string {
  if (outcome.type === 'sent') return '2xx';
  const m = /^(?:graph|zalo) ([1-5])\d\d\b/.exec(outcome.reason);
  return m ? `${m[1]}xx` : 'none';
}
