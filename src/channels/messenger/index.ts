/** Placeholder: the messenger channel is being built. Returns undefined (channel off). */
import type { Channel, ChannelDeps } from '../channel.js';

export function messengerChannel(_deps: ChannelDeps): Channel | undefined {
  return undefined;
}
