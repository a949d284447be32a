/**
 * Residents whose state is gone leave the lists that name them. A state expires 400 days after the
 * resident last wrote (STATE_TTL_SECONDS), and no turn of theirs comes then to take their id out of
 * the alerts' audience sets and their coaches' lists, as a turn does on a change or a deletion (best
 * effort: a failed removal leaves them there too). Their platform ids must not outlive the rest of
 * their data, and a coach's list must not fill up with residents who are no longer there.
 */
import type { Logger } from '../log.js';
import { startHousekeeping, takeTurn } from '../store/housekeeping.js';
import type { Keys } from '../store/keys.js';
import { eachMemberPage, perItem, type ScriptedRedis } from '../store/redis.js';

/** How often (at most) the lists are tidied, by one process for all (the lock's length). */
const TIDY_EVERY_MS = 24 * 60 * 60 * 1000;
/** How often each process asks whether a tidy is due. */
const TIDY_CHECK_MS = 30 * 60 * 1000;

export interface TidyDeps {
  redis: ScriptedRedis;
  keys: Keys;
}

/** How many ids a tidy took out: of audience sets, of coaches' lists (one per list a resident was in). */
export interface Tidied {
  audiences: number;
  coachLists: number;
}

/**
 * Take out of every audience set and every coach's list the residents who have no state any more.
 * One EXISTS per member, not their states: daily, that costs Redis little. Repairing what the sets say
 * about residents who are still there is `rebuildAudiences`' job (`npm run admin -- audiences`).
 */
export async function dropGoneResidents(d: TidyDeps): Promise<Tidied> {
  const goneOf = async (members: string[]) => {
    const present = await perItem(d.redis, members, (p, rid) => p.exists(d.keys.resident(rid).state));
    return members.filter((_, i) => present[i] === 0);
  };
  const tidied: Tidied = { audiences: 0, coachLists: 0 };
  await eachMemberPage(d.redis, d.keys.audiences, 'set', async (set, members) => {
    const gone = await goneOf(members);
    if (gone.length) tidied.audiences += await d.redis.srem(set, ...gone);
  });
  await eachMemberPage(d.redis, d.keys.coachResidentLists, 'zset', async (list, members) => {
    const gone = await goneOf(members);
    if (gone.length) tidied.coachLists += await d.redis.zrem(list, ...gone);
  });
  return tidied;
}

/**
 * The app's daily tidy: every process asks every TIDY_CHECK_MS, and the one that takes the day's turn
 * drops the residents who are gone; a failure is tried again at the next look.
 */
export function startTidying(d: TidyDeps, log: Logger, clock: () => number, everyMs = TIDY_CHECK_MS): { stop(): Promise<void> } {
  const tidyIfDue = async () => {
    if (!(await takeTurn(d.redis, d.keys.tidyLock, TIDY_EVERY_MS, clock()))) return undefined;
    // A failed tidy gives the day's turn back, so the next look (this process's or another's) tries again.
    return dropGoneResidents(d).catch(async (err: unknown) => {
      await d.redis.del(d.keys.tidyLock).catch(() => undefined);
      throw err;
    });
  };
  return startHousekeeping(tidyIfDue, {
    log,
    everyMs,
    report: (t) => (t && t.audiences + t.coachLists > 0 ? { msg: 'residents without a state taken out of audiences and coaches\' lists', fields: { ...t } } : undefined),
    failed: 'audiences and coaches\' lists not tidied; trying again later',
  });
}
