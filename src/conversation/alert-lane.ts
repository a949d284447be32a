/**
 * The alert lane: how a broadcast gives an official's alert to many residents at once without a
 * conversation turn each.
 *
 * What a resident sees of an alert depends only on their language and on whether a lesson is open
 * (its "continue" button): the engine says so (`alertVariant`) and runs it once per such variant
 * (`step`, as a turn would); the channel renders that once per delivered chunk (so a picture Meta has
 * saved meanwhile goes without "typing…"), and every resident of the variant gets those platform
 * messages. Per resident there is one Lua
 * call (deliver-alert-7.lua): if they are in the middle of nothing and their state is still the
 * revision read, it writes the state with `lastAlert` (and `offered`, the buttons a typed number picks, and
 * `screen`, a question left open closed), marks the alert's event id handled, puts the
 * messages into their outbox and holds them; the processor then sends the outbox and lets go,
 * exactly as after a turn. So a crash leaves the alert in the outbox, where the batch's retry (the
 * script answers "still waiting") or the processor finds it, and the event id keeps it to once.
 *
 * Everyone else gets the alert through their inbox, in order with their own messages, as before:
 * residents busy now, a state the lane does not recognise, alerts turned off, or a cancelled alert.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChannelId } from '../channels/activity.js';
import type { ChannelClient, PlatformMessage } from '../channels/channel.js';
import { handOverToInboxes, wakeWaiting, type AlertSource } from '../broadcast/contract.js';
import { AddressForm } from '../engine/address.js';
import { alertVariant, screenAfterAlert } from '../engine/alerts.js';
import { offeredAfter, step } from '../engine/step.js';
import type { ResidentState } from '../engine/state.js';
import type { EngineEvent, Env, Input, Reply } from '../engine/types.js';
import type { FlowSet } from '../engine/flowset.js';
import { LOCALES } from '../flows/schema.js';
import { errorFields, type Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import { perItem, type ScriptedRedis } from '../store/redis.js';
import { SEEN_WINDOW_MS, STATE_TTL_SECONDS, type ResidentStore } from '../store/resident-store.js';
import { withAlert } from './audience.js';
import { outboxEntries } from './outbox.js';
import { safeJson } from '../json.js';
import type { Processor } from './processor.js';

export interface AlertLaneDeps {
  redis: ScriptedRedis;
  keys: Keys;
  store: ResidentStore;
  flows: FlowSet;
  /** What the engine needs to render (texts, default language); `now` is set per delivery. */
  env: Omit<Env, 'now'>;
  alerts: AlertSource;
  clients: Partial<Record<ChannelId, ChannelClient>>;
  processor: Pick<Processor, 'sendHeld' | 'kick' | 'counters'>;
  log: Logger;
  /** How long the lane holds a resident while it sends (the processor's lease). */
  leaseMs: number;
}

export interface LaneResult {
  /** Residents the lane gave the alert to (sent, or left in their outbox for a retry). */
  direct: number;
  /** Residents who get it through their inbox instead, already woken: wait for these. */
  inbox: string[];
}

/** The few fields of a stored state the lane reads; anything else about the state is the engine's. */
const LaneView = z.object({
  anonId: z.string(),
  locale: z.enum(LOCALES),
  alerts: z.boolean().optional(),
  current: z.unknown().optional(),
  screen: z.string().optional(),
  address: z.object({ form: AddressForm }).optional(),
});

/** The alert as one variant of residents gets it. */
interface Variant {
  /** What the engine said, rendered for the channel per delivery (the channel's rendering may change, e.g. once Meta saved the picture). */
  replies: Reply[];
  lastAlert: NonNullable<ResidentState['lastAlert']>;
  events: EngineEvent[];
  /** Its buttons, for a typed number, as a turn keeps them (`offered`). */
  offered: ResidentState['offered'];
}

/** Rendered variants kept at most (a few per alert and channel). */
const VARIANTS_KEPT = 64;

export class AlertLane {
  private readonly variants = new Map<string, Variant | null>();

  constructor(private readonly deps: AlertLaneDeps) {}

