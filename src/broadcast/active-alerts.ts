/**
 * Officials' alerts as the scam check recognises them: alerts with match domains or phrases, sent
 * (sending or done, never cancelled) in the last 30 days to an audience that covers the resident's
 * area. Read from Redis at most once per province every 30 seconds per process, so a check costs
 * no extra round trip per message.
 *
 * @example
 * const active = new ActiveAlerts(broadcast.store);
 * const env = { …, activeAlerts: await active.forArea(state.area) };
 */
import { areaCovers, type AreaRef } from '../accounts/schema.js';
import type { ActiveAlert } from '../checker/types.js';
import type { Alert } from './alert.js';
import type { AlertStore } from './store.js';

export const ACTIVE_ALERT_DAYS = 30;
export const ACTIVE_ALERTS_CACHE_MS = 30_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const TITLE_MAX = 80;

/** When residents started getting it: its scheduled start, its last approval, or its last change. */
export function sentAt(alert: Alert): number {
  return alert.scheduledAt ?? alert.approvals.at(-1)?.at ?? alert.updatedAt;
}

/** An alert's first line, shortened: what the resident is told it was about. */
export function alertTitle(text: string): string {
  const first = text.trim().split(/\n/)[0]!.trim();
  return first.length > TITLE_MAX ? `${first.slice(0, TITLE_MAX - 1).trimEnd()}…` : first;
}

export function toActiveAlert(alert: Alert): ActiveAlert {
  return {
    id: alert.id,
    title: { vi: alertTitle(alert.text.vi), ...(alert.text.en ? { en: alertTitle(alert.text.en) } : {}) },
    keywords: alert.match?.phrases ?? [],
    domains: alert.match?.domains ?? [],
    sentAt: sentAt(alert),
  };
}

/** Sent, not cancelled, recent, with something to match. */
export function isActive(alert: Alert, now: number): boolean {
  const sent = alert.status === 'sending' || alert.status === 'done';
  const matches = (alert.match?.domains.length ?? 0) + (alert.match?.phrases.length ?? 0) > 0;
  return sent && matches && now - sentAt(alert) <= ACTIVE_ALERT_DAYS * DAY_MS;
}

export interface ActiveAlertSource {
  forArea(area: AreaRef | undefined): Promise<readonly ActiveAlert[]>;
}

export class ActiveAlerts implements ActiveAlertSource {
  private readonly cache = new Map<string, { at: number; alerts: Promise<Alert[]> }>();

  constructor(
    private readonly store: Pick<AlertStore, 'listInProvince'>,
    private readonly clock: () => number = Date.now,
    private readonly ttlMs = ACTIVE_ALERTS_CACHE_MS,
  ) {}

  /** The active alerts whose audience covers `area`; none for a resident who gave no commune. */
  async forArea(area: AreaRef | undefined): Promise<readonly ActiveAlert[]> {
    if (!area) return [];
    const now = this.clock();
    let entry = this.cache.get(area.province);
    if (!entry || now - entry.at > this.ttlMs) {
      const alerts = this.store.listInProvince(area.province).then((all) => all.filter((a) => isActive(a, now)));
      entry = { at: now, alerts };
      this.cache.set(area.province, entry);
      // A failed read is not kept: the next check tries again.
      alerts.catch(() => this.cache.get(area.province) === entry && this.cache.delete(area.province));
    }
    const alerts = await entry.alerts;
    return alerts.filter((a) => areaCovers(a.audience.area, area) && isActive(a, now)).map(toActiveAlert);
  }

  /** Forget what was read (an alert was just sent or cancelled in this process). */
  forget(): void {
    this.cache.clear();
  }
}
