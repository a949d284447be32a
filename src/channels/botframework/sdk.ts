/**
 * The one file that imports the Bot Framework SDK (botbuilder, archived; shared/platforms.md §3).
 * Everything else in the channel speaks our own types (`types.ts`), so moving to the Microsoft 365
 * Agents SDK (`@microsoft/agents-hosting`: the same CloudAdapter / authenticate / turn shape) means
 * rewriting this file only. A test fails if anything else under src/ imports botbuilder or botframework-*.
 *
 * - `authenticate`: the SDK's inbound check (JWT from the Bot Connector or the Emulator, audience = our
 *   app id, serviceUrl claim = the activity's). Without an app id authentication is off and every
 *   request gets an anonymous identity, as the SDK does for the Emulator.
 * - `runTurn`: a CloudAdapter turn; `send` posts one activity to the connector at the activity's
 *   serviceUrl as a reply (`POST /v3/conversations/{id}/activities/{replyToId}`), with the bot's
 *   credentials when there is an app id. The connector client retries 5xx and 429 itself (three
 *   times, about 0.5–7 s in all) before `send` rejects.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../../config.js';
import type { BotFrameworkActivity, BotFrameworkMessage } from './types.js';

/** The SDK's verdict on a request, opaque to everyone else. */
export type Authenticated = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

export type AuthOutcome =
  | { type: 'ok'; auth: Authenticated }
  /** Missing, malformed, forged, expired or someone else's token: 401. */
  | { type: 'refused'; reason: string }
  /** The token could not be checked (Microsoft's signing keys unreachable): 503, a retry may pass. */
  | { type: 'unavailable'; reason: string };

/** Sends one activity into the conversation the turn belongs to; rejects when the connector refused it (see `describeSendError`). */
export type Send = (message: BotFrameworkMessage) => Promise<void>;

export interface BotFrameworkSdk {
  readonly authEnabled: boolean;
  /** `activity` is the request body, not yet validated: authentication comes first and reads only what it needs. */
  authenticate(activity: Readonly<Record<string, unknown>>, authorization: string): Promise<AuthOutcome>;
  /** Run `logic` as a turn for this activity. What `logic` throws is rethrown as is. */
  runTurn(auth: Authenticated, activity: BotFrameworkActivity, logic: (send: Send) => Promise<void>): Promise<void>;
}

export class BotFrameworkConfigError extends Error {
  override name = 'BotFrameworkConfigError';
}

/**
 * @throws BotFrameworkConfigError naming the variable to fix (e.g. an app id without a password).
 * @example
 * const sdk = createBotFrameworkSdk(config);
 * const verdict = await sdk.authenticate(activity, req.get('authorization') ?? '');
 */
export function createBotFrameworkSdk(config: Config): BotFrameworkSdk {
  const appId = config.MICROSOFT_APP_ID?.trim() ?? '';
  const password = config.MICROSOFT_APP_PASSWORD?.trim() ?? '';
  const tenant = config.MICROSOFT_APP_TENANT_ID?.trim() ?? '';
  const type = config.MICROSOFT_APP_TYPE;
  if (appId) {
    if (type !== 'UserAssignedMSI' && !password) {
      throw new BotFrameworkConfigError('MICROSOFT_APP_PASSWORD must be set when MICROSOFT_APP_ID is (the client secret of the bot\'s app registration)');
    }
    if (type !== 'MultiTenant' && !tenant) {
      throw new BotFrameworkConfigError(`MICROSOFT_APP_TENANT_ID must be set when MICROSOFT_APP_TYPE is ${type}`);
    }
    if (type === 'UserAssignedMSI' && password) {
      throw new BotFrameworkConfigError('MICROSOFT_APP_PASSWORD must be empty when MICROSOFT_APP_TYPE is UserAssignedMSI');
    }
  }
  // The SDK reads only the object it is given, never process.env (shared/platforms.md §3.2).
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: appId,
    MicrosoftAppPassword: password,
    MicrosoftAppType: type,
    MicrosoftAppTenantId: tenant,
  };
  let auth: ConfigurationBotFrameworkAuthentication;
  try {
    auth = new ConfigurationBotFrameworkAuthentication(options);
  } catch (err) {
    throw new BotFrameworkConfigError(`the MICROSOFT_APP_* settings were refused by the Bot Framework SDK (${err instanceof Error ? err.name : 'error'})`);
  }
  const adapter = new CloudAdapter(auth);

  return {
    authEnabled: appId !== '',

    async authenticate(activity, authorization) {
      try {
        return { type: 'ok', auth: await auth.authenticateRequest(toSdkActivity(activity), authorization) };
      } catch (err) {
        // AuthenticationError carries the HTTP status the SDK meant; jsonwebtoken's errors (bad signature,
        // expired) carry none and are refusals. A 5xx means Microsoft's signing keys could not be fetched.
        const status = field(err, 'statusCode');
        const name = err instanceof Error ? err.name : typeof err;
        if (typeof status === 'number' && status >= 500) return { type: 'unavailable', reason: name };
        if (typeof status === 'number' || /Token|JsonWebToken|Authentication/.test(name)) return { type: 'refused', reason: name };
        return { type: 'unavailable', reason: name };
      }
    },

    async runTurn(authenticated, activity, logic) {
      // The adapter wraps errors thrown in a turn into a plain Error; keep ours as they were thrown so the
      // caller can tell "Redis is down" (a retry may help) from a bug.
      let thrown: { error: unknown } | undefined;
      const recipient = activity.from?.id;
      await adapter.processActivityDirect(authenticated, toSdkActivity(activity), async (context: TurnContext) => {
        try {
          await logic(async (message) => {
            await context.sendActivity(toSdkMessage(message, recipient));
          });
        } catch (error) {
          thrown = { error };
        }
      });
      if (thrown) throw thrown.error;
    },
  };
}

/** HTTP status and error code of a failed `send`, never its message (which quotes URLs and ids). */
export function describeSendError(err: unknown): { error: string; status?: number; code?: string } {
  const status = field(err, 'statusCode');
  const code = field(err, 'code');
  return {
    error: err instanceof Error ? err.name : typeof err,
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof code === 'string' ? { code: code.slice(0, 64) } : {}),
  };
}

function field(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;
}

/**
 * The wire JSON the connector sent, which is what the SDK's Activity describes. For turns it has been
 * validated (`BotFrameworkActivity`, loose: every field it had is still there); for authentication the
 * SDK reads only `channelId`, `serviceUrl` and `recipient.role`, and copes with them missing.
 */
function toSdkActivity(activity: Readonly<Record<string, unknown>>): Activity {
  return activity as unknown as Activity;
}

function toSdkMessage(message: BotFrameworkMessage, recipient: string | undefined): Partial<Activity> {
  const { suggestedActions, ...rest } = message;
  return {
    ...rest,
    // `to`: who sees the buttons; in a group chat only the resident they were meant for.
    ...(suggestedActions ? { suggestedActions: { to: recipient ? [recipient] : [], actions: suggestedActions.actions } } : {}),
  };
}
