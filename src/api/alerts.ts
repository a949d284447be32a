/**
 * Officials' scam alerts: compose, estimate the audience, submit, approve, cancel, watch the
 * progress (JSON or server-sent events) and read the results; and how well an area's residents
 * recognise each scam type. The rules (own area only, a second official above the threshold, …)
 * live in src/broadcast/service.ts; this file maps them onto the route table.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { areaCovers, type Account } from '../accounts/schema.js';
import { AlertPatch, CANCELLABLE, NewAlert, type Alert, type AuditEntry } from '../broadcast/alert.js';
import { AlertRefused } from '../broadcast/errors.js';
import { recognition } from '../broadcast/recognition.js';
import type { BroadcastService, Progress } from '../broadcast/service.js';
import { alertImagePath } from '../broadcast/source.js';
import {
  AlertDetail, AlertList, AlertListQuery, AlertParams, AlertResponse, EstimateBody, EstimateView, ProgressView, RecognitionQuery,
  RecognitionView, ResultsView, type AlertView,
} from './alert-schemas.js';
import { baseUrl } from './links.js';
import { areaWithin } from './area-param.js';
import { ApiError, STREAMED, route, streamRoute, type ApiDeps } from './route.js';
import { iso } from './schemas.js';

const ALERT_ROLES = ['official', 'admin'] as const;
/** A 1 MB picture as base64 (1.33 MB), with the rest of the alert. */
const ALERT_BODY_LIMIT = 1.5 * 1024 * 1024;
/** How often the event stream looks at the counters. */
export const EVENTS_EVERY_MS = 500;
/** The stream ends once a finished alert's counters stood still this long (residents waiting out a platform's backoff). */
const EVENTS_SETTLE_MS = 30_000;
/** And after this long in any case (EventSource reconnects by itself). */
const EVENTS_MAX_MS = 60 * 60_000;

export function broadcast(deps: ApiDeps): BroadcastService {
  if (!deps.broadcast) throw new ApiError(503, 'broadcast_unavailable', 'Alerts are not available on this server.');
  return deps.broadcast;
}

/** Run a broadcast operation, answering its refusals as API errors. */
export async function refused<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (err instanceof AlertRefused) throw new ApiError(err.status, err.code, err.message, err.details);
    throw err;
  }
}

export function alertView(alert: Alert, account: Account, req: Request, deps: ApiDeps): AlertView {
  const mine = alert.createdBy === account.id;
  const covers = areaCovers(account.area, alert.audience.area);
  return {
    id: alert.id,
    status: alert.status,
    createdBy: alert.createdBy,
    createdByName: alert.createdByName,
    fromName: alert.fromName,
    text: alert.text,
    ...(alert.image
      ? { image: { type: alert.image.type, bytes: alert.image.bytes }, imagePath: alertImagePath(alert.id), imageUrl: `${baseUrl(req, deps)}/${alertImagePath(alert.id)}` }
      : {}),
    ...(alert.scamType ? { scamType: alert.scamType } : {}),
    ...(alert.lessonId ? { lessonId: alert.lessonId } : {}),
    ...(alert.match ? { match: alert.match } : {}),
    audience: alert.audience,
    audienceName: deps.areas.describeArea(alert.audience.area),
    ...(alert.scheduledAt ? { scheduledAt: iso(alert.scheduledAt) } : {}),
    approvals: alert.approvals.map((a) => ({ by: a.by, byName: a.byName, at: iso(a.at) })),
    ...(alert.submittedAudience !== undefined ? { submittedAudience: alert.submittedAudience } : {}),
    createdAt: iso(alert.createdAt),
    updatedAt: iso(alert.updatedAt),
    may: {
      edit: mine && alert.status === 'draft',
      submit: mine && alert.status === 'draft',
      approve: !mine && covers && alert.status === 'pending_approval',
      cancel: covers && CANCELLABLE.has(alert.status),
    },
  };
}

function auditView(entries: AuditEntry[]) {
  return entries.map((e) => ({
    at: iso(e.at), by: e.by, byName: e.byName, action: e.action,
    ...(e.from ? { from: e.from } : {}), ...(e.to ? { to: e.to } : {}), ...(e.note ? { note: e.note } : {}),
  }));
}

async function detail(alert: Alert, account: Account, req: Request, deps: ApiDeps): Promise<{ alert: AlertDetail }> {
  const audit = await broadcast(deps).audit(alert.id);
  return { alert: { ...alertView(alert, account, req, deps), audit: auditView(audit) } };
}
type AlertDetail = z.infer<typeof AlertDetail>;

const ERRORS = [403, 404, 409, 503] as const;

/** A handler that does one thing to the alert named in the path and answers with it, audit log included. */
function onAlert(action: (b: BroadcastService, account: Account, id: string) => Promise<Alert>) {
  return async ({ account, params, req, deps }: { account: Account; params: { id: string }; req: Request; deps: ApiDeps }) =>
    detail(await refused(() => action(broadcast(deps), account, params.id)), account, req, deps);
}

