/**
 * The express app: channels, simulator page, lesson pictures, health, and the processor that
 * handles webhook inboxes. Everything it needs is passed in, so a test can build two apps side by
 * side on different Redis prefixes (or two "processes" on the same one).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import compression from 'compression';
import express, { type Express } from 'express';
import type { Channel } from './channels/channel.js';
import { createChannels } from './channels/registry.js';
import type { Config } from './config.js';
import { createConversation, type Conversation } from './conversation/conversation.js';
import { createIntake, type Intake } from './conversation/intake.js';
import { Processor } from './conversation/processor.js';
import { AlertLane } from './conversation/alert-lane.js';
import { loadAreas, type AreaList } from './accounts/areas.js';
import { AccountStore } from './accounts/store.js';
import { apiRouter } from './api/router.js';
import { createBroadcast, type Broadcast } from './broadcast/index.js';
import { alertImageRoutes } from './broadcast/image-route.js';
import { LinkStore } from './coaching/link-store.js';
import { ActiveAlerts } from './broadcast/active-alerts.js';
import { ReportStore } from './reports/store.js';
import { startTidying } from './conversation/tidy.js';
import { startReportPruning } from './reports/retention.js';
import { coachingPages } from './coaching/pages/routes.js';
import type { FlowSet } from './engine/flowset.js';
import type { Texts } from './engine/types.js';
import { errorHandler, sendError } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { Drain } from './http/drain.js';
import { requestId } from './http/request-id.js';
import { errorFields, outsideLogContext, type Logger } from './log.js';
import { createMetrics, type AppMetrics } from './metrics/metrics.js';
import { registerSampledGauges } from './metrics/sampled.js';
import { fromRegistry, metricsRoute, type MetricsSource } from './metrics/serve.js';
import { SIMULATOR_DIR } from './paths.js';
import { createKeys } from './store/keys.js';
import type { ScriptedRedis } from './store/redis.js';
import { ResidentStore } from './store/resident-store.js';

export interface AppDeps {
  config: Config;
  redis: ScriptedRedis;
  flows: FlowSet;
  /** Absolute path of the flows folder (its media/ is served under /media/). */
  flowsDir: string;
  texts: Texts;
  log: Logger;
  clock?: () => number;
  /** How often the processor looks for due work (tests make it fast). */
  sweepMs?: number;
  /** The deployment's areas; loaded from AREAS_FILE when not given (throws AreasError naming the file). */
  areas?: AreaList;
  /** What `GET /metrics` answers on the main port (with METRICS_TOKEN); default: this app's registry. */
  metricsSource?: (registry: AppMetrics['registry']) => MetricsSource;
}

export interface App {
  express: Express;
  conversation: Conversation;
  intake: Intake;
  processor: Processor;
  /** Gives broadcast alerts to residents in the middle of nothing, without a turn each. */
  lane: AlertLane;
  channels: Channel[];
  /** Officials' alerts: store, lifecycle, queues and (BROADCAST_WORKERS=in-process) this process's workers. */
  broadcast: Broadcast;
  /** Prometheus metrics of this app (its own registry). */
  metrics: AppMetrics;
  /** `drain.start()` before a stop: new requests get 503, /readyz says draining. */
  drain: Drain;
  /** Stop the broadcast workers, the processor and channel timers (the HTTP server is closed by its owner). */
  close(): Promise<void>;
}

