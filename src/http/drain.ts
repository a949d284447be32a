/**
 * Draining before a stop: once `start()` is called, new requests are answered 503 with Retry-After
 * (a platform delivers a refused webhook again, to whichever process a load balancer picks then),
 * `/readyz` says not ready so the load balancer stops sending here, and each answer closes its
 * connection so keep-alive clients reconnect elsewhere. Requests already being handled finish.
 */
import type { RequestHandler } from 'express';
import { sendError } from './errors.js';

/** Seconds a refused client is asked to wait. */
export const DRAIN_RETRY_AFTER_S = 5;
/** Answered while draining as usual: liveness, readiness (which says "draining"), metrics. */
const STILL_SERVED = new Set(['/healthz', '/readyz', '/metrics']);

export class Drain {
  private on = false;
  private inFlight = 0;
  private readonly waiters = new Set<() => void>();

  get draining(): boolean {
    return this.on;
  }

  /** Requests being handled now (not counting refused ones). */
  get active(): number {
    return this.inFlight;
  }

  start(): void {
    this.on = true;
  }

  /** Resolves when no request is being handled. */
  async idle(): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.waiters.add(resolve));
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      if (this.on) {
        res.setHeader('Connection', 'close');
        if (!STILL_SERVED.has(req.path)) {
          res.setHeader('Retry-After', String(DRAIN_RETRY_AFTER_S));
          sendError(res, 503, 'shutting_down', 'This server is stopping; please send again.');
          return;
        }
      }
      // An event stream stays open as long as its client watches: it is cut at the end, not waited for.
      if (req.get('accept')?.includes('text/event-stream')) {
        next();
        return;
      }
      this.inFlight++;
      let done = false;
      const finished = () => {
        if (done) return;
        done = true;
        if (--this.inFlight === 0) for (const w of [...this.waiters]) (this.waiters.delete(w), w());
      };
      res.once('finish', finished);
      res.once('close', finished);
      next();
    };
  }
}
