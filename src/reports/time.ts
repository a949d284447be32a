/**
 * Days and hours as officials count reports: Vietnam time (UTC+7, no daylight saving), so "today"
 * starts at midnight in the commune, not in UTC.
 */
export const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

const local = (ms: number) => new Date(ms + VIETNAM_OFFSET_MS);

/** `20261125`: the local day of a time. */
export function dayOf(ms: number): string {
  const d = local(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** `08`: the local hour of a time. */
export function hourOf(ms: number): string {
  return String(local(ms).getUTCHours()).padStart(2, '0');
}

/** `2026-11-25`: a day key as an ISO date. */
export function isoDay(day: string): string {
  return `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
}

/** The `n` local days ending with today's, oldest first. */
export function lastDays(now: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => dayOf(now - (n - 1 - i) * DAY_MS));
}

/** The 24 hours ending with the current one, as [day, hour] pairs. */
export function last24Hours(now: number): Array<[string, string]> {
  return Array.from({ length: 24 }, (_, i) => {
    const at = now - (23 - i) * HOUR_MS;
    return [dayOf(at), hourOf(at)];
  });
}
