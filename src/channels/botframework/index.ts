/** Placeholder: the botframework channel is being built. Returns undefined (channel off). */
import type { Channel, ChannelDeps } from '../channel.js';

export function botFrameworkChannel(_deps: ChannelDeps): Channel | undefined {
  return undefined;
}
