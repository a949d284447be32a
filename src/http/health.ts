/** `/healthz`: the process answers. `/readyz`: Redis answers, lessons are loaded, and the process is not stopping. */
import { Router } from 'express';
import type { Channel } from '../channels/channel.js';
import type { FlowSet } from '../engine/flowset.js';
import type { Drain } from './drain.js';

const PING_TIMEOUT_MS = 1000;

/** Anything that answers PING: one Redis or a Cluster client. */
type Pingable = { ping(): Promise<string> };

export function healthRoutes(redis: Pingable, flows: FlowSet, channels: readonly Channel[] = [], drain?: Drain): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (drain?.draining) {
      // A load balancer must stop sending here now, whatever Redis says.
      res.status(503).json({ status: 'draining', checks: { process: 'stopping' }, lessons: flows.list.length });
      return;
    }
    const redisOk = await pingWithin(redis, PING_TIMEOUT_MS);
    const checks: Record<string, unknown> = { redis: redisOk ? 'ok' : 'unreachable', flows: flows.list.length > 0 ? 'ok' : 'none loaded' };
    let ready = redisOk && flows.list.length > 0;
    for (const channel of channels) {
      if (!channel.readiness) continue;
      const r = redisOk ? await channel.readiness().catch(() => ({ ok: false, details: { error: 'check failed' } })) : undefined;
      if (r) {
        checks[channel.id] = r.details;
        ready &&= r.ok;
      }
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks, lessons: flows.list.length });
  });
  return router;
}

async function pingWithin(redis: Pingable, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    return await Promise.race([redis.ping().then((r) => r === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
