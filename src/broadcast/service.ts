/**
 * The lifecycle of an alert, with who may do what:
 *
 * - an official or admin writes a draft for an area inside their own (`areaCovers`), and edits it;
 * - submitting measures the audience: above BROADCAST_APPROVAL_THRESHOLD residents it waits for
 *   approval, otherwise it is scheduled (a start time ahead) or starts sending;
 * - another official or admin whose area covers the audience approves it (never its author);
 * - its author, or anyone whose area covers its audience, cancels it before it is done;
 * - the workers move it from scheduled to sending, and to done when every batch was handed over.
 *
 * Every transition is appended to the alert's audit stream in the same Lua call that writes it.
 * Refusals are AlertRefused with the HTTP status the API answers.
 */
import type { AreaList } from '../accounts/areas.js';
import { areaCovers, type Account, type AreaRef } from '../accounts/schema.js';
import type { Config } from '../config.js';
import type { FlowSet } from '../engine/flowset.js';
import { errorFields, type Logger } from '../log.js';
import type { Keys } from '../store/keys.js';
import { CANCELLABLE, PUSH_CHANNELS, type Alert, type AlertPatch, type AlertStatus, type Audience, type AuditEntry, type NewAlert } from './alert.js';
import type { AudienceReader, Estimate } from './audience.js';
import type { AlertCounter } from './contract.js';
import { AlertRefused } from './errors.js';
import { decodeImage } from './image.js';
import { PLAN_JOB_OPTIONS, planJobId, sendJobId, type BroadcastQueues } from './queues.js';
import type { CachedAlertSource } from './source.js';
import type { AlertStore, ImageChange, PlanState } from './store.js';

export interface ServiceDeps {
  store: AlertStore;
  audience: AudienceReader;
  /** Absent: this process cannot start sending (answers 503). */
  queues?: BroadcastQueues;
  source?: CachedAlertSource;
  areas: AreaList;
  flows: FlowSet;
  keys: Keys;
  config: Pick<Config, 'BROADCAST_APPROVAL_THRESHOLD'>;
  log: Logger;
  clock: () => number;
}

export interface Progress {
  id: string;
  status: AlertStatus;
  /** Planning went through the whole audience. */
  planned: boolean;
  /** Residents of the audience found so far. */
  audience: number;
  /** Residents whose inbox got the alert (counted per finished batch). */
  queued: number;
  notReachableNow: number;
  sent: number;
  failed: number;
  unreachable: number;
  /** Handed over but not shown: cancelled meanwhile, or the resident turned alerts off. */
  skipped: number;
  /** Queued and not yet sent, failed, unreachable or skipped: still in residents' outboxes. */
  inFlight: number;
  batches: { planned: number; finished: number; failed: number };
}

export type Results = Record<AlertCounter, number> & { queued: number; audience: number; recognisedShare: number | null };

/** "UBND Xã Lũng Cú": who residents are told an alert comes from. */
export function fromNameFor(areas: AreaList, area: AreaRef): string {
  return `UBND ${areas.describeArea(area).split(', ')[0]}`;
}

export class BroadcastService {
  constructor(private readonly deps: ServiceDeps) {}

  // ── Reading ────────────────────────────────────────────────────────────────────────────────

  /** The alert, if the account's area covers its audience (403 otherwise, 404 when there is none). */
  async get(account: Account, id: string): Promise<Alert> {
    const alert = await this.deps.store.get(id);
    if (!alert) throw new AlertRefused(404, 'alert_not_found', `No alert has id ${id}.`);
    this.mustCover(account, alert.audience.area, 'see this alert');
    return alert;
  }

  /** The alert as it is, without any check (for a stream already allowed to watch it). */
  peek(id: string): Promise<Alert | undefined> {
    return this.deps.store.get(id);
  }

  audit(id: string): Promise<AuditEntry[]> {
    return this.deps.store.audit(id);
  }

  /** Alerts for the account's area, newest first; `status` narrows them. */
  async list(account: Account, status?: AlertStatus): Promise<Alert[]> {
    const all = await this.deps.store.listInProvince(account.area.province);
    return all.filter((a) => areaCovers(account.area, a.audience.area) && (!status || a.status === status));
  }

  // ── Writing drafts ─────────────────────────────────────────────────────────────────────────

