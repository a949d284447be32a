/**
 * The `message` objects we send to Zalo's `POST /v3.0/oa/message/cs` (shared/platforms.md §1.6),
 * as zod schemas so a test or the sender can check a rendered message before sending.
 */
import { z } from 'zod';

export const ZALO_LIMITS = {
  /** Text, characters; longer text is rejected (-210), not truncated. */
  text: 2000,
  buttons: 5,
  /**
   * Button title. Limits seen in the wild are 20 and 100 characters (UNCONFIRMED, platforms.md §1.6):
   * we keep to 20 so both readings hold, and because buttons are drawn full-width in one line on a
   * phone, where a longer title is cut by the app anyway.
   */
  buttonTitle: 20,
  /**
   * Our own choice, not a Zalo limit: text longer than this goes in its own message rather than
   * under the picture, where a long caption is hard to read on a small screen.
   */
  imageCaption: 300,
  /** Not documented for `oa.query.*`; our payloads are short (Zalo sends them back as text). */
  payload: 1000,
} as const;

export const ZaloImageAttachment = z
  .object({
    type: z.literal('template'),
    payload: z
      .object({
        template_type: z.literal('media'),
        elements: z
          .array(z.object({ media_type: z.literal('image'), url: z.string().min(1) }).strict())
          .length(1),
      })
      .strict(),
  })
  .strict();

export const ZaloButton = z
  .object({
    title: z.string().min(1).max(ZALO_LIMITS.buttonTitle),
    /** `oa.query.hide`: the payload comes back as the resident's text, without showing it in the chat. */
    type: z.literal('oa.query.hide'),
    payload: z.string().min(1).max(ZALO_LIMITS.payload),
  })
  .strict();
export type ZaloButton = z.infer<typeof ZaloButton>;

/**
 * Buttons template. Some community schemas add `template_type: "button"`; whether Zalo requires
 * it is UNCONFIRMED (platforms.md §1.6), so we send the documented minimal shape.
 */
export const ZaloButtonsAttachment = z
  .object({
    type: z.literal('template'),
    payload: z.object({ buttons: z.array(ZaloButton).min(1).max(ZALO_LIMITS.buttons) }).strict(),
  })
  .strict();

export const ZaloTextMessage = z.object({ text: z.string().min(1).max(ZALO_LIMITS.text) }).strict();
export type ZaloTextMessage = z.infer<typeof ZaloTextMessage>;

export const ZaloImageMessage = z
  .object({ text: z.string().min(1).max(ZALO_LIMITS.imageCaption).optional(), attachment: ZaloImageAttachment })
  .strict();
export type ZaloImageMessage = z.infer<typeof ZaloImageMessage>;

export const ZaloButtonsMessage = z
  .object({ text: z.string().min(1).max(ZALO_LIMITS.text), attachment: ZaloButtonsAttachment })
  .strict();
export type ZaloButtonsMessage = z.infer<typeof ZaloButtonsMessage>;

export const ZaloMessage = z.union([ZaloTextMessage, ZaloImageMessage, ZaloButtonsMessage]);
export type ZaloMessage = z.infer<typeof ZaloMessage>;
