/** The commit-turn Lua script on a real Redis: commit, conflict, duplicate, delete, forgetting old ids, the web's lastInbound. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const WINDOW = 1000;
const TTL = 3600;
let redis: ScriptedRedis;
const prefix = uniquePrefix('lua');
const k = createKeys(prefix).resident('web:alice');
const commit = (rev: number, doc: string, msg: string, replies = '[]', now = 10_000, outbox: string[] = [], wroteKeepMs: number | '' = '') =>
  redis.commitTurn(k.state, k.seen, k.replies, k.inbox, k.inboxData, k.outbox, k.mailbox, k.contact, rev, doc, msg, replies, now, WINDOW, TTL, JSON.stringify(outbox), wroteKeepMs);

beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('commit-turn-8.lua', () => {
  it('commits from the right revision and refuses an outdated one', async () => {
    expect(await commit(0, '{"a":1}', 'm1', '[{"text":"hi"}]')).toEqual([1, 1]);
    expect(await redis.hgetall(k.state)).toEqual({ rev: '1', doc: '{"a":1}' });
    expect(await redis.ttl(k.state)).toBeGreaterThan(TTL - 5);
    // A second turn computed from revision 0 lost the race: nothing changes.
    expect(await commit(0, '{"a":2}', 'm2')).toEqual([-1, 1]);
    expect(await redis.hget(k.state, 'doc')).toBe('{"a":1}');
    expect(await commit(1, '{"a":2}', 'm2')).toEqual([1, 2]);
  });

  it('answers a repeated message id with the replies it got the first time, changing nothing', async () => {
    expect(await commit(2, '{"a":3}', 'm1')).toEqual([-2, '[{"text":"hi"}]']);
    expect(await redis.hget(k.state, 'rev')).toBe('2');
  });

  it('forgets message ids older than the window', async () => {
    expect(await commit(2, '{"a":3}', 'm3', '[]', 10_000 + WINDOW * 5)).toEqual([1, 3]);
    expect(await redis.zrange(k.seen, 0, -1)).toEqual(['m3']);
    expect(await redis.hkeys(k.replies)).toEqual(['m3']);
  });

  it('takes the message out of the inbox and appends its platform messages to the outbox, in one step', async () => {
    await redis.zadd(k.inbox, 5, 'm-in');
    await redis.hset(k.inboxData, 'm-in', '{}');
    expect(await commit(3, '{"a":4}', 'm-in', '[]', 10_000 + WINDOW * 5, ['{"n":1}', '{"n":2}'])).toEqual([1, 4]);
    expect(await redis.zcard(k.inbox)).toBe(0);
    expect(await redis.hlen(k.inboxData)).toBe(0);
    expect(await redis.lrange(k.outbox, 0, -1)).toEqual(['{"n":1}', '{"n":2}']);
    // A refused commit leaves inbox and outbox as they were.
    await redis.zadd(k.inbox, 6, 'm-next');
    expect(await commit(3, '{"a":5}', 'm-next', '[]', 10_000, ['{"n":3}'])).toEqual([-1, 4]);
    expect(await redis.zrange(k.inbox, 0, -1)).toEqual(['m-next']);
    expect(await redis.llen(k.outbox)).toBe(2);
    await redis.zrem(k.inbox, 'm-next');
    await redis.del(k.outbox);
  });

  it('notes when the resident wrote with the turn when asked (the web chat), and keeps the contact that long', async () => {
    await redis.hset(k.contact, 'status', 'unreachable');
    expect(await commit(4, '{"a":6}', 'm-web', '[]', 20_000, [], 60_000)).toEqual([1, 5]);
    expect(await redis.hgetall(k.contact)).toEqual({ status: 'unreachable', lastInbound: '20000' });
    expect(await redis.pttl(k.contact)).toBeGreaterThan(50_000);
    expect(await redis.pttl(k.contact)).toBeLessThanOrEqual(60_000);
    // Not asked (a webhook turn, whose take-in noted it; or an event of ours): the contact is left alone.
    expect(await commit(5, '{"a":7}', 'm-hook', '[]', 30_000)).toEqual([1, 6]);
    expect(await redis.hget(k.contact, 'lastInbound')).toBe('20000');
    // A refused commit writes nothing there either.
    expect(await commit(5, '{"a":8}', 'm-late', '[]', 40_000, [], 60_000)).toEqual([-1, 6]);
    expect(await redis.hget(k.contact, 'lastInbound')).toBe('20000');
  });

  it('deletes everything about the resident but keeps a revision so racing turns fail', async () => {
    await redis.rpush(k.outbox, '{"n":9}');
    await redis.xadd(k.mailbox, '*', 'm', '{"text":"an alert"}');
    await redis.hset(k.contact, 'lastInbound', 1, 'status', 'unreachable');
    expect(await commit(6, '', 'm4', '[{"text":"deleted"}]', 50_000, [], 60_000)).toEqual([1, 7]);
    expect(await redis.exists(k.outbox, k.mailbox, k.contact)).toBe(0);
    expect(await redis.hgetall(k.state)).toEqual({ rev: '7' });
    expect(await redis.zrange(k.seen, 0, -1)).toEqual(['m4']);
    expect(await commit(6, '{"a":"stale"}', 'm5')).toEqual([-1, 7]);
  });
});
