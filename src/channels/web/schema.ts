/**
 * The web channel's JSON: what the simulator page (or any client) posts to
 * `POST /channels/web/messages` and `POST /channels/web/preview`, what it asks
 * `GET /channels/web/messages` for, and what it gets back.
 */
import { z } from 'zod';

export const WebChoice = z.object({ payload: z.string().min(1).max(1000), label: z.string().min(1).max(1000) }).strict();
export type WebChoice = z.infer<typeof WebChoice>;

/** One bot reply as the web channel answers it; `imageUrl` is already a URL (`/media/x.png`). */
export const WebReply = z
  .object({
    text: z.string().max(20_000),
    imageUrl: z.string().min(1).max(2000).optional(),
    choices: z.array(WebChoice).max(50).optional(),
    link: z.object({ url: z.string().url().max(2000), label: z.string().min(1).max(200) }).strict().optional(),
  })
  .strict();
export type WebReply = z.infer<typeof WebReply>;

const WebUserId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'only letters, digits and _ . : - are allowed');

/**
 * One resident message. Neither `text` nor `payload` means "start" (welcome and menu); `payload`
 * wins over `text` when both are given. `messageId` makes a resend idempotent.
 */
export const WebMessageRequest = z
  .object({
    userId: WebUserId,
    text: z.string().max(4000).optional(),
    payload: z.string().max(1000).optional(),
    /** With neither text nor payload: the lesson-link code the page was opened with (`/?code=HS7K3P9Q`). */
    ref: z.string().max(200).optional(),
    messageId: z.string().max(128).optional(),
  })
  .strict();
export type WebMessageRequest = z.infer<typeof WebMessageRequest>;

export const WebMessageResponse = z
  .object({
    replies: z.array(WebReply),
    duplicate: z.literal(true).optional(),
    forgotten: z.literal(true).optional().describe('This message deleted everything about the resident: a page forgets the chat too.'),
  })
  .strict();
export type WebMessageResponse = z.infer<typeof WebMessageResponse>;

/** `POST /channels/web/preview`: the bot replies to draw as Zalo and Messenger would. */
export const WebPreviewRequest = z.object({ replies: z.array(WebReply).min(1).max(20) }).strict();
export type WebPreviewRequest = z.infer<typeof WebPreviewRequest>;

/** `GET /channels/web/messages`: what the bot wrote first to this resident, after the cursor the page holds. */
export const WebMailboxQuery = z
  .object({
    userId: WebUserId,
    after: z.string().regex(/^\d{1,20}-\d{1,20}$/, 'a cursor from an earlier answer').optional(),
  })
  .strict();
export type WebMailboxQuery = z.infer<typeof WebMailboxQuery>;

export const WebMailboxResponse = z
  .object({
    replies: z.array(WebReply).describe('Oldest first; at most 50 a time.'),
    cursor: z.string().optional().describe('Pass as `after` next time; absent when there was nothing new.'),
  })
  .strict();
export type WebMailboxResponse = z.infer<typeof WebMailboxResponse>;
