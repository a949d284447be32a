/** Placeholder: the zalo channel is being built. Returns undefined (channel off). */
import type { Channel, ChannelDeps } from '../channel.js';

export function zaloChannel(_deps: ChannelDeps): Channel | undefined {
  return undefined;
}