export function createApp(deps: AppDeps): App {
  const { config, redis, flows, texts, log } = deps;
  const clock = deps.clock ?? Date.now;
  const keys = createKeys(config.REDIS_PREFIX);
  const metrics = createMetrics();
  const drain = new Drain();
  const store = new ResidentStore(redis, keys, log);
  const accounts = new AccountStore(redis, keys, clock);
  const links = new LinkStore(redis, keys, clock);
  const areas = deps.areas ?? loadAreas(config.AREAS_FILE);
  const reports = new ReportStore(redis, keys, clock);
  const broadcast = createBroadcast({
    config, redis, keys, areas, flows, log, clock,
    kick: (rid) => processor.kick(rid),
    deliver: (alertId, residentIds, now) => lane.deliver(alertId, residentIds, now),
    // The channels with credentials here: a resident of one not connected (any more) is not waited for.
    connected: () => new Set(channels.filter((c) => c.client).map((c) => c.id)),
  });
  const conversation = metrics.conversation(createConversation({
    areas: areas.communes(),
    store, flows, texts, log, defaultLocale: config.DEFAULT_LOCALE, clock,
    referrals: { links, accounts, redis, keys },
    bookkeeping: { redis, keys },
    alerts: broadcast.source,
    reports,
    activeAlerts: new ActiveAlerts(broadcast.store, clock),
    ...(config.PUBLIC_BASE_URL ? { publicUrl: config.PUBLIC_BASE_URL } : {}),
  }));
  const base = config.PUBLIC_BASE_URL ?? '';
  const mediaUrl = (path: string) => `${base}/${path.split('/').map(encodeURIComponent).join('/')}`;

  // The processor's work outlives the webhook request that woke it: its logs carry no request id.
  const kick = (rid: string) => outsideLogContext(() => processor.kick(rid));
  const intake = metrics.intake(createIntake({
    redis, keys, log, clock, onDue: kick,
    hold: { leaseMs: config.WORKER_LOCK_MS, onHeld: (rid, held) => outsideLogContext(() => processor.kick(rid, held)) },
  }));
  const channels = createChannels({ config, intake, conversation, redis, keys, log, mediaUrl, mediaDir: join(deps.flowsDir, 'media'), clock });
  const clients = Object.fromEntries(channels.flatMap((c) => (c.client ? [[c.id, metrics.client(c.client)]] : [])));
  const processor: Processor = new Processor({
    redis, keys, conversation, log, clock, clients,
    alerts: broadcast.source,
    leaseMs: config.WORKER_LOCK_MS,
    ...(deps.sweepMs ? { sweepMs: deps.sweepMs } : {}),
  });
  processor.start();
  const lane = new AlertLane({
    redis, keys, store, flows, log, processor, clients,
    env: { texts, defaultLocale: config.DEFAULT_LOCALE, newId: randomUUID },
    alerts: broadcast.source,
    leaseMs: config.WORKER_LOCK_MS,
  });
  if (config.BROADCAST_WORKERS === 'in-process') broadcast.startWorkers();
  // Reports past their retention go (src/reports/store.ts): every process looks now and then, one prunes an hour.
  const reportPruning = startReportPruning(reports, log);
  // Residents whose state expired leave the audiences and coaches' lists too: one process a day.
  const tidying = startTidying({ redis, keys }, log, clock);
  registerSampledGauges({
    registry: metrics.registry, redis, keys, log, clock,
    queues: () => [broadcast.queues.plan, ...Object.values(broadcast.queues.send)],
  });

  const app = express();
  app.disable('x-powered-by');
  // No ETag on dynamic answers: hashing every webhook's "EVENT_RECEIVED" and API JSON cost CPU on the
  // hot path, and no client makes conditional requests (static files keep their own ETags).
  app.disable('etag');
  app.set('trust proxy', true);
  app.use(requestId());
  app.use(drain.middleware());
  // The webhooks first: they are most of the traffic, and each router before them costs every request.
  for (const channel of channels) app.use(channel.router);
  app.use(healthRoutes(redis, flows, channels, drain));
  app.use(metricsRoute(config.METRICS_TOKEN, (deps.metricsSource ?? fromRegistry)(metrics.registry)));
  // Pages, their scripts and the API answer compressed (a resident on slow 3G loads the chat in a third
  // of the bytes); the webhooks above are not, so their hot path pays nothing for it.
  app.use(compression());
  app.use('/api/v1', apiRouter({ accounts, links, areas, flows, redis, keys, residents: store, config, broadcast: broadcast.service, reports }));
  app.use(alertImageRoutes(broadcast.store));
  app.use('/media', express.static(join(deps.flowsDir, 'media'), { maxAge: '1d', fallthrough: false }));
  app.use(coachingPages({ config, flows, links, log, clock }));
  app.use('/official', express.static(join(SIMULATOR_DIR, '..', 'official'), { index: 'index.html' }));
  // The modules and styles the coach page and the officials' console both load.
  app.use('/shared', express.static(join(SIMULATOR_DIR, '..', 'shared'), { index: false }));
  app.use(express.static(SIMULATOR_DIR, { index: 'index.html' }));
  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such page.'));
  app.use(errorHandler(log, () => texts.t(config.DEFAULT_LOCALE, 'errors.unavailable')));
  return {
    express: app,
    conversation,
    intake,
    processor,
    lane,
    channels,
    broadcast,
    metrics,
    drain,
    async close() {
      await reportPruning.stop();
      await tidying.stop();
      await broadcast.close();
      await processor.stop();
      for (const c of channels) await c.close?.();
      await store.flushEvents().catch((err: unknown) => log.warn('analytics events not recorded', errorFields(err)));
    },
  };
}