const createAlert = route({
  method: 'post', path: '/alerts', operationId: 'createAlert', tag: 'alerts',
  summary: 'Write a draft alert for residents of your area',
  description:
    'The audience area must lie inside your own. `image` is a PNG or JPEG of at most 1 MB, as base64 or a data: URL; ' +
    'residents are told the alert comes from your area ("UBND Xã …"). Nothing is sent until it is submitted.',
  roles: ALERT_ROLES, body: NewAlert, response: AlertResponse, status: 201, errors: [403], bodyLimit: ALERT_BODY_LIMIT,
  handle: async ({ account, body, req, deps }) => detail(await refused(() => broadcast(deps).create(account, body)), account, req, deps),
});

const updateAlert = route({
  method: 'patch', path: '/alerts/{id}', operationId: 'updateAlert', tag: 'alerts',
  summary: 'Edit your draft',
  description: 'Fields left out stay as they are; `null` removes `image`, `scamType`, `lessonId`, `match` or `scheduledAt`. Only the author, only while it is a draft.',
  roles: ALERT_ROLES, params: AlertParams, body: AlertPatch, response: AlertResponse, status: 200, errors: [403, 404, 409], bodyLimit: ALERT_BODY_LIMIT,
  handle: async ({ account, params, body, req, deps }) =>
    detail(await refused(() => broadcast(deps).update(account, params.id, body)), account, req, deps),
});

const listAlerts = route({
  method: 'get', path: '/alerts', operationId: 'listAlerts', tag: 'alerts',
  summary: 'The alerts for your area, newest first (the last 200)',
  description: 'Alerts whose audience lies inside your area; `?status=pending_approval` is the approval queue.',
  roles: ALERT_ROLES, query: AlertListQuery, response: AlertList, status: 200,
  handle: async ({ account, query, req, deps }) => ({
    alerts: (await broadcast(deps).list(account, query.status)).map((a) => alertView(a, account, req, deps)),
  }),
});

const getAlert = route({
  method: 'get', path: '/alerts/{id}', operationId: 'getAlert', tag: 'alerts',
  summary: 'One alert, with its audit log',
  roles: ALERT_ROLES, params: AlertParams, response: AlertResponse, status: 200, errors: [403, 404],
  handle: onAlert((b, account, id) => b.get(account, id)),
});

const estimateAudience = route({
  method: 'post', path: '/alerts/estimate', operationId: 'estimateAudience', tag: 'alerts',
  summary: 'How many residents an audience would reach, before writing the alert',
  description: 'As POST /alerts/{id}/estimate, for an audience given in the body.',
  roles: ALERT_ROLES, body: EstimateBody, response: EstimateView, status: 200, errors: [403],
  handle: async ({ account, body, deps }) => refused(() => broadcast(deps).estimateAudience(account, body.audience)),
});

const estimateAlert = route({
  method: 'post', path: '/alerts/{id}/estimate', operationId: 'estimateAlert', tag: 'alerts',
  summary: 'How many residents the alert would reach on each channel, and how many the platforms\' rules keep out of reach now',
  description:
    'Exact up to 50,000 residents in the area; above that, estimated from a random sample of 10,000 residents, ' +
    'with `margin` the ± on each count at 95 % confidence (at most 1 % of the area\'s residents). ' +
    '`needsApproval` says whether submitting it will wait for a second official.',
  roles: ALERT_ROLES, params: AlertParams, response: EstimateView, status: 200, errors: [403, 404],
  handle: async ({ account, params, deps }) => refused(() => broadcast(deps).estimate(account, params.id)),
});

const submitAlert = route({
  method: 'post', path: '/alerts/{id}/submit', operationId: 'submitAlert', tag: 'alerts',
  summary: 'Send your draft (or schedule it); over the approval threshold it waits for a second official',
  description:
    'Above BROADCAST_APPROVAL_THRESHOLD residents the alert becomes `pending_approval`; otherwise `scheduled` (a `scheduledAt` ahead) or `sending`. Only the author.',
  roles: ALERT_ROLES, params: AlertParams, response: AlertResponse, status: 200, errors: ERRORS,
  handle: onAlert((b, account, id) => b.submit(account, id)),
});

const approveAlert = route({
  method: 'post', path: '/alerts/{id}/approve', operationId: 'approveAlert', tag: 'alerts',
  summary: 'Approve a colleague\'s alert waiting for approval; it is then scheduled or sent',
  description: 'The approver must be another official (or admin) whose area covers the alert\'s audience: approving your own alert, or one outside your area, is refused with 403.',
  roles: ALERT_ROLES, params: AlertParams, response: AlertResponse, status: 200, errors: ERRORS,
  handle: onAlert((b, account, id) => b.approve(account, id)),
});

