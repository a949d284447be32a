/**
 * Public pages of lesson links, and the coach page's static files:
 *
 * - `GET /l/:code` — the resident's landing page (HTML, no JavaScript); 404 for an unknown code,
 *   410 for an expired or revoked link or a removed lesson, each a kind page offering the menu.
 * - `GET /l/:code/qr.svg`, `/l/:code/qr.png` — QR codes of the landing page's address
 *   (PUBLIC_BASE_URL when set, else the address the request came to), kept by the browser until the
 *   link ends; errors as JSON.
 * - `/coach/` — the coach page (src/web/coach/), which talks to the admin API under /api/v1.
 *
 * Codes are matched case-insensitively (`/l/hs7k3p9q` works). Opening a page does not count as a use
 * of the link: a use is the bot receiving the code.
 */
import { dirname, join } from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import type { CompiledFlow, FlowSet } from '../../engine/flowset.js';
import { localize } from '../../engine/text.js';
import type { Locale } from '../../flows/schema.js';
import { isUnavailable, sendError } from '../../http/errors.js';
import { errorFields, type Logger } from '../../log.js';
import { SIMULATOR_DIR } from '../../paths.js';
import { findCode, type Link } from '../link.js';
import type { LinkStore } from '../link-store.js';
import { PAGE_CSP, renderGone, renderLanding, renderUnavailable, type Sender } from './landing.js';
import { qrPng, qrSvg } from './qr.js';
import type { GoneReason } from './words.js';

/** The coach page's static files, beside the simulator's in both layouts (src/ and dist/src/). */
export const COACH_DIR = join(dirname(SIMULATOR_DIR), 'coach');

export interface CoachingPagesDeps {
  config: Config;
  flows: FlowSet;
  links: LinkStore;
  log: Logger;
  /** Milliseconds since the epoch: when the link ends is counted on it (the links' own clock). */
  clock?: () => number;
}

/** The landing page's address for a code: `https://bot.example.vn/l/HS7K3P9Q`. */
export function landingUrl(base: string, code: string): string {
  return `${base.replace(/\/+$/, '')}/l/${encodeURIComponent(code)}`;
}

/** Where Messenger and Zalo open, when the bot is on them. MESSENGER_PAGE_NAME may not be in every Config. */
export function openUrls(config: Config, code: string): { zalo?: string; messenger?: string; web: string } {
  const page = (config as { MESSENGER_PAGE_NAME?: unknown }).MESSENGER_PAGE_NAME;
  return {
    ...(config.ZALO_OA_ID ? { zalo: `https://zalo.me/${encodeURIComponent(config.ZALO_OA_ID)}` } : {}),
    ...(typeof page === 'string' && page ? { messenger: `https://m.me/${encodeURIComponent(page)}?ref=${encodeURIComponent(code)}` } : {}),
    web: `/?code=${encodeURIComponent(code)}`,
  };
}

type Lookup =
  | { ok: true; code: string; link: Link; lesson: CompiledFlow }
  | { ok: false; code?: string; reason: GoneReason; lesson?: CompiledFlow };

const STATUS: Record<GoneReason, number> = { unknown: 404, expired: 410, revoked: 410, lesson: 410 };
const JSON_ERROR: Record<GoneReason, [code: string, message: string]> = {
  unknown: ['link_not_found', 'No link has this code.'],
  expired: ['link_expired', 'This link has expired.'],
  revoked: ['link_revoked', 'This link was revoked.'],
  lesson: ['lesson_removed', 'The lesson of this link no longer exists.'],
};

export function coachingPages(deps: CoachingPagesDeps): Router {
  const { config, flows, links, log, clock = Date.now } = deps;

  async function lookup(param: string): Promise<Lookup> {
    const code = findCode(param);
    if (!code) return { ok: false, reason: 'unknown' };
    const r = await links.resolve(code);
    if (!r.ok) {
      const known = r.reason === 'unknown' ? undefined : await links.get(code);
      const lesson = known ? flows.byId.get(known.lessonId) : undefined;
      return { ok: false, code, reason: r.reason, ...(lesson ? { lesson } : {}) };
    }
    const lesson = flows.byId.get(r.link.lessonId);
    return lesson ? { ok: true, code, link: r.link, lesson } : { ok: false, code, reason: 'lesson' };
  }

  const base = (req: Request) => config.PUBLIC_BASE_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;

  function sendPage(res: Response, status: number, body: string): void {
    res
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': PAGE_CSP,
        'Referrer-Policy': 'no-referrer',
        'X-Robots-Tag': 'noindex',
        'X-Content-Type-Options': 'nosniff',
      })
      .send(body);
  }

  const router = Router();

  router.get('/l/:code', async (req, res) => {
    const locale: Locale = req.query.lang === 'en' ? 'en' : 'vi';
    const switchTo = locale === 'vi' ? '?lang=en' : '?lang=vi';
    try {
      const found = await lookup(req.params.code);
      if (!found.ok) {
        const lessonTitle = found.lesson && (found.reason === 'expired' || found.reason === 'revoked') ? localize(found.lesson.flow.title, locale) : undefined;
        sendPage(res, STATUS[found.reason], renderGone({ locale, reason: found.reason, code: found.code, lessonTitle, menuUrl: '/' }, switchTo));
        return;
      }
      const { link, lesson, code } = found;
      const from: Sender = link.sharedBy ? { kind: 'share' } : link.senderName ? { kind: 'coach', name: link.senderName } : { kind: 'someone' };
      const view = {
        locale,
        code,
        lesson: { title: localize(lesson.flow.title, locale), summary: localize(lesson.flow.summary, locale) },
        from,
        open: openUrls(config, code),
        address: link.address,
      };
      sendPage(res, 200, renderLanding(view, switchTo));
    } catch (err) {
      // A resident gets an apology page, never a JSON error or a stack trace.
      log.error('landing page failed', errorFields(err));
      if (isUnavailable(err)) res.set('Retry-After', '30');
      sendPage(res, isUnavailable(err) ? 503 : 500, renderUnavailable(locale, switchTo));
    }
  });

  for (const type of ['svg', 'png'] as const) {
    router.get(`/l/:code/qr.${type}`, async (req, res) => {
      const found = await lookup(req.params.code);
      if (!found.ok) {
        const [code, message] = JSON_ERROR[found.reason];
        sendError(res, STATUS[found.reason], code, message);
        return;
      }
      const url = landingUrl(base(req), found.code);
      // A code's QR code never changes, so the coach's browser may keep it until the link ends: the
      // coach page fetches the QR codes of the listed links ahead, to show them at a door without
      // signal. Private: a shared cache would go on answering 200 for a link revoked meanwhile.
      const secondsLeft = Math.max(0, Math.floor((found.link.expiresAt - clock()) / 1000));
      res.set('Cache-Control', `private, max-age=${secondsLeft}, immutable`);
      if (type === 'svg') res.type('image/svg+xml').send(await qrSvg(url));
      else res.type('image/png').send(await qrPng(url));
    });
  }

  router.use('/coach', express.static(COACH_DIR, { index: 'index.html' }));
  return router;
}
