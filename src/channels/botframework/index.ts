/**
 * Bot Framework (Azure Bot Service channels, the Bot Framework Emulator): `POST /api/messages`.
 *
 * Always on, because the Emulator needs no configuration. With MICROSOFT_APP_ID set, every request must
 * carry a valid Bot Connector (or Emulator) token for that app id; without it authentication is off:
 * anyone who can reach the endpoint can chat, as on the web simulator, and replies go only to a
 * serviceUrl on this machine. Start-up says which it is in one line.
 *
 * Only this folder depends on the Bot Framework SDK, and within it only `sdk.ts`.
 */
import type { Channel, ChannelDeps } from '../channel.js';
import { botFrameworkRoutes } from './routes.js';
import { BotFrameworkConfigError, createBotFrameworkSdk, type BotFrameworkSdk } from './sdk.js';

export { MESSAGES_PATH } from './routes.js';

export function botFrameworkChannel(deps: ChannelDeps): Channel | undefined {
  const { config, log } = deps;
  let sdk: BotFrameworkSdk;
  try {
    sdk = createBotFrameworkSdk(config);
  } catch (err) {
    if (!(err instanceof BotFrameworkConfigError)) throw err;
    // A half-configured bot must not silently run without authentication: leave the channel off.
    log.error(`Bot Framework channel off: ${err.message}`);
    return undefined;
  }
  if (sdk.authEnabled) {
    log.info('Bot Framework auth is on: /api/messages accepts only requests signed for MICROSOFT_APP_ID', { appType: config.MICROSOFT_APP_TYPE });
  } else {
    if (config.MICROSOFT_APP_PASSWORD) log.warn('MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is not: Bot Framework auth stays off');
    log.info('Bot Framework auth is off (no MICROSOFT_APP_ID): anyone who can reach /api/messages can chat, and replies go only to a local serviceUrl (the Bot Framework Emulator)');
  }
  const router = botFrameworkRoutes({ sdk, conversation: deps.conversation, log, mediaUrl: deps.mediaUrl, clock: deps.clock });
  const auth = sdk.authEnabled ? 'on' : 'off';
  return { id: 'botframework', router, readiness: async () => ({ ok: true, details: { auth } }) };
}
