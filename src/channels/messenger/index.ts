/**
 * Facebook Messenger: on when MESSENGER_APP_SECRET (webhook signatures) and
 * MESSENGER_PAGE_ACCESS_TOKEN (Send API) are set. MESSENGER_VERIFY_TOKEN is only needed for the App
 * Dashboard's verification handshake; without it that GET answers 403.
 */
import type { Channel, ChannelDeps } from '../channel.js';
import { createMessengerClient } from './client.js';
import { messengerRoutes } from './routes.js';
import { picturesGeneration, SavedPictures } from './saved-pictures.js';

export { GET_STARTED } from './webhook.js';

export function messengerChannel(deps: ChannelDeps): Channel | undefined {
  const { MESSENGER_APP_SECRET: appSecret, MESSENGER_PAGE_ACCESS_TOKEN: pageAccessToken, MESSENGER_VERIFY_TOKEN: verifyToken } =
    deps.config;
  if (!appSecret || !pageAccessToken) return undefined;
  if (!verifyToken) {
    deps.log.warn('MESSENGER_VERIFY_TOKEN is not set: the webhook verification handshake will answer 403');
  }
  const savedPictures = new SavedPictures({
    redis: deps.redis,
    key: deps.keys.messengerPictures(picturesGeneration(deps.mediaDir)),
    log: deps.log,
    clock: deps.clock,
  });
  savedPictures.start();
  const client = createMessengerClient({
    graphUrl: deps.config.MESSENGER_GRAPH_URL,
    pageAccessToken,
    log: deps.log,
    mediaUrl: deps.mediaUrl,
    savedPictures,
    clock: deps.clock,
  });
  const router = messengerRoutes({ appSecret, verifyToken, intake: deps.intake, log: deps.log });
  return { id: 'messenger', router, client, close: async () => savedPictures.stop() };
}
