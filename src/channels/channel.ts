/**
 * The small interface every platform channel implements for sending. The core never asks which
 * channel it is talking to: it renders through `render` and sends through `send`.
 */
import type { Router } from 'express';
import type { Config } from '../config.js';
import type { Conversation } from '../conversation/conversation.js';
import type { Intake } from '../conversation/intake.js';
import type { Reply } from '../engine/types.js';
import type { Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import type { ChannelId } from './activity.js';

export type SendOutcome =
  | { type: 'sent' }
  /** Try again later (429, 5xx, a rate-limit code, a network error); `afterMs` from Retry-After when given. */
  | { type: 'retry'; reason: string; afterMs?: number }
  /** The resident cannot be reached (blocked the page, unfollowed the OA, outside any window): don't retry. */
  | { type: 'unreachable'; reason: string }
  /** The message itself was refused (a bug on our side): drop it, log it, go on. */
  | { type: 'failed'; reason: string };

/** One platform message, already within the platform's limits, as JSON. */
export type PlatformMessage = Record<string, unknown>;

export interface SendOptions {
  /** Not an answer to something the resident just did (an alert, a review follow-up). */
  proactive?: boolean;
}

export interface ChannelClient {
  channel: ChannelId;
  /** Cut a channel-neutral reply into the platform's messages (pure). */
  render(reply: Reply): PlatformMessage[];
  /** Send one message to one resident. Never throws for platform answers: it classifies them. */
  send(userId: string, message: PlatformMessage, options?: SendOptions): Promise<SendOutcome>;
}

/** What a channel gets from the app. */
export interface ChannelDeps {
  config: Config;
  /** Durable intake for webhook events (answer 200 only after `accept` resolved). */
  intake: Intake;
  /** The engine shell, for channels that answer within the request (Bot Framework). */
  conversation: Conversation;
  redis: ScriptedRedis;
  keys: Keys;
  log: Logger;
  /** Absolute public URL of a lesson picture (`media/x.png`); platforms fetch images themselves. */
  mediaUrl: (path: string) => string;
  /** Absolute path of the folder served as `media/` (its files decide when saved pictures are stale). */
  mediaDir: string;
  clock: () => number;
}

/** A mounted channel: its webhook routes, its sender, and what it adds to `/readyz`. */
export interface Channel {
  id: ChannelId;
  router: Router;
  client?: ChannelClient;
  /** Readiness details (e.g. Zalo token expiry); `ok: false` makes /readyz answer 503. */
  readiness?: () => Promise<{ ok: boolean; details: Record<string, string | number> }>;
  /** Timers to stop on shutdown. */
  close?: () => Promise<void>;
}
