/**
 * The AlertSource the conversation and the processor read alerts through (src/broadcast/contract.ts).
 * Every resident's turn and every outbox message of an alert asks for it, so answers are cached for
 * a short while: a cancel is seen within `ttlMs` (500 ms) by every process, and at once by the
 * process that cancelled (it calls `forget`).
 *
 * @example
 * const source = new CachedAlertSource(store);
 * createConversation({ …, alerts: source });
 */
import type { Alert } from './alert.js';
import type { AlertContent, AlertSource } from './contract.js';
import type { AlertStore } from './store.js';

export const ALERT_CACHE_MS = 500;

/** The path Messenger and Zalo fetch an alert's picture from, relative to PUBLIC_BASE_URL. */
export const alertImagePath = (id: string) => `alerts/${id}/image`;

export function alertContent(alert: Alert): AlertContent {
  return {
    id: alert.id,
    from: alert.fromName,
    text: { vi: alert.text.vi, ...(alert.text.en ? { en: alert.text.en } : {}) },
    ...(alert.image ? { imagePath: alertImagePath(alert.id) } : {}),
    ...(alert.scamType ? { scamType: alert.scamType } : {}),
    ...(alert.lessonId ? { lessonId: alert.lessonId } : {}),
    cancelled: alert.status === 'cancelled',
  };
}

export class CachedAlertSource implements AlertSource {
  private readonly cache = new Map<string, { at: number; value: Promise<AlertContent | undefined> }>();

  constructor(
    private readonly store: Pick<AlertStore, 'get'>,
    private readonly ttlMs = ALERT_CACHE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  load(alertId: string): Promise<AlertContent | undefined> {
    const hit = this.cache.get(alertId);
    const t = this.now();
    if (hit && t - hit.at < this.ttlMs) return hit.value;
    const value = this.store.get(alertId).then((a) => (a ? alertContent(a) : undefined));
    // A failed read is not remembered: the next caller tries again.
    value.catch(() => this.cache.delete(alertId));
    this.cache.set(alertId, { at: t, value });
    if (this.cache.size > 1000) this.prune(t);
    return value;
  }

  /** Drop what is known of an alert (after this process changed it). */
  forget(alertId: string): void {
    this.cache.delete(alertId);
  }

  private prune(t: number): void {
    for (const [id, entry] of this.cache) if (t - entry.at >= this.ttlMs) this.cache.delete(id);
  }
}