const cancelAlert = route({
  method: 'post', path: '/alerts/{id}/cancel', operationId: 'cancelAlert', tag: 'alerts',
  summary: 'Cancel an alert before it is done: sending stops within a second',
  description:
    'Residents whose message was already with the platform keep it; every other resident, including those with the alert already queued, does not get it. ' +
    'Its author, or anyone whose area covers its audience. Cancelling a cancelled alert changes nothing.',
  roles: ALERT_ROLES, params: AlertParams, response: AlertResponse, status: 200, errors: [403, 404, 409],
  handle: onAlert((b, account, id) => b.cancel(account, id)),
});

const progress = route({
  method: 'get', path: '/alerts/{id}/progress', operationId: 'alertProgress', tag: 'alerts',
  summary: 'Sending progress: queued, sent, failed, unreachable, not reachable now',
  roles: ALERT_ROLES, params: AlertParams, response: ProgressView, status: 200, errors: [403, 404],
  handle: async ({ account, params, deps }) => {
    const b = broadcast(deps);
    return b.progress(await refused(() => b.get(account, params.id)));
  },
});

const events = streamRoute({
  method: 'get', path: '/alerts/{id}/events', operationId: 'alertEvents', tag: 'alerts',
  summary: 'Live progress as server-sent events (with Accept: text/event-stream); otherwise the progress once, as JSON',
  description:
    'Each `message` event carries the progress (as GET /alerts/{id}/progress) when it changes, looked at every 500 ms. ' +
    'An `end` event follows once the alert is cancelled, or done with nothing left in flight (or its counters stood still 30 s): ' +
    'close the EventSource then, or it reconnects.',
  eventStream: 'data: <progress JSON> per change; then `event: end`.',
  roles: ALERT_ROLES, params: AlertParams, response: ProgressView, status: 200, errors: [403, 404], tokenInQuery: true,
  handle: async ({ account, params, req, res, deps }) => {
    const b = broadcast(deps);
    const alert = await refused(() => b.get(account, params.id));
    if (!(req.get('accept') ?? '').includes('text/event-stream')) return b.progress(alert);
    await streamProgress(b, params.id, req, res);
    return STREAMED;
  },
});

async function streamProgress(b: BroadcastService, id: string, req: Request, res: Response): Promise<void> {
  let open = true;
  req.on('close', () => {
    open = false;
  });
  res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  const started = performance.now();
  let last = '';
  let lastChange = performance.now();
  let lastWrite = performance.now();
  try {
    while (open && performance.now() - started < EVENTS_MAX_MS) {
      const alert = await b.peek(id);
      if (!alert) break;
      const p: Progress = await b.progress(alert);
      const json = JSON.stringify(p);
      if (json !== last) {
        res.write(`data: ${json}\n\n`);
        last = json;
        lastChange = lastWrite = performance.now();
      } else if (performance.now() - lastWrite > 15_000) {
        res.write(': still here\n\n');
        lastWrite = performance.now();
      }
      const settled = p.status === 'done' && (p.inFlight === 0 || performance.now() - lastChange > EVENTS_SETTLE_MS);
      if (p.status === 'cancelled' || settled) {
        res.write(`event: end\ndata: ${json}\n\n`);
        break;
      }
      await sleep(EVENTS_EVERY_MS);
    }
  } catch {
    if (open) res.write('event: error\ndata: {"error":"unavailable"}\n\n');
  }
  res.end();
}

const results = route({
  method: 'get', path: '/alerts/{id}/results', operationId: 'alertResults', tag: 'alerts',
  summary: 'What came of it: sent, failed, unreachable, not reachable now, shown, opened the quiz, recognised, missed',
  description: '`opened`: residents who opened the attached practice from the alert; `recognised` / `missed`: their answers to its questions.',
  roles: ALERT_ROLES, params: AlertParams, response: ResultsView, status: 200, errors: [403, 404],
  handle: async ({ account, params, deps }) => {
    const b = broadcast(deps);
    return b.results(await refused(() => b.get(account, params.id)));
  },
});

const recognitionStats = route({
  method: 'get', path: '/stats/recognition', operationId: 'recognitionStats', tag: 'alerts',
  summary: 'Per scam type, the share of quiz answers right among the area\'s residents',
  description:
    'From the residents\' quiz histories (quiz-bank items and lesson quizzes), found through the area\'s residents: all of them up to 20,000, ' +
    'otherwise a random sample of 5,000 (`exact: false`, with an approximate margin per type). The area must lie inside yours.',
  roles: ALERT_ROLES, query: RecognitionQuery, response: RecognitionView, status: 200, errors: [403],
  handle: async ({ account, query, deps }) => {
    const area = query.area ? areaWithin(account, query.area, deps) : account.area;
    const stats = await recognition({ redis: deps.redis, keys: deps.keys, flows: deps.flows }, area);
    return { area, areaName: deps.areas.describeArea(area), ...stats };
  },
});

export const alertRoutes = [
  createAlert, listAlerts, estimateAudience, getAlert, updateAlert, estimateAlert, submitAlert, approveAlert, cancelAlert,
  progress, events, results, recognitionStats,
];