  async create(account: Account, body: NewAlert): Promise<Alert> {
    this.checkAudience(account, body.audience);
    this.checkLesson('lessonId', body.lessonId);
    const image = this.imageChange(body.image);
    const now = this.deps.clock();
    const alert: Alert = {
      id: this.deps.store.newId(),
      rev: 1,
      createdBy: account.id,
      createdByName: account.name,
      fromName: fromNameFor(this.deps.areas, account.area),
      text: body.text,
      ...(image.op === 'set' ? { image: { type: image.type, bytes: image.data.length, sha256: image.sha256 } } : {}),
      ...(body.scamType ? { scamType: body.scamType } : {}),
      ...(body.lessonId ? { lessonId: body.lessonId } : {}),
      ...(body.match ? { match: body.match } : {}),
      audience: body.audience,
      status: 'draft',
      ...(body.scheduledAt ? { scheduledAt: Date.parse(body.scheduledAt) } : {}),
      approvals: [],
      createdAt: now,
      updatedAt: now,
    };
    return this.deps.store.create(alert, this.by(account, 'created', { to: 'draft' }), image);
  }

  async update(account: Account, id: string, patch: AlertPatch): Promise<Alert> {
    await this.get(account, id);
    if (patch.audience) this.checkAudience(account, patch.audience);
    this.checkLesson('lessonId', patch.lessonId ?? undefined);
    const image: ImageInput = patch.image === null ? { op: 'del' } : patch.image === undefined ? { op: 'keep' } : this.imageChange(patch.image);
    const next = await this.deps.store.update(id, (alert) => {
      this.mustBeAuthor(account, alert, 'edit');
      if (alert.status !== 'draft') throw new AlertRefused(409, 'not_a_draft', `Only a draft can be edited; this alert is ${alert.status}.`);
      const edited: Alert = { ...alert };
      if (patch.text) edited.text = patch.text;
      if (patch.audience) edited.audience = patch.audience;
      setOptional(edited, 'scamType', patch.scamType);
      setOptional(edited, 'lessonId', patch.lessonId);
      if (patch.match === null) delete edited.match;
      else if (patch.match) edited.match = patch.match;
      if (patch.scheduledAt !== undefined) setOptional(edited, 'scheduledAt', patch.scheduledAt === null ? null : Date.parse(patch.scheduledAt));
      if (image.op === 'del') delete edited.image;
      if (image.op === 'set') edited.image = { type: image.type, bytes: image.data.length, sha256: image.sha256 };
      if (edited.scamType && edited.lessonId) {
        throw new AlertRefused(400, 'invalid_request', 'lessonId: give scamType or lessonId, not both (send null to remove the other).', { field: 'lessonId' });
      }
      const changed = Object.keys(patch).join(', ');
      return { alert: edited, audit: this.by(account, 'edited', { note: changed }), image };
    });
    return next!;
  }

  // ── Audience ───────────────────────────────────────────────────────────────────────────────

  async estimate(account: Account, id: string): Promise<Estimate & { approvalThreshold: number; needsApproval: boolean }> {
    const alert = await this.get(account, id);
    return this.estimateAudience(account, alert.audience);
  }

  async estimateAudience(account: Account, audience: Audience): Promise<Estimate & { approvalThreshold: number; needsApproval: boolean }> {
    this.checkAudience(account, audience);
    const estimate = await this.deps.audience.estimate(audience, this.deps.clock());
    const threshold = this.deps.config.BROADCAST_APPROVAL_THRESHOLD;
    return { ...estimate, approvalThreshold: threshold, needsApproval: estimate.total > threshold };
  }

  // ── Transitions ────────────────────────────────────────────────────────────────────────────

