/**
 * Handles the webhook channels' inboxes and sends their outboxes.
 *
 * One resident at a time, across all processes: a lease in Redis (`SET NX PX`) says who handles a
 * resident now. The holder takes the inbox in platform-time order, runs each turn (state, event and
 * platform messages committed in one Lua call), then sends the outbox in order, removing each message
 * once the platform accepted it. A crash anywhere leaves the resident in the `due` set; when the lease
 * expires, any process's sweep picks them up and carries on from what Redis holds.
 */
import { randomUUID } from 'node:crypto';
import { ChannelId, InboundActivity, residentIdOf, toInput } from '../channels/activity.js';
import { messagingWindow } from '../channels/window.js';
import type { AlertCounter, AlertSource } from '../broadcast/contract.js';
import type { ChannelClient, SendOutcome } from '../channels/channel.js';
import type { Reply } from '../engine/types.js';
import { errorFields, type Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import { noteContact } from '../store/resident-store.js';
import type { Conversation } from './conversation.js';
import { AlertCounters } from './alert-counters.js';
import { enqueueOwnEvent, type Held } from './intake.js';
import { backoff, outboxEntries, queued, type OutboxEntry, type Queued } from './outbox.js';
import { safeJson } from '../json.js';

export interface ProcessorDeps {
  redis: ScriptedRedis;
  keys: Keys;
  conversation: Conversation;
  clients: Partial<Record<ChannelId, ChannelClient>>;
  log: Logger;
  clock?: () => number;
  /** How long a process may hold a resident without renewing (default 30 s). */
  leaseMs?: number;
  /** How often to look for residents whose work is due (default 500 ms). */
  sweepMs?: number;
  /** Retries of one message before it is dropped (default 8). */
  maxAttempts?: number;
  /** Officials' alerts: a cancelled alert's messages still in an outbox are not sent. */
  alerts?: AlertSource;
  /** Where alert deliveries are counted (default: this processor's own). */
  counters?: AlertCounters;
}


export class Processor {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly clock: () => number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  /** How alert deliveries ended, written a few milliseconds later together (the alert lane adds to it too). */
  readonly counters: AlertCounters;

  constructor(private readonly deps: ProcessorDeps) {
    this.counters = deps.counters ?? new AlertCounters(deps.redis, deps.keys, deps.log);
    this.clock = deps.clock ?? Date.now;
    this.leaseMs = deps.leaseMs ?? 30_000;
    this.maxAttempts = deps.maxAttempts ?? 8;
  }

  /**
   * Handle this resident now if no one else is; never throws. `held`: the intake already holds them
   * for us (take-in-7.lua) and read what the claim would have.
   */
  kick(residentId: string, held?: Held): void {
    if (this.stopped || this.running.has(residentId)) {
      // Not now: let go of what the intake held, so whoever handles them next (the run in progress
      // here, or any process's sweep: they are due) can take them. One connection, so this goes
      // out before the next claim.
      if (held) this.deps.redis.releaseLease(this.deps.keys.resident(residentId).lease, held.token).catch(() => undefined);
      if (!this.stopped) this.again.add(residentId);
      return;
    }
    const run = this.run(residentId, held)
      .catch((err: unknown) => this.deps.log.error('resident processing failed; will retry on the next sweep', errorFields(err)))
      .finally(() => {
        this.running.delete(residentId);
        if (this.again.delete(residentId)) this.kick(residentId);
      });
    this.running.set(residentId, run);
  }

  /** Start sweeping for due residents (crash recovery, retries after backoff). */
  start(): void {
    this.stopped = false;
    const every = this.deps.sweepMs ?? 500;
    this.sweeper = setInterval(() => void this.sweep(), every);
    this.sweeper.unref();
  }

  /** Stop taking new work and wait for the turns and sends in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    await this.idle();
  }

  /** Resolves when nothing is in progress in this process (and what it counted is written). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
    await this.counters.flush();
  }

  async sweep(): Promise<void> {
    try {
      const due = await this.deps.redis.zrangebyscore(this.deps.keys.due, '-inf', this.clock(), 'LIMIT', 0, 100);
      for (const rid of due) this.kick(rid);
      await this.offerFollowups();
    } catch (err) {
      this.deps.log.warn('sweep failed', errorFields(err));
    }
  }

  /**
   * Residents whose quiz reviews fell due: where the platform still lets us write to them, a
   * "review" event goes into their inbox like a message, so it is handled in order with their own
   * messages and sent through the outbox. Whoever removes the entry first offers it, once.
   */
  private async offerFollowups(): Promise<void> {
    const { redis, keys, log } = this.deps;
    const now = this.clock();
    const ready = await redis.zrangebyscore(keys.followups, '-inf', now, 'LIMIT', 0, 100);
    for (const rid of ready) {
      if ((await redis.zrem(keys.followups, rid)) !== 1) continue; // another process took it
      const [channel, ...rest] = rid.split(':');
      const userId = rest.join(':');
      const parsedChannel = ChannelId.safeParse(channel);
      if (!parsedChannel.success || !userId) continue;
      const k = keys.resident(rid);
      const [lastInbound, status] = await redis.hmget(k.contact, 'lastInbound', 'status');
      const reach = messagingWindow(parsedChannel.data, { lastInbound: lastInbound ? Number(lastInbound) : undefined, status: status ?? undefined }, now);
      if (!reach.can) {
        log.debug('review follow-up not sent', { channel, why: reach.why });
        continue;
      }
      if (await enqueueOwnEvent(redis, keys, rid, { name: 'review', id: `review:${now}` }, now)) this.kick(rid);
    }
  }

  /**
   * Hold the resident, then take their inbox in order: each turn is committed with its platform
   * messages, which are sent straight away. About five Redis calls per event: claim (lease, next
   * event with the resident's state, outbox and contact in one script), commit the turn,
   * then leave `due` and let go (one script, which also takes the last message sent out of the
   * outbox) when nothing is left.
   */
  private async run(residentId: string, given?: Held): Promise<void> {
    const { redis, keys } = this.deps;
    const k = keys.resident(residentId);
    const token = given?.token ?? randomUUID();
    let held = false;
    /** The last message sent, not yet taken out of the outbox: that goes with the next call (letting go, or before claiming again). */
    let unacked: string[] = [];
    try {
      let claim = given?.claim ?? (await redis.claimResident(k.lease, k.inbox, k.inboxData, k.outbox, k.contact, k.state, token, this.leaseMs));
      for (;;) {
        if (claim[0] !== 1) return; // someone else has them (or took over after our lease lapsed)
        held = true;
        const [, eventId, eventJson, outboxLength, status, sendAfter, inboxSize, rev, doc] = claim;
        const contact: Contact = { status, sendAfter: Number(sendAfter || 0) };
        if (eventId) {
          const committed = await this.handleEvent(residentId, eventId, eventJson, { rev, doc });
          // Nothing was waiting before this turn, so the outbox holds exactly what it committed.
          if (outboxLength === 0 && committed.length > 0) unacked = await this.sendEntries(residentId, committed, contact);
          else if (outboxLength > 0 || committed.length > 0) unacked = await this.sendOutbox(residentId);
          // The usual case (an alert, one message): that was the only event, so go straight to letting
          // go; the finishing script still sees an event that arrived meanwhile.
          if (inboxSize > 1 || outboxLength > 0) {
            if (unacked.length) await redis.outboxSent(k.outbox, k.contact, ...unacked);
            unacked = [];
            claim = await redis.claimResident(k.lease, k.inbox, k.inboxData, k.outbox, k.contact, k.state, token, this.leaseMs);
            continue;
          }
        } else if (outboxLength > 0) unacked = await this.sendOutbox(residentId);
        // Leave `due` first, then look again: an event taken in meanwhile is either seen by the script or re-marks us due.
        // On one Redis the two go out together (one connection runs them in order); a Cluster may
        // run them on two nodes in any order, so there the first is awaited.
        const leaving = redis.zrem(keys.due, residentId);
        leaving.catch(() => undefined); // awaited below; this only keeps a failure from counting as unhandled meanwhile
        if (redis.isCluster) await leaving;
        const [left, waitUntil] = await redis.finishResident(k.lease, k.inbox, k.outbox, k.contact, token, ...unacked);
        unacked = [];
        await leaving;
        if (left === 1) {
          claim = await redis.claimResident(k.lease, k.inbox, k.inboxData, k.outbox, k.contact, k.state, token, this.leaseMs);
          continue;
        }
        if (left === 2) await redis.zadd(keys.due, Math.max(Number(waitUntil || 0), this.clock()), residentId);
        if (left !== 2) held = false; // released by the script, or no longer ours
        return;
      }
    } finally {
      if (held) await redis.releaseLease(k.lease, token).catch(() => undefined);
    }
  }

  /**
   * Send what the alert lane just put into this resident's outbox while holding them with `token`
   * (src/conversation/alert-lane.ts), then let go as after a turn. A message that arrived meanwhile,
   * or a platform's "try later", is left to this processor through `due`. Throws only when Redis
   * fails, with the entries still in the outbox: the caller's batch is retried and finds them there.
   */
  async sendHeld(residentId: string, token: string, entries: readonly Queued[]): Promise<void> {
    const { redis, keys } = this.deps;
    const k = keys.resident(residentId);
    const unacked = await this.sendEntries(residentId, entries, { status: '', sendAfter: 0 });
    const [left, waitUntil] = await redis.finishResident(k.lease, k.inbox, k.outbox, k.contact, token, ...unacked);
    if (left !== 1 && left !== 2) return; // released, or no longer ours
    // Still held: a message came in meanwhile (handle it now), or the outbox waits out a backoff.
    await redis.zadd(keys.due, left === 2 ? Math.max(Number(waitUntil || 0), this.clock()) : this.clock(), residentId);
    await redis.releaseLease(k.lease, token);
    if (left === 1) this.kick(residentId);
  }

  /** Run the turn for one inbox event; the outbox entries it committed (none for a duplicate), parsed and as stored. */
  private async handleEvent(residentId: string, eventId: string, raw: string, stored: { rev: string; doc: string }): Promise<Queued[]> {
    const { redis, keys, conversation, clients, log } = this.deps;
    const k = keys.resident(residentId);
    const parsed = InboundActivity.safeParse(raw ? safeJson(raw) : undefined);
    const input = parsed.success ? toInput(parsed.data) : undefined;
    if (!parsed.success || !input) {
      // Nothing the engine can answer: take it out so it cannot block the inbox.
      if (!parsed.success) log.warn('inbox event unreadable; dropped', { channel: residentId.split(':')[0] });
      await redis.pipeline().zrem(k.inbox, eventId).hdel(k.inboxData, eventId).exec();
      return [];
    }
    const activity = parsed.data;
    const client = clients[activity.channelId];
    const alertId = activity.name === 'alert' ? activity.ref : undefined;
    const proactive = activity.name === 'alert' || activity.name === 'review';
    let entries: Queued[] = [];
    const outcome = await conversation.handle(
      {
        residentId: residentIdOf(activity),
        messageId: activity.id,
        input,
        ...(activity.from.name ? { displayName: activity.from.name } : {}),
      },
      {
        // Called again if the commit must be recomputed: the last call is what was committed.
        outbox: (replies) => {
          entries = client ? this.toOutbox(client, activity.from.id, replies, alertId, proactive) : [];
          return entries.map((q) => q.raw);
        },
        // Read by the claim: no second round trip to load it (a stale copy only costs a recomputed turn).
        stored: { rev: stored.rev || 0, doc: stored.doc || null },
      },
    );
    if (outcome.duplicate) return [];
    // An alert that says nothing (cancelled, alerts turned off) is counted as skipped.
    if (alertId && outcome.replies.length === 0) this.counters.add(alertId, 'skipped');
    return entries;
  }

  private toOutbox(client: ChannelClient, userId: string, replies: Reply[], alertId?: string, proactive = false): Queued[] {
    return outboxEntries(client.channel, userId, replies.flatMap((r) => client.render(r)), alertId, proactive);
  }

  /** Alerts in an outbox about to be dropped (the resident became unreachable). */
  private countAlertsIn(entries: readonly Queued[], counter: 'unreachable'): void {
    for (const { entry } of entries) if (entry) this.countAlert(entry, counter);
  }

  /** Count an alert's delivery outcome (on its last message, or on whatever ends its outbox). */
  private countAlert(entry: OutboxEntry, counter: AlertCounter): void {
    if (entry.alertId && entry.countsAlert) this.counters.add(entry.alertId, counter);
  }

  /** Send what the outbox holds now, in order (after a crash, a backoff, or a turn queued behind older messages). */
  private async sendOutbox(residentId: string): Promise<string[]> {
    const k = this.deps.keys.resident(residentId);
    const [[, entries], [, contact]] = (await this.deps.redis
      .pipeline()
      .lrange(k.outbox, 0, -1)
      .hmget(k.contact, 'status', 'sendAfter')
      .exec()) as [[null, string[]], [null, (string | null)[]]];
    return this.sendEntries(residentId, entries.map(queued), { status: contact[0] ?? '', sendAfter: Number(contact[1] ?? 0) });
  }

  /**
   * Send `entries`, which are the outbox from its head, in order, until they are all sent, a send
   * must wait, or the resident cannot be reached. Each is removed from the outbox only once the
   * platform accepted it (or refused it for good). Returns the last message accepted (as stored) when
   * its removal is left to the caller's next call (letting go, or before claiming again); a crash
   * before that sends it again (at least once, never lost; the platforms take no idempotency key).
   */
  private async sendEntries(residentId: string, entries: readonly Queued[], contact: Contact): Promise<string[]> {
    const { redis, keys, clients, log } = this.deps;
    const k = keys.resident(residentId);
    if (contact.status === 'unreachable') {
      this.countAlertsIn(entries, 'unreachable');
      await redis.del(k.outbox);
      return [];
    }
    if (contact.sendAfter > this.clock()) return [];
    // Each message accepted is taken out of the outbox by a call not waited for: it goes out while
    // the next message is posted. They are waited for before anything that changes the outbox's head,
    // and at the end; the last message's goes with the caller's next call instead.
    const acks: Promise<number>[] = [];
    const acknowledge = async (): Promise<boolean> => {
      const removed = await Promise.all(acks.splice(0));
      return removed.every((n) => n === 1); // false: someone else is at this outbox (our lease lapsed), so stop and look again later
    };
    for (const [i, { raw, entry }] of entries.entries()) {
      const client = entry ? clients[entry.channel] : undefined;
      if (!entry || !client) {
        if (!(await acknowledge())) return [];
        log.error('outbox message cannot be sent (no such channel configured); dropped', { channel: entry?.channel });
        await redis.outboxAck(k.outbox, raw);
        continue;
      }
      if (entry.alertId && (await this.deps.alerts?.load(entry.alertId))?.cancelled) {
        if (!(await acknowledge())) return [];
        await redis.outboxAck(k.outbox, raw);
        this.countAlert(entry, 'skipped');
        continue;
      }
      const outcome = await client.send(entry.userId, entry.message, entry.proactive ? { proactive: true } : {}).catch(
        (err: unknown): SendOutcome => ({ type: 'retry', reason: `send threw ${errorFields(err).error}` }),
      );
      if (outcome.type !== 'sent' && !(await acknowledge())) return [];
      switch (outcome.type) {
        case 'sent': {
          this.countAlert(entry, 'sent');
          if (i === entries.length - 1) return (await acknowledge()) ? [raw] : [];
          const ack = redis.outboxSent(k.outbox, k.contact, raw);
          ack.catch(() => undefined); // its failure is met when it is waited for
          acks.push(ack);
          continue;
        }
        case 'failed':
          log.error('platform refused a message; dropped', { channel: entry.channel, reason: outcome.reason });
          await redis.outboxAck(k.outbox, raw);
          this.countAlert(entry, 'failed');
          continue;
        case 'unreachable': {
          log.info('resident unreachable; outbox cleared', { channel: entry.channel, reason: outcome.reason });
          const [[, left]] = (await noteContact(redis.multi().lrange(k.outbox, 0, -1), k.contact, {
            status: 'unreachable',
            statusReason: outcome.reason,
          })
            .del(k.outbox)
            .exec()) as [[null, string[]]];
          this.countAlertsIn(left.map(queued), 'unreachable');
          return [];
        }
        case 'retry': {
          const attempts = entry.attempts + 1;
          if (attempts >= this.maxAttempts) {
            log.error('message dropped after retries', { channel: entry.channel, attempts, reason: outcome.reason });
            await redis.outboxAck(k.outbox, raw);
            this.countAlert(entry, 'failed');
            continue;
          }
          const delay = outcome.afterMs ?? backoff(attempts);
          log.warn('send will be retried', { channel: entry.channel, attempts, delayMs: delay, reason: outcome.reason });
          await noteContact(redis.pipeline().lset(k.outbox, 0, JSON.stringify({ ...entry, attempts })), k.contact, {
            sendAfter: this.clock() + delay,
          }).exec();
          return [];
        }
      }
    }
    await acknowledge();
    return [];
  }
}

interface Contact {
  /** `unreachable` when the platform said so (blocked, unfollowed); '' otherwise. */
  status: string;
  /** Not before this time (ms): a backoff after a 429 or 5xx. */
  sendAfter: number;
}
