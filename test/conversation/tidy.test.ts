/**
 * Residents whose state is gone (it expired, or a deletion's removal failed) leave the alerts'
 * audiences and the coaches' lists: one process a day does it for all. Real app and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropGoneResidents, startTidying } from '../../src/conversation/tidy.js';
import { createKeys, type Keys } from '../../src/store/keys.js';
import { waitUntil } from '../broadcast/seed.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let keys: Keys;

beforeAll(async () => {
  server = await startTestServer({ flowsDir: 'test/fixtures/flows' });
  keys = createKeys(server.prefix);
});
afterAll(async () => {
  await server.close();
});

/** A resident who really wrote (the web chat), so their state and audiences are the bot's own. */
async function residentWhoWrote(userId: string): Promise<string> {
  const res = await fetch(`${server.url}/channels/web/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, text: 'xin chào' }) });
  expect(res.status).toBe(200);
  const rid = `web:${userId}`;
  await waitUntil('state written', async () => (await server.redis.exists(keys.resident(rid).state)) === 1, 10_000, 10);
  await waitUntil('in the web audience', async () => (await server.redis.sismember(keys.audienceChannel('web'), rid)) === 1, 10_000, 10);
  return rid;
}

const inSet = (key: string, rid: string) => server.redis.sismember(key, rid).then((n) => n === 1);
const inList = (coachId: string, rid: string) => server.redis.zscore(keys.coachResidents(coachId), rid).then((s) => s !== null);

describe('tidying residents who are gone', () => {
  it('takes them out of every audience set and coach\'s list, and only them', async () => {
    const stays = await residentWhoWrote('tidy-stays');
    const gone = 'messenger:tidy-gone';
    const sets = [keys.audienceChannel('messenger'), keys.audienceLocale('vi'), keys.audienceArea('01'), keys.audienceArea('01//00004'), keys.audienceAlertsOff];
    for (const set of sets) await server.redis.sadd(set, gone);
    await server.redis.sadd(keys.audienceArea('01'), stays);
    for (const coach of ['coach-a', 'coach-b']) await server.redis.zadd(keys.coachResidents(coach), 1, gone, 2, stays);

    const d = { redis: server.redis, keys };
    expect(await dropGoneResidents(d)).toEqual({ audiences: sets.length, coachLists: 2 });
    for (const set of sets) expect(await inSet(set, gone)).toBe(false);
    for (const set of [keys.audienceChannel('web'), keys.audienceLocale('vi'), keys.audienceArea('01')]) expect(await inSet(set, stays)).toBe(true);
    for (const coach of ['coach-a', 'coach-b']) {
      expect(await inList(coach, gone)).toBe(false);
      expect(await inList(coach, stays)).toBe(true);
    }
    expect(await dropGoneResidents(d)).toEqual({ audiences: 0, coachLists: 0 });
  });

  it('every process looks, one a day tidies: the others find the day taken', async () => {
    await server.redis.sadd(keys.audienceLocale('vi'), 'messenger:tidy-gone-2');
    const logs = [memoryLog(), memoryLog()];
    const tidying = logs.map((log) => startTidying({ redis: server.redis, keys }, log, Date.now, 5));
    await waitUntil('tidied', async () => !(await inSet(keys.audienceLocale('vi'), 'messenger:tidy-gone-2')), 10_000, 5);
    await server.redis.sadd(keys.audienceLocale('vi'), 'messenger:tidy-gone-3'); // after the day's tidy: stays till the next day's
    await new Promise((r) => setTimeout(r, 50)); // several more looks by both
    await Promise.all(tidying.map((t) => t.stop()));
    expect(await inSet(keys.audienceLocale('vi'), 'messenger:tidy-gone-3')).toBe(true);
    expect(logs.flatMap((l) => l.lines)).toEqual([
      { level: 'info', msg: 'residents without a state taken out of audiences and coaches\' lists', fields: { audiences: 1, coachLists: 0 } },
    ]);
    expect(await server.redis.pttl(keys.tidyLock)).toBeGreaterThan(23 * 60 * 60 * 1000);
  });

  it('a failed tidy is logged and tried again at the next look', async () => {
    await server.redis.del(keys.tidyLock);
    await server.redis.sadd(keys.audienceLocale('vi'), 'messenger:tidy-gone-4');
    await server.redis.set(keys.coachResidents('coach-broken'), 'not a sorted set'); // ZSCAN fails on it
    const log = memoryLog();
    const tidying = startTidying({ redis: server.redis, keys }, log, Date.now, 5);
    await waitUntil('failure logged', () => log.lines.length > 0, 10_000, 5);
    expect(log.lines[0]).toMatchObject({ level: 'warn', msg: 'audiences and coaches\' lists not tidied; trying again later' });
    await server.redis.del(keys.coachResidents('coach-broken'));
    await server.redis.zadd(keys.coachResidents('coach-c'), 1, 'messenger:tidy-gone-5');
    await waitUntil('tried again', () => log.lines.some((l) => l.level === 'info'), 10_000, 5);
    await tidying.stop();
    expect(log.lines.find((l) => l.level === 'info')).toEqual({
      level: 'info', msg: 'residents without a state taken out of audiences and coaches\' lists', fields: { audiences: 0, coachLists: 1 },
    });
    expect(await inSet(keys.audienceLocale('vi'), 'messenger:tidy-gone-4')).toBe(false); // the audiences went in the failed try
  });
});