  /** draft → pending_approval (a large audience) or scheduled / sending. */
  async submit(account: Account, id: string): Promise<Alert> {
    const alert = await this.get(account, id);
    this.mustBeAuthor(account, alert, 'submit');
    if (alert.status !== 'draft') throw new AlertRefused(409, 'not_a_draft', `This alert was already submitted; it is ${alert.status}.`);
    this.mustCover(account, alert.audience.area, 'send to this area');
    const { total } = await this.deps.audience.estimate(alert.audience, this.deps.clock());
    const threshold = this.deps.config.BROADCAST_APPROVAL_THRESHOLD;
    if (total > threshold) {
      return (await this.deps.store.update(id, (a) => {
        if (a.status !== 'draft') throw new AlertRefused(409, 'not_a_draft', `This alert was already submitted; it is ${a.status}.`);
        return {
          alert: { ...a, status: 'pending_approval', submittedAudience: total },
          audit: this.by(account, 'submitted', { from: 'draft', to: 'pending_approval', note: `${total} residents, over the approval threshold of ${threshold}` }),
        };
      }))!;
    }
    return this.start(id, 'draft', this.by(account, 'submitted', { note: `${total} residents` }), (a) => ({ ...a, submittedAudience: total }));
  }

  /** pending_approval → scheduled / sending, by another official or admin whose area covers the audience. */
  async approve(account: Account, id: string): Promise<Alert> {
    const alert = await this.deps.store.get(id);
    if (!alert) throw new AlertRefused(404, 'alert_not_found', `No alert has id ${id}.`);
    if (alert.createdBy === account.id) {
      throw new AlertRefused(403, 'self_approval', 'You wrote this alert, so you cannot approve it: another official whose area covers its audience must.');
    }
    this.mustCover(account, alert.audience.area, 'approve this alert');
    if (alert.status !== 'pending_approval') throw new AlertRefused(409, 'not_pending', `This alert is not waiting for approval; it is ${alert.status}.`);
    const approval = { by: account.id, byName: account.name, at: this.deps.clock() };
    return this.start(id, 'pending_approval', this.by(account, 'approved'), (a) => ({ ...a, approvals: [...a.approvals, approval] }));
  }

  /** Before done: stop it. Residents whose message is already with the platform keep it; nobody else gets it. */
  async cancel(account: Account, id: string): Promise<Alert> {
    await this.get(account, id);
    const next = await this.deps.store.update(id, (a) => {
      if (a.status === 'cancelled') return undefined;
      if (!CANCELLABLE.has(a.status)) throw new AlertRefused(409, 'already_done', 'This alert was already sent to everyone it could reach; it cannot be cancelled.');
      return { alert: { ...a, status: 'cancelled' }, audit: this.by(account, 'cancelled', { from: a.status, to: 'cancelled' }) };
    });
    this.deps.source?.forget(id);
    // Before it leaves the active set: if this process stops in between, `reconcile` closes it.
    await this.closePlan(id);
    await this.deps.store.redis.zrem(this.deps.keys.alertsActive, id);
    if (this.deps.queues) {
      await this.deps.queues.plan.remove(planJobId(id)).catch(() => 0);
      void this.dropQueuedBatches(id).catch((err: unknown) => this.deps.log.warn('cancelled alert: queued batches not removed', errorFields(err)));
    }
    return next!;
  }

  /**
   * Done or cancelled: the plan forgets the residents it kept for a crashed planner (the batches it
   * recorded last, the residents carried over) and refuses any later step, so no resident id of this
   * alert stays in Redis once its jobs are gone (finished send jobs are deleted, SEND_JOB_OPTIONS).
   * Its counters and which batches finished stay, for the progress and results.
   */
  private async closePlan(id: string): Promise<void> {
    await this.deps.store.redis.broadcastClosePlan(this.deps.keys.alertPlan(id));
  }

  /** Remove a cancelled alert's batches still waiting, so they do not take the queue's rate for nothing. */
  private async dropQueuedBatches(id: string): Promise<void> {
    const queues = this.deps.queues!;
    const plan = await this.deps.store.plan(id);
    for (const channel of PUSH_CHANNELS) {
      const last = plan.batches[channel] ?? 0;
      for (let n = 1; n <= last; n++) await queues.send[channel].remove(sendJobId(id, channel, n)).catch(() => 0);
    }
  }

