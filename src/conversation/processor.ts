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
import type { AlertSource } from '../broadcast/contract.js';
import type { ChannelClient, PlatformMessage, SendOutcome } from '../channels/channel.js';
import type { Reply } from '../engine/types.js';
import { errorFields, type Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import type { Conversation } from './conversation.js';
import { enqueueOwnEvent } from './intake.js';

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
}

interface OutboxEntry {
  id: string;
  channel: ChannelId;
  userId: string;
  message: PlatformMessage;
  attempts: number;
  /** Set for an official's alert: not sent once it is cancelled; its delivery is counted on its last message. */
  alertId?: string;
  /** We wrote first (an alert, a review follow-up), not an answer to the resident. */
  proactive?: boolean;
  countsAlert?: boolean;
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 5 * 60_000;

export class Processor {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly clock: () => number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly deps: ProcessorDeps) {
    this.clock = deps.clock ?? Date.now;
    this.leaseMs = deps.leaseMs ?? 30_000;
    this.maxAttempts = deps.maxAttempts ?? 8;
  }

  /** Handle this resident now if no one else is; never throws. */
  kick(residentId: string): void {
    if (this.stopped) return;
    if (this.running.has(residentId)) {
      this.again.add(residentId);
      return;
    }
    const run = this.run(residentId)
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

  /** Resolves when nothing is in progress in this process. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
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

  private async run(residentId: string): Promise<void> {
    const { redis, keys } = this.deps;
    const k = keys.resident(residentId);
    const token = randomUUID();
    if ((await redis.set(k.lease, token, 'PX', this.leaseMs, 'NX')) !== 'OK') return; // another process has them
    try {
      for (;;) {
        while (await this.handleNextInbound(residentId)) {
          await this.sendOutbox(residentId);
          if ((await redis.renewLease(k.lease, token, this.leaseMs)) !== 1) return;
        }
        await this.sendOutbox(residentId);
        // Leave the due set first, then look again: an event taken in meanwhile is either seen here or re-marks us due.
        await redis.zrem(keys.due, residentId);
        const [[, inbox], [, outbox], [, sendAfter]] = (await redis
          .pipeline()
          .zcard(k.inbox)
          .llen(k.outbox)
          .hget(k.contact, 'sendAfter')
          .exec()) as [[null, number], [null, number], [null, string | null]];
        if (inbox > 0) continue;
        if (outbox > 0) await redis.zadd(keys.due, Math.max(Number(sendAfter ?? 0), this.clock()), residentId);
        return;
      }
    } finally {
      await redis.releaseLease(k.lease, token).catch(() => undefined);
    }
  }

  /** Run the turn for the oldest event in the inbox; false when the inbox is empty. */
  private async handleNextInbound(residentId: string): Promise<boolean> {
    const { redis, keys, conversation, clients, log } = this.deps;
    const k = keys.resident(residentId);
    const [eventId] = await redis.zrange(k.inbox, 0, 0);
    if (!eventId) return false;
    const raw = await redis.hget(k.inboxData, eventId);
    const parsed = InboundActivity.safeParse(raw ? safeJson(raw) : undefined);
    const input = parsed.success ? toInput(parsed.data) : undefined;
    if (!parsed.success || !input) {
      // Nothing the engine can answer: take it out so it cannot block the inbox.
      if (!parsed.success) log.warn('inbox event unreadable; dropped', { channel: residentId.split(':')[0] });
      await redis.pipeline().zrem(k.inbox, eventId).hdel(k.inboxData, eventId).exec();
      return true;
    }
    const activity = parsed.data;
    const client = clients[activity.channelId];
    const alertId = activity.name === 'alert' ? activity.ref : undefined;
    const proactive = activity.name === 'alert' || activity.name === 'review';
    const outcome = await conversation.handle(
      {
        residentId: residentIdOf(activity),
        messageId: activity.id,
        input,
        ...(activity.from.name ? { displayName: activity.from.name } : {}),
      },
      { outbox: (replies) => (client ? this.toOutbox(client, activity.from.id, replies, alertId, proactive) : []) },
    );
    // An alert that says nothing (cancelled, alerts turned off) is counted as skipped.
    if (alertId && !outcome.duplicate && outcome.replies.length === 0) await redis.hincrby(keys.alertStats(alertId), 'skipped', 1);
    return true;
  }

  private toOutbox(client: ChannelClient, userId: string, replies: Reply[], alertId?: string, proactive = false): string[] {
    return replies
      .flatMap((r) => client.render(r))
      .map((message, i, all) =>
        JSON.stringify({
          id: randomUUID(), channel: client.channel, userId, message, attempts: 0,
          ...(proactive ? { proactive } : {}),
          // One alert is several platform messages (picture, text): count it once, on its last message.
          ...(alertId ? { alertId, ...(i === all.length - 1 ? { countsAlert: true } : {}) } : {}),
        } satisfies OutboxEntry),
      );
  }

  /** Alerts in an outbox about to be dropped (the resident became unreachable). */
  private async countAlertsIn(outboxKey: string, counter: 'unreachable'): Promise<void> {
    const entries = await this.deps.redis.lrange(outboxKey, 0, -1);
    for (const raw of entries) {
      const entry = safeJson(raw) as OutboxEntry | undefined;
      if (entry) await this.countAlert(entry, counter);
    }
  }

  /** Count an alert's delivery outcome (on its last message, or on whatever ends its outbox). */
  private async countAlert(entry: OutboxEntry, counter: 'sent' | 'failed' | 'unreachable'): Promise<void> {
    if (entry.alertId && entry.countsAlert) await this.deps.redis.hincrby(this.deps.keys.alertStats(entry.alertId), counter, 1);
  }

  /** Send the outbox in order until it is empty, a send must wait, or the resident cannot be reached. */
  private async sendOutbox(residentId: string): Promise<void> {
    const { redis, keys, clients, log } = this.deps;
    const k = keys.resident(residentId);
    const contact = await redis.hmget(k.contact, 'status', 'sendAfter');
    if (contact[0] === 'unreachable') {
      await this.countAlertsIn(k.outbox, 'unreachable');
      await redis.del(k.outbox);
      return;
    }
    if (Number(contact[1] ?? 0) > this.clock()) return;
    for (;;) {
      const raw = await redis.lindex(k.outbox, 0);
      if (!raw) return;
      const entry = safeJson(raw) as OutboxEntry | undefined;
      const client = entry ? clients[entry.channel] : undefined;
      if (!entry || !client) {
        log.error('outbox message cannot be sent (no such channel configured); dropped', { channel: entry?.channel });
        await redis.outboxAck(k.outbox, raw);
        continue;
      }
      if (entry.alertId && (await this.deps.alerts?.load(entry.alertId))?.cancelled) {
        await redis.outboxAck(k.outbox, raw);
        if (entry.countsAlert) await redis.hincrby(keys.alertStats(entry.alertId), 'skipped', 1);
        continue;
      }
      const outcome = await client.send(entry.userId, entry.message, entry.proactive ? { proactive: true } : {}).catch(
        (err: unknown): SendOutcome => ({ type: 'retry', reason: `send threw ${errorFields(err).error}` }),
      );
      switch (outcome.type) {
        case 'sent':
          await redis.outboxAck(k.outbox, raw);
          await this.countAlert(entry, 'sent');
          await redis.hdel(k.contact, 'sendAfter'); // one round trip; a missing field is fine
          continue;
        case 'failed':
          log.error('platform refused a message; dropped', { channel: entry.channel, reason: outcome.reason });
          await redis.outboxAck(k.outbox, raw);
          await this.countAlert(entry, 'failed');
          continue;
        case 'unreachable':
          log.info('resident unreachable; outbox cleared', { channel: entry.channel, reason: outcome.reason });
          await this.countAlertsIn(k.outbox, 'unreachable');
          await redis
            .pipeline()
            .hset(k.contact, 'status', 'unreachable', 'statusReason', outcome.reason)
            .del(k.outbox)
            .exec();
          return;
        case 'retry': {
          const attempts = entry.attempts + 1;
          if (attempts >= this.maxAttempts) {
            log.error('message dropped after retries', { channel: entry.channel, attempts, reason: outcome.reason });
            await redis.outboxAck(k.outbox, raw);
            await this.countAlert(entry, 'failed');
            continue;
          }
          const delay = outcome.afterMs ?? backoff(attempts);
          log.warn('send will be retried', { channel: entry.channel, attempts, delayMs: delay, reason: outcome.reason });
          await redis
            .pipeline()
            .lset(k.outbox, 0, JSON.stringify({ ...entry, attempts }))
            .hset(k.contact, 'sendAfter', this.clock() + delay)
            .exec();
          return;
        }
      }
    }
  }
}

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s … up to 5 min, each randomised. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
