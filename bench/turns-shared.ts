/**
 * What the turn benchmark's processes share: the secrets the servers are configured with, the IPC
 * messages between the driver and the fake Graph API (zod, checked where they arrive), the monotonic
 * clock, and percentiles.
 */
import { z } from 'zod';

/** Messenger settings both servers get; the driver signs webhooks with the same secret. */
export const APP_SECRET = 'bench-app-secret-0123456789';
export const PAGE_TOKEN = 'EAAbench-page-token';
/** Where the fake Graph API answers the Send API (`MESSENGER_GRAPH_URL` + `/me/messages`). */
export const GRAPH_PATH = '/graph/v25.0';

/**
 * One Send API call the fake answered, as the driver needs it:
 * [PSID, arrival time (monotonic ns as a number), final?, payloads of its buttons, duplicate?].
 * `final`: the message carries the turn's choices (quick replies or buttons), which every turn of the
 * lesson walk ends with. `duplicate`: byte-identical to the previous message this PSID got, which a
 * lesson walk never sends (two steps in a row never say the same), so it is a message sent twice.
 */
export const Arrival = z.tuple([z.string(), z.number(), z.boolean(), z.array(z.string()), z.boolean()]);
export type Arrival = z.infer<typeof Arrival>;

export const FromGraph = z.union([
  z.object({ ready: z.object({ url: z.string() }) }),
  z.object({ arrivals: z.array(Arrival) }),
  z.object({ stats: z.object({ requests: z.number(), rssMb: z.number() }) }),
]);
export type FromGraph = z.infer<typeof FromGraph>;

export type ToGraph = { stats: true } | { stop: true };

/** The floor server says where it listens. */
export const FromFloor = z.object({ ready: z.object({ port: z.number() }) });

/**
 * Monotonic nanoseconds as a plain number. CLOCK_MONOTONIC is one clock for every process on the
 * machine, so the fake's arrival time and the driver's send time can be subtracted.
 * (A double holds ns exactly for ~104 days of uptime.)
 */
export const nowNs = (): number => Number(process.hrtime.bigint());

/** The p-th percentile of ascending values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
