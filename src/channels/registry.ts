/** The platform channels, each on when its configuration is present. The web simulator is always on. */
import type { Channel, ChannelDeps } from './channel.js';
import { botFrameworkChannel } from './botframework/index.js';
import { messengerChannel } from './messenger/index.js';
import { zaloChannel } from './zalo/index.js';

export function createChannels(deps: ChannelDeps): Channel[] {
  return [messengerChannel(deps), zaloChannel(deps), botFrameworkChannel(deps)].filter((c): c is Channel => c !== undefined);
}
