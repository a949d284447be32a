/**
 * Reading an alert's audience from the sets the conversation keeps (src/conversation/audience.ts):
 * the area's set is scanned in pages (SSCAN), and each page is narrowed with one SMISMEMBER per other
 * set (finished, not finished, language, alerts off) in a single round trip. So counting or sending to
 * an area touches only that area's residents, never everyone.
 *
 * Whether a resident can be written to *now* is the messaging-window function's answer over their
 * contact hash (last message, unreachable status), one HMGET per resident, pipelined per page.
 *
 * Redis Cluster: the audience sets share the `{aud}` slot, so one page's SMISMEMBERs go in one
 * pipeline; each resident's contact is in their own slot (`perItem`).
 *
 * Estimates are exact up to ESTIMATE_EXACT_MAX residents in the area; above that, a uniform random
 * sample of ESTIMATE_SAMPLE residents (SRANDMEMBER, no repeats) is classified and scaled up, and the
 * answer carries the 95 % margin of the counts (at most ±1 % of the area's residents).
 *
 * Needs Redis ≥ 6.2 (SMISMEMBER).
 */
import { messagingWindow, pushChannelOf, type Contact, type Reach } from '../channels/window.js';
import type { Keys } from '../store/keys.js';
import { perItem, type ScriptedRedis } from '../store/redis.js';
import { PUSH_CHANNELS, type Audience, type PushChannel } from './alert.js';
import { areaPath } from './contract.js';

export const ESTIMATE_EXACT_MAX = 50_000;
export const ESTIMATE_SAMPLE = 10_000;
/** Residents per SSCAN page (a hint to Redis; pages may be a little larger). */
export const PAGE = 1000;

/** Why a resident cannot be written to now: the platform's rules, or this deployment has no connection to their platform. */
export type NotReachableWhy = Extract<Reach, { can: false }>['why'] | 'not-connected';

export interface ChannelEstimate {
  /** Residents of the audience on this channel. */
  audience: number;
  /** Of those, the platform's rules let us write to now. */
  reachableNow: number;
  /** Of those, not now: outside the messaging window, never wrote, or unreachable (blocked, unfollowed). */
  notReachableNow: number;
  /** Why not, by reason. */
  notReachableWhy: Partial<Record<NotReachableWhy, number>>;
  /** Zalo only: reachable but charged (48 h – 7 days after the resident's last message). */
  charged?: number;
}

export interface Estimate {
  /** Residents the alert would go to (every channel, reachable now or not). */
  total: number;
  reachableNow: number;
  notReachableNow: number;
  channels: Record<PushChannel, ChannelEstimate>;
  /** Residents of the area left out because they turned alerts off. */
  alertsOff: number;
  /** Residents in the area's set (before any filter). */
  areaResidents: number;
  /** `true`: every resident was looked at; `false`: a sample of `sampleSize` was, scaled up. */
  exact: boolean;
  sampleSize: number;
  /** ± this many residents on each count, at 95 % confidence (0 when exact). */
  margin: number;
}

/** A page of residents, sorted into what to do with each. */
export interface Classified {
  reachable: Record<PushChannel, string[]>;
  notReachable: number;
  why: Record<PushChannel, Partial<Record<NotReachableWhy, number>>>;
  charged: number;
}

