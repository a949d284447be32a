/**
 * A resident's scripts on a real Redis: taking a webhook event in and holding the resident in the
 * same call (take-in-7), acknowledging several sent messages at once (outbox-sent-2, and
 * finish-resident-4 on letting go), and the alert lane's deliver-alert-7 in each of its cases.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKeys, type ResidentKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

let redis: ScriptedRedis;
const prefix = uniquePrefix('resident-lua');
let k: ResidentKeys;
let n = 0;

beforeAll(async () => {
  redis = await testRedis();
});
beforeEach(() => {
  k = createKeys(prefix).resident(`messenger:${++n}`);
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('outbox-sent-2.lua', () => {
  it('removes the messages sent from the head, in order, and ends the backoff', async () => {
    await redis.rpush(k.outbox, 'a', 'b', 'c');
    await redis.hset(k.contact, 'sendAfter', 123);
    expect(await redis.outboxSent(k.outbox, k.contact, 'a', 'b')).toBe(2);
    expect(await redis.lrange(k.outbox, 0, -1)).toEqual(['c']);
    expect(await redis.hget(k.contact, 'sendAfter')).toBeNull();
  });

  it('stops at the first that is not at the head (someone else acknowledged it), removing nothing after it', async () => {
    await redis.rpush(k.outbox, 'b', 'c');
    await redis.hset(k.contact, 'sendAfter', 123);
    expect(await redis.outboxSent(k.outbox, k.contact, 'a', 'b')).toBe(0);
    expect(await redis.lrange(k.outbox, 0, -1)).toEqual(['b', 'c']);
    expect(await redis.hget(k.contact, 'sendAfter')).toBe('123');
  });
});

describe('finish-resident-4.lua', () => {
  it('acknowledges what was sent, then lets go when nothing is left', async () => {
    await redis.rpush(k.outbox, 'a', 'b');
    await redis.set(k.lease, 'me');
    expect(await redis.finishResident(k.lease, k.inbox, k.outbox, k.contact, 'me', 'a', 'b')).toEqual([0, '']);
    expect(await redis.exists(k.lease, k.outbox)).toBe(0);
  });

  it('acknowledges even when the lease lapsed meanwhile, and says it is no longer ours', async () => {
    await redis.rpush(k.outbox, 'a', 'b');
    await redis.set(k.lease, 'someone-else');
    expect(await redis.finishResident(k.lease, k.inbox, k.outbox, k.contact, 'me', 'a')).toEqual([-1, '']);
    expect(await redis.lrange(k.outbox, 0, -1)).toEqual(['b']);
    expect(await redis.get(k.lease)).toBe('someone-else');
  });

  it('keeps holding when an event came in, and reports a waiting outbox with its backoff', async () => {
    await redis.set(k.lease, 'me');
    await redis.zadd(k.inbox, 1, 'm1');
    expect(await redis.finishResident(k.lease, k.inbox, k.outbox, k.contact, 'me')).toEqual([1, '']);
    await redis.del(k.inbox);
    await redis.rpush(k.outbox, 'x');
    await redis.hset(k.contact, 'sendAfter', 999);
    expect(await redis.finishResident(k.lease, k.inbox, k.outbox, k.contact, 'me')).toEqual([2, '999']);
    expect(await redis.get(k.lease)).toBe('me');
  });
});

describe('deliver-alert-7.lua', () => {
  const EVENT = 'alert:abc';
  const deliver = (rev: number, now = 10_000, ...entries: string[]) =>
    redis.deliverAlert(k.state, k.seen, k.inbox, k.inboxData, k.outbox, k.lease, k.contact, EVENT, rev, '{"new":1}', now, 60_000, 3600, 'tok', 5000, ...(entries.length ? entries : ['e1']));

  it('an idle resident: state, event id, outbox and lease in one step', async () => {
    await redis.hset(k.state, 'rev', 4, 'doc', '{"old":1}');
    expect(await deliver(4, 10_000, 'e1', 'e2')).toBe(1);
    expect(await redis.hgetall(k.state)).toEqual({ rev: '5', doc: '{"new":1}' });
    expect(await redis.zscore(k.seen, EVENT)).toBe('10000');
    expect(await redis.lrange(k.outbox, 0, -1)).toEqual(['e1', 'e2']);
    expect(await redis.get(k.lease)).toBe('tok');
    // Again: they had it; while its messages wait, it says so.
    expect(await deliver(5)).toBe(3);
    await redis.del(k.outbox);
    expect(await deliver(5)).toBe(0);
  });

  it('busy: held by someone, an event or message waiting, a backoff, or a newer state; nothing written', async () => {
    await redis.hset(k.state, 'rev', 1, 'doc', '{"old":1}');
    const untouched = async () => {
      expect(await redis.hgetall(k.state)).toEqual({ rev: '1', doc: '{"old":1}' });
      expect(await redis.zscore(k.seen, EVENT)).toBeNull();
    };
    expect(await deliver(0)).toBe(2); // the state changed since it was read
    await untouched();
    await redis.set(k.lease, 'other', 'PX', 5000);
    expect(await deliver(1)).toBe(2);
    await redis.del(k.lease);
    await redis.zadd(k.inbox, 1, 'm1');
    expect(await deliver(1)).toBe(2);
    await redis.del(k.inbox);
    await redis.rpush(k.outbox, 'earlier');
    expect(await deliver(1)).toBe(2);
    await redis.del(k.outbox);
    await redis.hset(k.contact, 'sendAfter', 20_000);
    expect(await deliver(1, 10_000)).toBe(2);
    await untouched();
    expect(await deliver(1, 30_000)).toBe(1); // the backoff is over
  });

  it('already in their inbox (the other way in): still waiting', async () => {
    await redis.hset(k.inboxData, EVENT, '{}');
    expect(await deliver(0)).toBe(3);
    expect(await redis.llen(k.outbox)).toBe(0);
  });
});

describe('take-in-7.lua', () => {
  const CONTACT_KEEP_S = 86_400;
  const take = (id: string, token: string, ts = 1000) =>
    redis.takeIn(k.inbox, k.inboxData, k.seen, k.contact, k.lease, k.outbox, k.state, id, ts, `{"id":"${id}"}`, '1', token, 5000, CONTACT_KEEP_S);

  it('takes the event in and, nobody holding the resident, holds them and reads what a claim reads', async () => {
    await redis.hset(k.state, 'rev', 3, 'doc', '{"s":1}');
    await redis.rpush(k.outbox, 'waiting');
    expect(await take('m1', 'tok')).toEqual([2, 'm1', '{"id":"m1"}', 1, '', '', 1, '3', '{"s":1}']);
    expect(await redis.get(k.lease)).toBe('tok');
    expect(Number(await redis.pttl(k.lease))).toBeGreaterThan(0);
    expect(await redis.hget(k.contact, 'lastInbound')).toBe('1000');
    // Kept as long as the rest of them, from the last time they wrote.
    expect(await redis.ttl(k.contact)).toBeGreaterThan(CONTACT_KEEP_S - 5);
    // Held already (by us or anyone): taken in, not held again; the oldest event stays first.
    expect(await take('m2', 'other', 2000)).toEqual([1]);
    expect(await redis.get(k.lease)).toBe('tok');
    expect(await redis.zrange(k.inbox, 0, -1)).toEqual(['m1', 'm2']);
  });

  it('a redelivery changes nothing and holds nobody; without a token it only takes in', async () => {
    expect(await take('m1', '')).toEqual([1]);
    expect(await take('m1', 'tok')).toEqual([0]);
    expect(await redis.exists(k.lease)).toBe(0);
    await redis.zadd(k.seen, 1, 'old');
    expect(await take('old', 'tok')).toEqual([0]);
    expect(await redis.zrange(k.inbox, 0, -1)).toEqual(['m1']);
  });
});
