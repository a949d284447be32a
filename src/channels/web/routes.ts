/**
 * The web simulator channel: `POST /channels/web/messages` takes one resident message as JSON and
 * answers the bot's replies in the same response; `GET /channels/web/messages` hands the page what
 * the bot wrote first meanwhile (its mailbox, see client.ts). No signature: it is for trying the bot
 * out and for the simulator page; it reaches the same engine and state as every other channel.
 */
import express, { Router } from 'express';
import type { Conversation } from '../../conversation/conversation.js';
import type { Input } from '../../engine/types.js';
import { describeZodError, sendError } from '../../http/errors.js';
import type { Keys } from '../../store/keys.js';
import type { ScriptedRedis } from '../../store/redis.js';
import { MAILBOX_FIELD, MAILBOX_MAX } from './client.js';
import { previewReplies } from './preview.js';
import { toWebReply } from './render.js';
import { WEB_WINDOW_MS } from '../window.js';
import { WebMailboxQuery, WebMessageRequest, WebPreviewRequest, WebReply, type WebMessageResponse } from './schema.js';
import { safeJson } from '../../json.js';

export interface WebRoutesDeps {
  conversation: Conversation;
  redis: ScriptedRedis;
  keys: Keys;
  /** Public URL of an image path under flows/ (`media/x.png` → `/media/x.png`). */
  mediaUrl: (path: string) => string;
}

const BODY_LIMIT = '16kb';

export function webRoutes({ conversation, redis, keys, mediaUrl }: WebRoutesDeps): Router {
  const router = Router();
  const json = express.json({ limit: BODY_LIMIT });

  router.post('/channels/web/messages', json, async (req, res) => {
    const parsed = WebMessageRequest.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request', 'The message is not in the expected form.', describeZodError(parsed.error));
      return;
    }
    const { userId, text, payload, messageId, ref } = parsed.data;
    const input: Input =
      payload !== undefined ? { type: 'payload', payload } : text !== undefined ? { type: 'text', text } : { type: 'start', ...(ref ? { ref } : {}) };
    // The simulator has no configured address of its own: share links point where the page was opened.
    const publicUrl = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const residentId = `web:${userId}`;
    // When they last wrote decides whether alerts and review follow-ups may go to their mailbox
    // (channels/window.ts); past that window it says nothing, so the contact goes then.
    const outcome = await conversation.handle({ residentId, messageId, input, publicUrl }, { wroteKeepMs: WEB_WINDOW_MS });
    const replies = outcome.replies.map((r) => toWebReply(r, mediaUrl));
    res.json({ replies, ...(outcome.duplicate ? { duplicate: true } : {}), ...(outcome.forgotten ? { forgotten: true } : {}) } satisfies WebMessageResponse);
  });

  router.get('/channels/web/messages', async (req, res) => {
    const parsed = WebMailboxQuery.safeParse(req.query);
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request', 'Ask with userId and, after the first time, the cursor you were given.', describeZodError(parsed.error));
      return;
    }
    const { userId, after } = parsed.data;
    // The mailbox holds at most MAILBOX_MAX (trimmed exactly), so from the start is also the latest.
    const entries = await redis.xrange(keys.resident(`web:${userId}`).mailbox, after ? `(${after}` : '-', '+', 'COUNT', MAILBOX_MAX);
    // Only our own sender writes there; an entry that is not a reply is skipped, never shown or fatal.
    const replies = entries.flatMap(([, fields]) => {
      const reply = WebReply.safeParse(safeJson(fields[fields.indexOf(MAILBOX_FIELD) + 1]));
      return reply.success ? [reply.data] : [];
    });
    const cursor = entries.at(-1)?.[0];
    res.json({ replies, ...(cursor ? { cursor } : {}) });
  });

  router.post('/channels/web/preview', json, (req, res) => {
    const parsed = WebPreviewRequest.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, 400, 'invalid_request', 'The preview request is not in the expected form.', describeZodError(parsed.error));
      return;
    }
    res.json(previewReplies(parsed.data.replies));
  });

  return router;
}
