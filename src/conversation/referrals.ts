/**
 * Lesson links around the engine: looking a code up before the turn (the engine is pure, so it is
 * handed the link), and after the commit, the bookkeeping coaches see: who they reached, how far
 * their lessons rippled, and the resident's own share link. All best effort after the commit: a
 * lost count never loses a turn.
 */
import type { AccountStore } from '../accounts/store.js';
import { findCode, SHARED_BY_RESIDENT } from '../coaching/link.js';
import { SHARE_LINK_DAYS, type LinkStore } from '../coaching/link-store.js';
import type { EngineEvent, Input } from '../engine/types.js';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';

const DAY = 24 * 60 * 60 * 1000;

export interface ReferralDeps {
  links: LinkStore;
  accounts: AccountStore;
  redis: ScriptedRedis;
  keys: Keys;
}

/** The code a message carries: a referral `ref`, or a code typed anywhere in a text. */
export function codeIn(input: Input): string | undefined {
  if (input.type === 'start' && input.ref) return findCode(input.ref);
  if (input.type === 'text') return findCode(input.text);
  return undefined;
}

/** Replace a message carrying a code by a referral the engine can act on. */
export async function withReferral(input: Input, deps: Pick<ReferralDeps, 'links' | 'accounts'>): Promise<Input> {
  const code = codeIn(input);
  if (!code) return input;
  const found = await deps.links.resolve(code);
  if (!found.ok) return { type: 'referral', code, invalid: found.reason };
  const { link } = found;
  const coach = link.coachId ? await deps.accounts.get(link.coachId) : undefined;
  return {
    type: 'referral',
    code,
    link: {
      lessonId: link.lessonId,
      depth: link.depth,
      ...(link.coachId ? { coachId: link.coachId } : {}),
      ...(link.senderName && !link.sharedBy ? { senderName: link.senderName } : {}),
      ...(link.address && !link.sharedBy ? { address: link.address } : {}),
      ...(coach?.area.commune ? { area: coach.area } : {}),
    },
  };
}

export async function recordReferralEvents(
  deps: ReferralDeps,
  residentId: string,
  events: readonly EngineEvent[],
  now: number,
): Promise<void> {
  for (const e of events) {
    if (e.type === 'referral_used') {
      await deps.links.recordUse(e.code);
      if (!e.coachId) continue;
      if (e.depth === 0) {
        await deps.redis.zadd(deps.keys.coachResidents(e.coachId), 'NX', now, residentId);
      } else if (e.first) {
        await deps.redis.hincrby(deps.keys.coachRipple(e.coachId), 'neighbours', 1);
        const deepest = Number((await deps.redis.hget(deps.keys.coachRipple(e.coachId), 'deepest')) ?? 0);
        if (e.depth > deepest) await deps.redis.hset(deps.keys.coachRipple(e.coachId), 'deepest', e.depth);
        const coach = await deps.accounts.get(e.coachId);
        if (coach) {
          const area = [coach.area.province, coach.area.district ?? '', coach.area.commune ?? ''].join('/');
          await deps.redis.hincrby(deps.keys.areaRipple, area, 1);
        }
      }
    } else if (e.type === 'share_offered') {
      await deps.links.ensureShare({
        code: e.code,
        lessonId: e.lessonId,
        sharedBy: SHARED_BY_RESIDENT,
        depth: e.depth,
        ...(e.coachId ? { coachId: e.coachId } : {}),
        createdAt: now,
        expiresAt: now + SHARE_LINK_DAYS * DAY,
        revoked: false,
      });
    }
  }
}

/** A resident who deleted their data disappears from their coaches' lists too. */
export async function forgetInCoachLists(deps: ReferralDeps, residentId: string, coachIds: readonly string[]): Promise<void> {
  for (const id of coachIds) await deps.redis.zrem(deps.keys.coachResidents(id), residentId);
}
