/**
 * Alerts in Redis: the alert JSON (`keys.alert`), its picture, its audit stream, its counters and its
 * sending plan, all under the `{alert:<id>}` hash tag; and an index of alert ids per province (under
 * `{alerts}`, so an alert moved to another province leaves one index and joins the other in one MULTI).
 *
 * Every write goes through one Lua script that checks the alert's revision, so two officials acting
 * at once (an approval and a cancel, a cancel and the worker finishing) never overwrite each other:
 * `update()` reloads and re-applies the change on a conflict, and the change itself refuses what the
 * new state no longer allows.
 *
 * @example
 * const next = await store.update(id, (alert) => ({ alert: { ...alert, status: 'cancelled' }, audit: { action: 'cancelled', … } }));
 */
import { randomBytes } from 'node:crypto';
import { Alert, type AlertStatus, type AuditEntry, type ImageType } from './alert.js';
import { ALERT_COUNTERS, type AlertCounter } from './contract.js';
import { withBroadcastScripts, type BroadcastRedis } from './scripts.js';
import type { Keys } from '../store/keys.js';
import { perItem, type ScriptedRedis } from '../store/redis.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** 12 characters from 36: about 62 bits, so ids cannot be guessed (the picture URL is public). */
export function newAlertId(): string {
  const bytes = randomBytes(12);
  return Array.from(bytes, (b) => ALPHABET[b % 36]).join('');
}

/** An image change to write with the alert. */
export type ImageChange = { op: 'keep' } | { op: 'del' } | { op: 'set'; type: ImageType; data: Buffer };

/** A change to an alert, decided on its current state; `undefined` leaves it as it is. */
export type AlertChange = { alert: Alert; audit?: Omit<AuditEntry, 'at'>; image?: ImageChange } | undefined;

export class AlertConflictError extends Error {
  override name = 'AlertConflictError';
  constructor(id: string) {
    super(`Alert ${id} kept changing while it was being updated; try again.`);
  }
}

/** The sending plan as stored (see jobs.ts for what each field means). */
export interface PlanState {
  step: number;
  cursor: string;
  /** Batches recorded but perhaps not yet added to their queues (re-added after a crash). */
  outgoing: OutgoingBatch[];
  /** Residents matched but not yet in a batch, per channel. */
  buffers: Record<string, string[]>;
  /** Batch numbers used so far, per channel. */
  batches: Record<string, number>;
  /** Batches made and not yet finished. */
  pending: number;
  batchesPlanned: number;
  batchesFailed: number;
  /** Residents of the audience found so far. */
  matched: number;
  /** Residents put into batches (reachable when planned). */
  planned: number;
  /** Residents whose inbox got the alert. */
  queued: number;
  /** Planning went through the whole audience. */
  complete: boolean;
}

export interface OutgoingBatch {
  channel: string;
  jobId: string;
  batch: number;
  residents: string[];
  plannedAt: number;
}

const json = <T>(raw: string | undefined, fallback: T): T => {
  if (!raw) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
};

export class AlertStore {
  readonly redis: BroadcastRedis;

  constructor(
    redis: ScriptedRedis,
    readonly keys: Keys,
    private readonly clock: () => number = Date.now,
  ) {
    this.redis = withBroadcastScripts(redis);
  }

  newId(): string {
    return newAlertId();
  }

  async get(id: string): Promise<Alert | undefined> {
    const raw = await this.redis.get(this.keys.alert(id));
    if (!raw) return undefined;
    const parsed = Alert.safeParse(json(raw, undefined));
    return parsed.success ? parsed.data : undefined;
  }

  /** Store a new alert (its `rev` must be 1), indexed under its audience's province. */
  async create(alert: Alert, audit: Omit<AuditEntry, 'at'>, image: ImageChange = { op: 'keep' }): Promise<Alert> {
    const written = await this.write('0', alert, audit, image);
    if (!written) throw new AlertConflictError(alert.id);
    await this.redis.zadd(this.keys.alertsInProvince(alert.audience.area.province), alert.createdAt, alert.id);
    return alert;
  }

