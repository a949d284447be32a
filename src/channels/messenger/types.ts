/**
 * The Send API `message` objects we produce (shared/platforms.md §2.5, §2.7), as zod schemas so a
 * test or the sender can check a rendered message against Messenger's limits before sending.
 */
import { z } from 'zod';

export const MESSENGER_LIMITS = {
  /** Text message, characters. */
  text: 2000,
  quickReplies: 13,
  quickReplyTitle: 20,
  payload: 1000,
  /** Button template text, characters. */
  buttonText: 640,
  buttons: 3,
  buttonTitle: 20,
} as const;

const Payload = z.string().min(1).max(MESSENGER_LIMITS.payload);

export const MessengerQuickReply = z
  .object({
    content_type: z.literal('text'),
    title: z.string().min(1).max(MESSENGER_LIMITS.quickReplyTitle),
    payload: Payload,
  })
  .strict();
export type MessengerQuickReply = z.infer<typeof MessengerQuickReply>;

const QuickReplies = z.array(MessengerQuickReply).min(1).max(MESSENGER_LIMITS.quickReplies);

export const MessengerTextMessage = z
  .object({
    text: z.string().min(1).max(MESSENGER_LIMITS.text),
    quick_replies: QuickReplies.optional(),
  })
  .strict();
export type MessengerTextMessage = z.infer<typeof MessengerTextMessage>;

export const MessengerImageMessage = z
  .object({
    attachment: z
      .object({
        type: z.literal('image'),
        payload: z.object({ url: z.string().min(1), is_reusable: z.literal(true) }).strict(),
      })
      .strict(),
    quick_replies: QuickReplies.optional(),
  })
  .strict();
export type MessengerImageMessage = z.infer<typeof MessengerImageMessage>;

export const MessengerPostbackButton = z
  .object({
    type: z.literal('postback'),
    title: z.string().min(1).max(MESSENGER_LIMITS.buttonTitle),
    payload: Payload,
  })
  .strict();
export type MessengerPostbackButton = z.infer<typeof MessengerPostbackButton>;

export const MessengerButtonTemplateMessage = z
  .object({
    attachment: z
      .object({
        type: z.literal('template'),
        payload: z
          .object({
            template_type: z.literal('button'),
            text: z.string().min(1).max(MESSENGER_LIMITS.buttonText),
            buttons: z.array(MessengerPostbackButton).min(1).max(MESSENGER_LIMITS.buttons),
          })
          .strict(),
      })
      .strict(),
  })
  .strict();
export type MessengerButtonTemplateMessage = z.infer<typeof MessengerButtonTemplateMessage>;

export const MessengerMessage = z.union([MessengerTextMessage, MessengerImageMessage, MessengerButtonTemplateMessage]);
export type MessengerMessage = z.infer<typeof MessengerMessage>;
