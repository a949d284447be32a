/**
 * Lesson links for coaches: create one (a code, how to open it on each channel, QR codes), list
 * one's own, revoke one's own. Another account's link answers 404, like a code that does not
 * exist, so codes cannot be probed.
 */
import type { Request } from 'express';
import { loadLinkResidents } from '../coaching/coach-view.js';
import type { LinkWithUses } from '../coaching/link-store.js';
import { qrSvg } from '../coaching/pages/qr.js';
import type { FlowSet } from '../engine/flowset.js';
import { coachViewDeps } from './coach.js';
import { ApiError, route, type ApiDeps } from './route.js';
import { LinkList, LinkParams, LinkView, NewLink, iso } from './schemas.js';

/** PUBLIC_BASE_URL, or the origin the request came to (behind a proxy: its X-Forwarded-Proto/Host). */
export function baseUrl(req: Request, deps: ApiDeps): string {
  return deps.config.PUBLIC_BASE_URL ?? `${req.protocol}://${req.host}`;
}

function lessonTitle(flows: FlowSet, lessonId: string): LinkView['lessonTitle'] {
  const title = flows.byId.get(lessonId)?.flow.title;
  return title ? { vi: title.vi, ...(title.en ? { en: title.en } : {}) } : { vi: lessonId };
}

/** A stored link as the API shows it, with every way to open it. */
export function linkView(link: LinkWithUses, base: string, deps: ApiDeps): LinkView {
  const { code } = link;
  const page = deps.config.MESSENGER_PAGE_NAME;
  const oa = deps.config.ZALO_OA_ID;
  const zaloUrl = oa ? `https://zalo.me/${oa}` : null;
  return {
    code,
    lessonId: link.lessonId,
    lessonTitle: lessonTitle(deps.flows, link.lessonId),
    ...(link.note ? { note: link.note } : {}),
    ...(link.address ? { address: link.address } : {}),
    createdAt: iso(link.createdAt),
    expiresAt: iso(link.expiresAt),
    uses: link.uses,
    revoked: link.revoked,
    landingUrl: `${base}/l/${code}`,
    open: {
      web: `${base}/?code=${code}`,
      messenger: page ? `https://m.me/${page}?ref=${code}` : null,
      zalo: {
        url: zaloUrl,
        // Residents know "the commune's Zalo page", not "OA" (QA at doorsteps).
        instruction: {
          vi: `Mở trang Zalo của xã${zaloUrl ? ` (${zaloUrl})` : ''} rồi gửi mã ${code}`,
          en: `Open the commune's Zalo page${zaloUrl ? ` (${zaloUrl})` : ''} and send the code ${code}`,
        },
      },
    },
    qr: { svg: `${base}/l/${code}/qr.svg`, png: `${base}/l/${code}/qr.png` },
  };
}

/**
 * A link just made, with its QR code's SVG itself (about 2 kB, a third of that compressed): the coach
 * page shows it from this answer, so a signal that drops right after "Create link" still leaves the
 * QR code on the screen. Lists give the addresses only.
 */
async function madeView(link: LinkWithUses, req: Request, deps: ApiDeps): Promise<LinkView> {
  const view = linkView(link, baseUrl(req, deps), deps);
  return { ...view, qr: { ...view.qr, inlineSvg: await qrSvg(view.landingUrl) } };
}

const LINK_ROLES = ['coach', 'official', 'admin'] as const;

const createLink = route({
  method: 'post', path: '/links', operationId: 'createLink', tag: 'links',
  summary: 'Create a lesson link for a resident',
  description: 'Answers the code, the landing page, how to open it on the web, Messenger and Zalo, and its QR codes (their addresses, and the SVG itself as `qr.inlineSvg`). The resident is told the link comes from the account\'s name. ' +
    'With an `idempotencyKey`, a retry of the same request (its answer lost on a weak connection) answers the same link instead of making a second one.',
  roles: LINK_ROLES, body: NewLink, response: LinkView, status: 201, errors: [409],
  handle: async ({ account, body, req, deps }) => {
    if (!deps.flows.byId.has(body.lessonId)) {
      const valid = deps.flows.list.map((c) => c.flow.id);
      throw new ApiError(400, 'unknown_lesson', `lessonId: no lesson "${body.lessonId}"; use one of ${valid.join(', ')}.`, {
        field: 'lessonId',
        valid,
      });
    }
    const input = {
      lessonId: body.lessonId,
      coachId: account.id,
      senderName: account.name,
      note: body.note || undefined,
      address: body.address,
      expiresInDays: body.expiresInDays,
    };
    if (!body.idempotencyKey) return madeView(await deps.links.create(input), req, deps);
    const made = await deps.links.createOnce({ ...input, key: body.idempotencyKey });
    if (made.outcome === 'key-reused') {
      throw new ApiError(409, 'idempotency_key_reused', `idempotencyKey: already used for the link ${made.link.code} with another lesson, note, form of address or duration; send a new key for a new link.`, { field: 'idempotencyKey' });
    }
    return madeView(made.link, req, deps);
  },
});

const listLinks = route({
  method: 'get', path: '/links', operationId: 'listLinks', tag: 'links',
  summary: 'The links this account created, newest first (the last 100)',
  description: 'To a coach or an admin, each link also says how the residents it brought are doing with its lesson (`residents`), as GET /coach/residents may show them.',
  roles: LINK_ROLES, response: LinkList, status: 200,
  handle: async ({ account, req, deps }) => {
    const base = baseUrl(req, deps);
    const links = await deps.links.listForCoach(account.id);
    // The same people GET /coach/residents shows, so the same roles: an official's links only say how often they were opened.
    const residents = account.role === 'official' ? undefined : await loadLinkResidents(coachViewDeps(deps), account.id, links);
    return { links: links.map((l) => ({ ...linkView(l, base, deps), ...(residents?.has(l.code) ? { residents: residents.get(l.code)! } : {}) })) };
  },
});

const revokeLink = route({
  method: 'post', path: '/links/{code}/revoke', operationId: 'revokeLink', tag: 'links',
  summary: 'Revoke one of this account\'s links: residents who open it are told kindly and offered the menu',
  roles: LINK_ROLES, params: LinkParams, response: LinkView, status: 200, errors: [404],
  handle: async ({ account, params, req, deps }) => {
    const link = await deps.links.revoke(params.code, account.id);
    if (!link) throw new ApiError(404, 'link_not_found', `You have no link ${params.code}.`);
    return linkView(link, baseUrl(req, deps), deps);
  },
});

export const linkRoutes = [createLink, listLinks, revokeLink];
