/** The platform channels, each on when its configuration is present; the web chat, always on (last: the webhooks are most of the traffic). */
import type { Channel, ChannelDeps } from './channel.js';
import { botFrameworkChannel } from './botframework/index.js';
import { messengerChannel } from './messenger/index.js';
import { webChannel } from './web/index.js';
import { zaloChannel } from './zalo/index.js';

export function createChannels(deps: ChannelDeps): Channel[] {
  return [messengerChannel(deps), zaloChannel(deps), botFrameworkChannel(deps), webChannel(deps)].filter((c): c is Channel => c !== undefined);
}
