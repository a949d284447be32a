/**
 * The parts of a Bot Framework activity we read (shared/platforms.md §3.4), as our own zod schema, and
 * the outgoing message shape we write. Ours rather than botbuilder's types, so that only `sdk.ts`
 * depends on the (archived) Bot Framework SDK and a move to the Microsoft 365 Agents SDK stays there.
 *
 * The inbound schema is loose: channels add fields (`channelData`, `entities`, `localTimestamp`…) that
 * are passed on to the SDK untouched; only what we rely on must have the expected shape.
 */
import { z } from 'zod';

const Account = z
  .object({
    id: z.string().min(1).max(1024),
    name: z.string().max(1024).optional(),
    role: z.string().max(64).optional(),
  })
  .loose();

export const BotFrameworkActivity = z
  .object({
    type: z.string().min(1).max(64),
    /** Absent on some conversationUpdates; always present on messages from the Bot Connector and the Emulator. */
    id: z.string().min(1).max(1024).optional(),
    /** ISO 8601, UTC. */
    timestamp: z.string().max(64).optional(),
    /** `emulator`, `webchat`, `directline`, `msteams`, `telegram`, … */
    channelId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a channel id like "emulator" or "msteams"'),
    /** Where replies go: `POST {serviceUrl}/v3/conversations/{conversation.id}/activities/{id}`. */
    serviceUrl: z.string().max(2048).regex(/^https?:\/\/[^\s/?#]+(\/\S*)?$/, 'must be an http(s) URL'),
    from: Account.optional(),
    recipient: Account.optional(),
    conversation: z.object({ id: z.string().min(1).max(1024), isGroup: z.boolean().optional() }).loose(),
    text: z.string().max(100_000).optional(),
    /** A postBack with an object value, a messageBack or an Adaptive Card submit: `{ payload: "…" }` from our buttons. */
    value: z.unknown().optional(),
    channelData: z.unknown().optional(),
    membersAdded: z.array(Account).max(1000).optional(),
  })
  .loose();
export type BotFrameworkActivity = z.infer<typeof BotFrameworkActivity>;

/** A suggested action (a button under the message; Web Chat and the Emulator show it until the next message). */
export interface BotFrameworkCardAction {
  type: 'postBack' | 'imBack';
  title: string;
  value: string;
}

export interface BotFrameworkAttachment {
  contentType: 'image/png' | 'image/jpeg';
  contentUrl: string;
  name?: string;
}

/** One outgoing message activity; the SDK fills in the conversation, from/recipient and `replyToId`. */
export interface BotFrameworkMessage {
  type: 'message';
  text?: string;
  textFormat?: 'plain';
  attachments?: BotFrameworkAttachment[];
  suggestedActions?: { actions: BotFrameworkCardAction[] };
}

/**
 * Longest text part we send. The Bot Framework itself allows large activities, but channels behind it
 * do not (Facebook 2,000 characters, Telegram 4,096, Twilio SMS 1,600 per segment); 2,000 is what the
 * other channels use, so a long lesson text is cut at the same places everywhere.
 */
export const BOT_FRAMEWORK_TEXT_LIMIT = 2000;