  /**
   * Give alert `alertId` to these residents of one channel (all reachable now, by the caller's check).
   * Resolves once the lane's sends are done or handed to the processor; throws if Redis failed,
   * so that the caller's batch is retried (nobody gets it twice: see the file's comment).
   */
  async deliver(alertId: string, residentIds: readonly string[], now: number): Promise<LaneResult> {
    const { redis, keys, store, log } = this.deps;
    const kick = (rid: string) => this.deps.processor.kick(rid);
    const viaInbox = (ids: readonly string[]) => handOverToInboxes(redis, keys, alertId, ids, now, kick);
    if (residentIds.length === 0) return { direct: 0, inbox: [] };
    const input = await withAlert({ type: 'alert', alertId }, this.deps.alerts);
    // Cancelled or gone: the turn counts it as skipped.
    if (input.type !== 'alert' || !input.content) return { direct: 0, inbox: await viaInbox(residentIds) };
    const stored = await perItem(redis, residentIds, (p, rid) => p.hmget(keys.resident(rid).state, 'rev', 'doc'));
    const token = randomUUID();
    /** Each variant's platform messages for this delivery: rendered once, not once per resident. */
    const rendered = new Map<Variant, PlatformMessage[]>();
    const messagesOf = (variant: Variant, client: ChannelClient) =>
      rendered.get(variant) ?? rendered.set(variant, variant.replies.flatMap((r) => client.render(r))).get(variant)!;
    const eventId = `alert:${alertId}`; // as enqueueAlert names it
    const others: string[] = [];
    const takes: { rid: string; taking: Promise<number>; entries: ReturnType<typeof outboxEntries>; events: EngineEvent[]; anonId: string }[] = [];
    residentIds.forEach((rid, i) => {
      const [rev, doc] = stored[i] as [string | null, string | null];
      const raw = doc ? (safeJson(doc) as Record<string, unknown> | undefined) : undefined;
      const view = LaneView.safeParse(raw);
      if (!raw || !view.success || view.data.alerts === false) return void others.push(rid);
      const channel = rid.slice(0, rid.indexOf(':')) as ChannelId;
      const variant = this.variant(alertId, channel, alertVariant(view.data), input, rev, doc!, now);
      if (!variant) return void others.push(rid);
      const k = keys.resident(rid);
      const entries = outboxEntries(channel, rid.slice(channel.length + 1), messagesOf(variant, this.deps.clients[channel]!), alertId, true);
      // As the turn would (engine/alerts.ts): `lastAlert`, the alert's buttons for a typed number, and any question left open closed.
      const screen = view.data.screen === undefined ? undefined : screenAfterAlert(view.data.screen);
      const next = JSON.stringify({ ...raw, lastAlert: { ...variant.lastAlert, at: now }, offered: variant.offered, ...(screen ? { screen } : {}) });
      const taking = redis.deliverAlert(
        k.state, k.seen, k.inbox, k.inboxData, k.outbox, k.lease, k.contact,
        eventId, Number(rev ?? 0), next, now, SEEN_WINDOW_MS, STATE_TTL_SECONDS, token, this.deps.leaseMs, ...entries.map((e) => e.raw),
      );
      takes.push({ rid, taking, entries, events: variant.events, anonId: view.data.anonId });
    });
    const outcomes = await Promise.allSettled(takes.map((t) => t.taking));
    const sends: Promise<void>[] = [];
    const { counters } = this.deps.processor;
    const waiting: string[] = [];
    let failure: unknown;
    let direct = 0;
    outcomes.forEach((o, i) => {
      const t = takes[i]!;
      if (o.status === 'rejected') return void (failure ??= o.reason);
      if (o.value === 2) others.push(t.rid);
      else if (o.value === 3) waiting.push(t.rid);
      else if (o.value === 1) {
        direct++;
        sends.push(this.deps.processor.sendHeld(t.rid, token, t.entries));
        store.recordEvents(t.anonId, t.events, now).catch((err: unknown) => log.warn('analytics events not recorded', errorFields(err)));
      }
    });
    if (direct > 0) counters.add(alertId, 'shown', direct);
    try {
      // Had it, but it has not gone out yet (a worker stopped half-way): have the processor send it.
      const inbox = [...(await wakeWaiting(redis, keys, waiting, now, kick)), ...(others.length ? await viaInbox(others) : [])];
      for (const s of await Promise.allSettled(sends)) if (s.status === 'rejected') failure ??= s.reason;
      if (failure !== undefined) throw failure;
      return { direct, inbox };
    } finally {
      // The chunk's counts are written before the batch is: its progress is what the official sees next.
      await counters.flush();
    }
  }

  /** The alert rendered for one variant, by the engine from this resident's state (null: the engine shows nothing). */
  private variant(alertId: string, channel: ChannelId, shape: string, input: Input, rev: string | null, doc: string, now: number): Variant | null {
    const key = `${alertId}|${channel}|${shape}`;
    const known = this.variants.get(key);
    if (known !== undefined) return known;
    const client = this.deps.clients[channel];
    const state = this.deps.store.fromStored(rev, doc).state;
    // A state the engine cannot read is this resident's problem, not the variant's: do not keep it.
    if (!client || !state) return null;
    const result = step(this.deps.flows, state, input, { ...this.deps.env, now });
    const lastAlert = result.state?.lastAlert;
    const variant = result.replies.length && lastAlert
      ? { replies: result.replies, lastAlert, events: result.events, offered: offeredAfter(result.replies) }
      : null;
    if (this.variants.size >= VARIANTS_KEPT) this.variants.clear();
    this.variants.set(key, variant);
    return variant;
  }
}