  /**
   * Apply `change` to the current alert and write it if nobody else wrote meanwhile; on a conflict,
   * reload and apply again (the change sees the newer state and may refuse by throwing).
   * Returns the alert as written, or as it is when the change was `undefined`.
   */
  async update(id: string, change: (alert: Alert) => AlertChange | Promise<AlertChange>): Promise<Alert | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.get(id);
      if (!current) return undefined;
      const result = await change(current);
      if (!result) return current;
      const next: Alert = { ...result.alert, rev: current.rev + 1, updatedAt: this.clock() };
      const oldProvince = current.audience.area.province;
      if (await this.write(String(current.rev), next, result.audit, result.image ?? { op: 'keep' })) {
        if (next.audience.area.province !== oldProvince) {
          await this.redis
            .multi()
            .zrem(this.keys.alertsInProvince(oldProvince), id)
            .zadd(this.keys.alertsInProvince(next.audience.area.province), next.createdAt, id)
            .exec();
        }
        return next;
      }
    }
    throw new AlertConflictError(id);
  }

  private async write(expectedRev: string, alert: Alert, audit: Omit<AuditEntry, 'at'> | undefined, image: ImageChange): Promise<boolean> {
    const k = this.keys;
    const entry = audit ? auditFields({ ...audit, at: this.clock() }) : [];
    const imageArgs: [string, Buffer | string] = image.op === 'set' ? [image.type, image.data] : ['', ''];
    const result = await this.redis.broadcastWriteAlert(
      k.alert(alert.id), k.alertAudit(alert.id), k.alertImage(alert.id),
      expectedRev, JSON.stringify(alert), image.op, ...imageArgs, ...entry,
    );
    return result === 1;
  }

  /** Append an audit entry without changing the alert (e.g. a worker giving up on a batch). */
  async note(id: string, entry: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.redis.xadd(this.keys.alertAudit(id), '*', ...auditFields({ ...entry, at: this.clock() }));
  }

  async audit(id: string): Promise<AuditEntry[]> {
    const entries = await this.redis.xrange(this.keys.alertAudit(id), '-', '+');
    return entries.map(([, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      return {
        at: Number(f.at),
        by: f.by ?? 'system',
        byName: f.byName ?? '',
        action: f.action ?? '',
        ...(f.from ? { from: f.from as AlertStatus } : {}),
        ...(f.to ? { to: f.to as AlertStatus } : {}),
        ...(f.note ? { note: f.note } : {}),
      };
    });
  }

  async image(id: string): Promise<{ type: string; data: Buffer } | undefined> {
    const [type, data] = await this.redis.hmgetBuffer(this.keys.alertImage(id), 'type', 'data');
    if (!type || !data) return undefined;
    return { type: type.toString('utf8'), data };
  }

  /** Alerts whose audience lies in `province`, newest first (at most `limit`). */
  async listInProvince(province: string, limit = 200): Promise<Alert[]> {
    const ids = await this.redis.zrevrange(this.keys.alertsInProvince(province), 0, limit - 1);
    if (ids.length === 0) return [];
    // One GET per alert, not MGET: each alert is in a Cluster slot of its own.
    const raws = await perItem(this.redis, ids, (p, id) => p.get(this.keys.alert(id)));
    return raws.flatMap((raw) => {
      const parsed = Alert.safeParse(json(typeof raw === 'string' ? raw : undefined, undefined));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** The alert's counters, each 0 when not counted yet. */
  async stats(id: string): Promise<Record<AlertCounter, number>> {
    const raw = await this.redis.hgetall(this.keys.alertStats(id));
    return Object.fromEntries(ALERT_COUNTERS.map((c) => [c, Math.max(0, Number(raw[c] ?? 0))])) as Record<AlertCounter, number>;
  }

  async plan(id: string): Promise<PlanState> {
    const raw = await this.redis.hgetall(this.keys.alertPlan(id));
    const n = (field: string) => Number(raw[field] ?? 0);
    return {
      step: n('step'),
      cursor: raw.cursor ?? '0',
      outgoing: json(raw.outgoing, []),
      buffers: json(raw.buffers, {}),
      batches: json(raw.batches, {}),
      pending: n('pending'),
      batchesPlanned: n('batchesPlanned'),
      batchesFailed: n('batchesFailed'),
      matched: n('matched'),
      planned: n('planned'),
      queued: n('queued'),
      complete: raw.complete === '1',
    };
  }
}

function auditFields(entry: AuditEntry): string[] {
  const fields = ['at', String(entry.at), 'by', entry.by, 'byName', entry.byName, 'action', entry.action];
  if (entry.from) fields.push('from', entry.from);
  if (entry.to) fields.push('to', entry.to);
  if (entry.note) fields.push('note', entry.note);
  return fields;
}