  /**
   * Start sending (or schedule it): the alert joins the active set, its status is written, then its
   * plan job is added (delayed until `scheduledAt`). A crash between the last two is repaired by
   * `reconcile`, which every worker process runs.
   */
  private async start(id: string, from: AlertStatus, audit: Omit<AuditEntry, 'at'>, amend: (a: Alert) => Alert): Promise<Alert> {
    const queues = this.deps.queues;
    if (!queues) throw new AlertRefused(503, 'broadcast_unavailable', 'Sending is not available from this server.');
    const now = this.deps.clock();
    const current = await this.deps.store.get(id);
    const at = Math.max(now, current?.scheduledAt ?? now);
    await this.deps.store.redis.zadd(this.deps.keys.alertsActive, at, id);
    const next = await this.deps.store.update(id, (a) => {
      if (a.status !== from) throw new AlertRefused(409, 'state_changed', `This alert is now ${a.status}.`);
      const to: AlertStatus = (a.scheduledAt ?? 0) > now ? 'scheduled' : 'sending';
      return { alert: { ...amend(a), status: to }, audit: { ...audit, from, to } };
    });
    await this.addPlanJob(next!, now);
    this.deps.source?.forget(id);
    return next!;
  }

  private async addPlanJob(alert: Alert, now: number): Promise<void> {
    const delay = Math.max(0, (alert.scheduledAt ?? now) - now);
    await this.deps.queues!.plan.add('plan', { alertId: alert.id }, { ...PLAN_JOB_OPTIONS, jobId: planJobId(alert.id), ...(delay ? { delay } : {}) });
  }

  /** Worker: scheduled → sending as its plan job starts. */
  async startSending(id: string): Promise<Alert | undefined> {
    const next = await this.deps.store.update(id, (a) =>
      a.status === 'scheduled' ? { alert: { ...a, status: 'sending' }, audit: system('sending', { from: 'scheduled', to: 'sending' }) } : undefined,
    );
    this.deps.source?.forget(id);
    return next;
  }

  /** Worker: sending → done when planning is complete and every batch finished. */
  async maybeFinish(id: string): Promise<void> {
    const plan = await this.deps.store.plan(id);
    if (!plan.complete || plan.pending > 0) return;
    await this.deps.store.update(id, (a) =>
      a.status === 'sending'
        ? { alert: { ...a, status: 'done' }, audit: system('done', { from: 'sending', to: 'done', note: `${plan.queued} residents got it in their inbox` }) }
        : undefined,
    );
    // Every batch finished: nothing will be re-added, so the plan's resident lists can go (closed
    // before leaving the active set, so `reconcile` repairs a stop in between).
    await this.closePlan(id);
    await this.deps.store.redis.zrem(this.deps.keys.alertsActive, id);
  }

  /** Worker: every active alert has a plan job or a finished plan (repairs a crash mid-start). */
  async reconcile(): Promise<void> {
    const queues = this.deps.queues;
    if (!queues) return;
    const now = this.deps.clock();
    const ids = await this.deps.store.redis.zrangebyscore(this.deps.keys.alertsActive, '-inf', now + 60_000);
    for (const id of ids) {
      const alert = await this.deps.store.get(id);
      if (!alert || (alert.status !== 'scheduled' && alert.status !== 'sending')) {
        // Gone, over, or its start never got written: not active. Over: its plan closed first (a
        // process that stopped between the status and the close left it open).
        if (alert?.status === 'done' || alert?.status === 'cancelled') await this.closePlan(id);
        if (!alert || alert.status === 'done' || alert.status === 'cancelled' || (alert.updatedAt < now - 60_000)) {
          await this.deps.store.redis.zrem(this.deps.keys.alertsActive, id);
        }
        continue;
      }
      const plan = await this.deps.store.plan(id);
      if (plan.complete) {
        await this.maybeFinish(id);
        continue;
      }
      if (!(await queues.plan.getJob(planJobId(id)))) {
        this.deps.log.warn('active alert had no plan job; added again', { alert: id });
        await this.addPlanJob(alert, now);
      }
    }
    await this.dropFinishedSends(queues);
  }

  /**
   * Send jobs are deleted as they finish (SEND_JOB_OPTIONS); any still kept finished (added before
   * that option, by an older version) are deleted here, a thousand per queue and look, so no batch's
   * resident ids outlive it. An empty set costs one small script call per queue.
   */
  private async dropFinishedSends(queues: BroadcastQueues): Promise<void> {
    for (const channel of PUSH_CHANNELS) {
      for (const state of ['completed', 'failed'] as const) await queues.send[channel].clean(0, 1000, state);
    }
  }

  // ── Progress and results ───────────────────────────────────────────────────────────────────

