/**
 * Every Redis key the bot uses, built here from one prefix. Keys of one resident share the
 * `{residentId}` hash tag so they live in one Redis Cluster slot and one Lua script may touch them all.
 */
export interface ResidentKeys {
  /** Hash: `rev` (optimistic-concurrency counter) and `doc` (the ResidentState JSON). */
  state: string;
  /** Sorted set: message ids already handled, scored by when. */
  seen: string;
  /** Hash: message id → the replies it produced, so a redelivery gets the same answer. */
  replies: string;
}

export interface Keys {
  prefix: string;
  resident(residentId: string): ResidentKeys;
  /** Stream of analytics events (anonymous ids only). */
  events: string;
}

export function createKeys(prefix: string): Keys {
  return {
    prefix,
    resident(residentId) {
      const tag = `${prefix}r:{${residentId}}`;
      return { state: `${tag}:state`, seen: `${tag}:seen`, replies: `${tag}:replies` };
    },
    events: `${prefix}events`,
  };
}
