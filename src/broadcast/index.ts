/**
 * The broadcast, assembled: the alert store, the lifecycle service the API calls, the AlertSource the
 * conversation and processor read, the queues, and (when started) this process's workers.
 *
 * @example
 * const broadcast = createBroadcast({ config, redis, keys, areas, flows, log, clock, kick: (rid) => processor.kick(rid) });
 * if (config.BROADCAST_WORKERS === 'in-process') broadcast.startWorkers();
 * …
 * await broadcast.close();
 */
import type { AreaList } from '../accounts/areas.js';
import type { Config } from '../config.js';
import type { FlowSet } from '../engine/flowset.js';
import type { Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import { AudienceReader } from './audience.js';
import type { AlertDeliver } from './contract.js';
import { BroadcastWorkers } from './jobs.js';
import { BroadcastQueues } from './queues.js';
import { BroadcastService } from './service.js';
import { CachedAlertSource } from './source.js';
import { AlertStore } from './store.js';

export interface BroadcastDeps {
  config: Pick<
    Config,
    'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'BROADCAST_APPROVAL_THRESHOLD' | 'BROADCAST_RATE_MESSENGER' | 'BROADCAST_RATE_ZALO' | 'WORKER_LOCK_MS'
  >;
  redis: ScriptedRedis;
  keys: Keys;
  areas: AreaList;
  flows: FlowSet;
  log: Logger;
  clock?: () => number;
  /** Wake the local processor for a resident (their inbox just got an alert). */
  kick?: (residentId: string) => void;
  /** The alert lane (src/conversation/alert-lane.ts); without it alerts go through residents' inboxes. */
  deliver?: AlertDeliver;
  /** The push channels this deployment can send on; residents of another count as not reachable. Absent: all. */
  connected?: () => ReadonlySet<string>;
}

export interface Broadcast {
  store: AlertStore;
  audience: AudienceReader;
  service: BroadcastService;
  source: CachedAlertSource;
  queues: BroadcastQueues;
  workers: BroadcastWorkers;
  startWorkers(): void;
  close(): Promise<void>;
}

export function createBroadcast(deps: BroadcastDeps): Broadcast {
  const clock = deps.clock ?? Date.now;
  const store = new AlertStore(deps.redis, deps.keys, clock);
  const audience = new AudienceReader(deps.redis, deps.keys, deps.connected);
  const source = new CachedAlertSource(store);
  const queues = new BroadcastQueues(deps.config, deps.keys);
  const service = new BroadcastService({
    store, audience, queues, source, areas: deps.areas, flows: deps.flows, keys: deps.keys, config: deps.config, log: deps.log, clock,
  });
  const workers = new BroadcastWorkers({
    redis: deps.redis,
    keys: deps.keys,
    store,
    audience,
    queues,
    config: deps.config,
    log: deps.log,
    clock,
    ...(deps.kick ? { kick: deps.kick } : {}),
    ...(deps.deliver ? { deliver: deps.deliver } : {}),
    startSending: (id) => service.startSending(id),
    maybeFinish: (id) => service.maybeFinish(id),
    reconcile: () => service.reconcile(),
  });
  return {
    store, audience, service, source, queues, workers,
    startWorkers: () => workers.start(),
    async close() {
      await workers.close();
      await queues.close();
    },
  };
}

export type { AlertSource, AlertContent } from './contract.js';
export { CachedAlertSource, alertContent } from './source.js';