  async progress(alert: Alert): Promise<Progress> {
    const [stats, plan] = await Promise.all([this.deps.store.stats(alert.id), this.deps.store.plan(alert.id)]);
    return progressOf(alert, stats, plan);
  }

  async results(alert: Alert): Promise<Results> {
    const [stats, plan] = await Promise.all([this.deps.store.stats(alert.id), this.deps.store.plan(alert.id)]);
    const answered = stats.recognised + stats.missed;
    return { ...stats, queued: plan.queued, audience: plan.matched, recognisedShare: answered ? stats.recognised / answered : null };
  }

  // ── Checks ─────────────────────────────────────────────────────────────────────────────────

  private by(account: Account, action: string, more: Partial<Omit<AuditEntry, 'at' | 'by' | 'byName' | 'action'>> = {}): Omit<AuditEntry, 'at'> {
    return { by: account.id, byName: account.name, action, ...more };
  }

  private mustCover(account: Account, area: AreaRef, what: string): void {
    if (areaCovers(account.area, area)) return;
    const areas = this.deps.areas;
    throw new AlertRefused(
      403,
      'out_of_area',
      `You cannot ${what}: its audience is ${areas.describeArea(area)}, outside your area (${areas.describeArea(account.area)}).`,
    );
  }

  private mustBeAuthor(account: Account, alert: Alert, what: string): void {
    if (alert.createdBy !== account.id) {
      throw new AlertRefused(403, 'not_author', `Only its author (${alert.createdByName}) can ${what} this alert.`);
    }
  }

  private checkAudience(account: Account, audience: Audience): void {
    const check = this.deps.areas.check(audience.area);
    if (!check.ok) {
      throw new AlertRefused(400, 'unknown_area', `audience.area.${check.field}: ${check.message}`, { field: `audience.area.${check.field}` });
    }
    const areas = this.deps.areas;
    if (!areaCovers(account.area, audience.area)) {
      throw new AlertRefused(
        403,
        'out_of_area',
        `You can send alerts only to your own area (${areas.describeArea(account.area)}); ${areas.describeArea(audience.area)} is outside it.`,
      );
    }
    this.checkLesson('audience.finished', audience.finished);
    this.checkLesson('audience.notFinished', audience.notFinished);
  }

  private checkLesson(field: string, lessonId: string | undefined): void {
    if (lessonId === undefined || this.deps.flows.byId.has(lessonId)) return;
    const valid = this.deps.flows.list.map((c) => c.flow.id);
    throw new AlertRefused(400, 'unknown_lesson', `${field}: no lesson "${lessonId}"; use one of ${valid.join(', ')}.`, { field, valid });
  }

  private imageChange(text: string | undefined): ImageInput {
    if (text === undefined) return { op: 'keep' };
    const decoded = decodeImage(text);
    if (!decoded.ok) throw new AlertRefused(400, 'invalid_image', decoded.message, { field: 'image' });
    return { op: 'set', type: decoded.type, data: decoded.data, sha256: decoded.sha256 };
  }
}

/** An image change, with the picture's hash when one is set. */
type ImageInput = Exclude<ImageChange, { op: 'set' }> | (Extract<ImageChange, { op: 'set' }> & { sha256: string });

function system(action: string, more: Partial<AuditEntry>): Omit<AuditEntry, 'at'> {
  return { by: 'system', byName: 'system', action, ...more };
}

function setOptional<K extends 'scamType' | 'lessonId' | 'scheduledAt'>(alert: Alert, key: K, value: Alert[K] | null | undefined): void {
  if (value === undefined) return;
  if (value === null) delete alert[key];
  else alert[key] = value;
}

export function progressOf(alert: Alert, stats: Record<AlertCounter, number>, plan: PlanState): Progress {
  const handled = stats.sent + stats.failed + stats.unreachable + stats.skipped;
  return {
    id: alert.id,
    status: alert.status,
    planned: plan.complete,
    audience: plan.matched,
    queued: plan.queued,
    notReachableNow: stats.notReachableNow,
    sent: stats.sent,
    failed: stats.failed,
    unreachable: stats.unreachable,
    skipped: stats.skipped,
    inFlight: Math.max(0, plan.queued - handled),
    batches: { planned: plan.batchesPlanned, finished: plan.batchesPlanned - plan.pending, failed: plan.batchesFailed },
  };
}
