/**
 * The web simulator channel: `POST /channels/web/messages` takes one resident message as JSON and
 * answers the bot's replies in the same response. No signature: it is for trying the bot out and
 * for the simulator page; it reaches the same engine and state as every other channel.
 */
import express, { Router } from 'express';
import type { Conversation } from '../../conversation/conversation.js';
import type { Input, Reply } from '../../engine/types.js';
import { describeZodError, sendError } from '../../http/errors.js';
import { previewReplies } from './preview.js';
import { WebMessageRequest, WebPreviewRequest, type WebReply } from './schema.js';

export interface WebChannelDeps {
  conversation: Conversation;
  /** Public URL of an image path under flows/ (`media/x.png` → `/media/x.png`). */
  mediaUrl: (path: string) => string;
}

const BODY_LIMIT = '16kb';

export function webChannel({ conversation, mediaUrl }: WebChannelDeps): Router {
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
    const outcome = await conversation.handle({ residentId: `web:${userId}`, messageId, input, publicUrl });
    res.json({ replies: outcome.replies.map((r) => toWebReply(r, mediaUrl)), ...(outcome.duplicate ? { duplicate: true } : {}) });
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

export function toWebReply(reply: Reply, mediaUrl: (path: string) => string): WebReply {
  return {
    text: reply.text,
    ...(reply.image ? { imageUrl: mediaUrl(reply.image) } : {}),
    ...(reply.choices?.length ? { choices: reply.choices } : {}),
    ...(reply.link ? { link: reply.link } : {}),
  };
}
