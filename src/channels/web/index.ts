/**
 * The web chat (the simulator page, also offered on lesson links): always on. Residents' messages
 * are answered within the request; what the bot writes first goes to their mailbox (client.ts).
 */
import type { Channel, ChannelDeps } from '../channel.js';
import { createWebClient } from './client.js';
import { webRoutes } from './routes.js';

export function webChannel(deps: ChannelDeps): Channel {
  const { conversation, redis, keys, mediaUrl } = deps;
  return { id: 'web', router: webRoutes({ conversation, redis, keys, mediaUrl }), client: createWebClient({ redis, keys, mediaUrl }) };
}
