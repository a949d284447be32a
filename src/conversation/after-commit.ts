/**
 * What follows a committed turn, outside the resident's Redis slot and so best effort: analytics
 * events, coaches' bookkeeping, broadcast audiences and alert counters, residents' reports to
 * officials (and, when a resident deletes their data, the report keys under their anonymous id), and
 * the review follow-up.
 * A failure here is logged and never undoes or repeats the turn. Each part touches Redis only when
 * the turn changed something it keeps, so an ordinary turn costs no extra round trip.
 */
import { pushChannelOf } from '../channels/window.js';
import { nextReviewAt } from '../engine/review.js';
import type { ResidentState } from '../engine/state.js';
import type { StepResult } from '../engine/types.js';
import type { FlowSet } from '../engine/flowset.js';
import { errorFields, type Logger } from '../log.js';
import type { ResidentStore } from '../store/resident-store.js';
import { recordAlertEvents, recordAudience, type Bookkeeping } from './audience.js';
import { forAnalytics, recordReports, type ReportSink } from '../reports/record.js';
import { forgetInCoachLists, recordReferralEvents, type ReferralDeps } from './referrals.js';

export interface AfterCommitDeps {
  store: ResidentStore;
  flows: FlowSet;
  log: Logger;
  referrals?: ReferralDeps | undefined;
  bookkeeping?: Bookkeeping | undefined;
  /** Residents' reports to officials (src/reports/); without it, a consented report is only logged as an event. */
  reports?: ReportSink | undefined;
}

/** When to offer a follow-up: a future due time only, since a passed one was offered (or the resident is here). */
function followUpAt(state: ResidentState | null, flows: FlowSet, now: number): number | undefined {
  const due = state ? nextReviewAt(state, flows) : undefined;
  return due !== undefined && due > now ? due : undefined;
}

export function afterCommit(deps: AfterCommitDeps, residentId: string, before: ResidentState | null, result: StepResult, now: number): void {
  const warn = (what: string) => (err: unknown) => deps.log.warn(what, errorFields(err));
  const after = result.state;
  const anonId = after?.anonId ?? before?.anonId;
  if (anonId && after) {
    const events = result.events.some((e) => e.type === 'report_made') ? (result.events.map(forAnalytics) as typeof result.events) : result.events;
    deps.store.recordEvents(anonId, events, now).catch(warn('analytics events not recorded'));
  }
  if (deps.reports && after) {
    recordReports(deps.reports, after, result.events)
      .then((done) => {
        for (const r of done) if (r.status === 'limited') deps.log.info('report not taken: the resident reached the daily limit');
      })
      .catch(warn('report not stored'));
  }
  // Deleted: their report keys (texts' fingerprints, daily counts) go too, best effort like the rest
  // (they expire within 30 days anyway). The reports they already made stay with the officials: each
  // was shared with their consent, is masked, and is kept under no resident id (see src/reports/retention.ts).
  if (deps.reports && !after && before) {
    deps.reports.forget(before.anonId, before.area).catch(warn('report keys not deleted'));
  }
  if (deps.referrals) {
    const done = after
      ? recordReferralEvents(deps.referrals, residentId, result.events, now)
      : forgetInCoachLists(deps.referrals, residentId, coachesOf(before));
    done.catch(warn('coach bookkeeping not recorded'));
  }
  if (deps.bookkeeping) {
    const b = deps.bookkeeping;
    recordAudience(b, residentId, before, after)
      .then(() => recordAlertEvents(b, result.events))
      .catch(warn('audience or alert counters not recorded'));
  }
  // Only residents on a channel we can write to first (within its window) get review follow-ups.
  if (pushChannelOf(residentId)) {
    const at = followUpAt(after, deps.flows, now);
    if (at !== followUpAt(before, deps.flows, now)) deps.store.scheduleFollowup(residentId, at).catch(warn('review follow-up not scheduled'));
  }
}

/** Every coach whose list may name the resident: those they follow, and the one whose link brought them (listed on arrival). */
function coachesOf(state: ResidentState | null): string[] {
  const arrived = state?.arrivedBy?.coachId;
  return [...new Set([...(state?.coaches ?? []), ...(arrived ? [arrived] : [])])];
}