export class AudienceReader {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: Keys,
    /**
     * The push channels this deployment can send on (its credentials are set); residents of another
     * (one connected before) are not reachable, rather than waited for. Absent: all of them.
     */
    private readonly connected?: () => ReadonlySet<string>,
  ) {}

  areaKey(audience: Audience): string {
    return this.keys.audienceArea(areaPath(audience.area));
  }

  /** One SSCAN page of the area's set: the residents in it that match the audience, and the next cursor ('0' at the end). */
  async page(audience: Audience, cursor: string, count = PAGE): Promise<{ next: string; ids: string[]; alertsOff: number }> {
    const [next, members] = await this.redis.sscan(this.areaKey(audience), cursor, 'COUNT', count);
    const { ids, alertsOff } = await this.filter(audience, members);
    return { next, ids, alertsOff };
  }

  /** Narrow residents of the area to the audience (one round trip); `alertsOff` counts those left out only for that. */
  async filter(audience: Audience, members: readonly string[]): Promise<{ ids: string[]; alertsOff: number }> {
    const onChannel = members.filter((id) => {
      const channel = pushChannelOf(id);
      return channel !== undefined && (!audience.channel || channel === audience.channel);
    });
    if (onChannel.length === 0) return { ids: [], alertsOff: 0 };
    const checks: { key: string; want: 0 | 1 }[] = [];
    if (audience.locale) checks.push({ key: this.keys.audienceLocale(audience.locale), want: 1 });
    if (audience.finished) checks.push({ key: this.keys.audienceFinished(audience.finished), want: 1 });
    if (audience.notFinished) checks.push({ key: this.keys.audienceFinished(audience.notFinished), want: 0 });
    const pipeline = this.redis.pipeline();
    pipeline.smismember(this.keys.audienceAlertsOff, ...onChannel);
    for (const c of checks) pipeline.smismember(c.key, ...onChannel);
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    const [off, ...rest] = results.map(([, v]) => v as number[]);
    const ids: string[] = [];
    let alertsOff = 0;
    onChannel.forEach((id, i) => {
      if (!checks.every((c, j) => rest[j]![i] === c.want)) return;
      if (off![i] === 1) alertsOff++;
      else ids.push(id);
    });
    return { ids, alertsOff };
  }

  /** Each resident's contact (last message, status), in the order given. */
  async contacts(ids: readonly string[]): Promise<Contact[]> {
    if (ids.length === 0) return [];
    const results = await perItem(this.redis, ids, (p, id) => p.hmget(this.keys.resident(id).contact, 'lastInbound', 'status'));
    return results.map((value) => {
      const [lastInbound, status] = value as [string | null, string | null];
      return { lastInbound: lastInbound ? Number(lastInbound) : undefined, status: status ?? undefined };
    });
  }

  /** Who may be written to now, per channel, by the platforms' rules (channels/window.ts). */
  async classify(ids: readonly string[], now: number): Promise<Classified> {
    const contacts = await this.contacts(ids);
    const out: Classified = { reachable: { messenger: [], zalo: [], web: [] }, notReachable: 0, why: { messenger: {}, zalo: {}, web: {} }, charged: 0 };
    const connected = this.connected?.();
    ids.forEach((id, i) => {
      const channel = pushChannelOf(id)!; // the audience holds push channels' residents only
      const reach: Reach | { can: false; why: 'not-connected' } = connected && !connected.has(channel) ? { can: false, why: 'not-connected' } : messagingWindow(channel, contacts[i]!, now);
      if (reach.can) {
        out.reachable[channel].push(id);
        if (reach.how === 'zalo-cs-paid') out.charged++;
      } else {
        out.notReachable++;
        out.why[channel][reach.why] = (out.why[channel][reach.why] ?? 0) + 1;
      }
    });
    return out;
  }

  /** How many residents the alert would reach, per channel, and how many not now. See the file's comment for sampling. */
  async estimate(audience: Audience, now: number): Promise<Estimate> {
    const areaResidents = await this.redis.scard(this.areaKey(audience));
    const exact = areaResidents <= ESTIMATE_EXACT_MAX;
    const tally = emptyTally();
    const add = async (members: string[]) => {
      const { ids, alertsOff } = await this.filter(audience, members);
      tally.alertsOff += alertsOff;
      const c = await this.classify(ids, now);
      for (const ch of PUSH_CHANNELS) {
        tally.channels[ch].reachableNow += c.reachable[ch].length;
        for (const [why, n] of Object.entries(c.why[ch]) as [NotReachableWhy, number][]) {
          tally.channels[ch].notReachableWhy[why] = (tally.channels[ch].notReachableWhy[why] ?? 0) + n;
          tally.channels[ch].notReachableNow += n;
        }
      }
      tally.channels.zalo.charged! += c.charged;
    };
    let looked = 0;
    if (exact) {
      let cursor = '0';
      do {
        const [next, members] = await this.redis.sscan(this.areaKey(audience), cursor, 'COUNT', PAGE);
        cursor = next;
        looked += members.length;
        await add(members);
      } while (cursor !== '0');
      // SSCAN may return a member twice while the set grows; an estimate may be off by those few.
    } else {
      const sample = await this.redis.srandmember(this.areaKey(audience), ESTIMATE_SAMPLE);
      looked = sample.length;
      for (let i = 0; i < sample.length; i += PAGE) await add(sample.slice(i, i + PAGE));
    }
    const scale = exact || looked === 0 ? 1 : areaResidents / looked;
    const s = (n: number) => Math.round(n * scale);
    const channels = {} as Record<PushChannel, ChannelEstimate>;
    for (const ch of PUSH_CHANNELS) {
      const t = tally.channels[ch];
      channels[ch] = {
        audience: s(t.reachableNow + t.notReachableNow),
        reachableNow: s(t.reachableNow),
        notReachableNow: s(t.notReachableNow),
        notReachableWhy: Object.fromEntries(Object.entries(t.notReachableWhy).map(([k, v]) => [k, s(v)])),
        ...(ch === 'zalo' ? { charged: s(t.charged ?? 0) } : {}),
      };
    }
    const reachableNow = PUSH_CHANNELS.reduce((n, ch) => n + channels[ch].reachableNow, 0);
    const notReachableNow = PUSH_CHANNELS.reduce((n, ch) => n + channels[ch].notReachableNow, 0);
    // Worst case (p = ½) of a proportion's 95 % interval, with the finite-population correction, in residents.
    const margin = exact || looked === 0 ? 0 : Math.ceil(1.96 * Math.sqrt((0.25 / looked) * ((areaResidents - looked) / Math.max(1, areaResidents - 1))) * areaResidents);
    return {
      total: reachableNow + notReachableNow,
      reachableNow,
      notReachableNow,
      channels,
      alertsOff: s(tally.alertsOff),
      areaResidents,
      exact,
      sampleSize: looked,
      margin,
    };
  }
}

function emptyTally() {
  const channel = (): ChannelEstimate => ({ audience: 0, reachableNow: 0, notReachableNow: 0, notReachableWhy: {} });
  return { alertsOff: 0, channels: { messenger: channel(), zalo: { ...channel(), charged: 0 }, web: channel() } satisfies Record<PushChannel, ChannelEstimate> };
}
