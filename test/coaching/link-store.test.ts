/**
 * LinkStore.createOnce on a real Redis: the idempotency key names a code before the link is written,
 * so a try that stopped in between is finished by the next, and a reserved code someone else took
 * meanwhile is given up for a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkStore } from '../../src/coaching/link-store.js';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const prefix = uniquePrefix('link-store');
const keys = createKeys(prefix);
let redis: ScriptedRedis;
let links: LinkStore;
const T0 = Date.UTC(2026, 3, 1, 8, 0, 0);

beforeAll(async () => {
  redis = await testRedis();
  links = new LinkStore(redis, keys, () => T0);
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

const input = (coachId: string, key: string) => ({ lessonId: 'check-link', coachId, senderName: 'Anh Minh', note: 'bác Tư', key });

describe('LinkStore.createOnce', () => {
  it('a try that reserved a code and stopped before writing the link: the retry writes that link and lists it', async () => {
    await redis.set(keys.linkRequest('coach-a', 'key-stopped-midway-0001'), 'HS2345AB', 'EX', 60);
    const made = await links.createOnce(input('coach-a', 'key-stopped-midway-0001'));
    expect(made).toMatchObject({ outcome: 'created', link: { code: 'HS2345AB', coachId: 'coach-a', note: 'bác Tư', uses: 0 } });
    expect(await redis.zrange(keys.coachLinks('coach-a'), 0, -1)).toEqual(['HS2345AB']);
    expect(await links.createOnce(input('coach-a', 'key-stopped-midway-0001'))).toMatchObject({ outcome: 'repeated', link: { code: 'HS2345AB' } });
  });

  it('a link written but not listed (stopped between the two): the retry lists it, once', async () => {
    const first = await links.createOnce(input('coach-b', 'key-written-not-listed-1'));
    await redis.zrem(keys.coachLinks('coach-b'), first.link.code);
    const again = await links.createOnce(input('coach-b', 'key-written-not-listed-1'));
    expect(again).toMatchObject({ outcome: 'repeated', link: { code: first.link.code } });
    expect(await redis.zrange(keys.coachLinks('coach-b'), 0, -1)).toEqual([first.link.code]);
  });

  it('a reserved code that is another coach’s link: a new code, and the other link untouched', async () => {
    const theirs = await links.create({ lessonId: 'qr-payment', coachId: 'coach-c', senderName: 'Chị Hoa' });
    await redis.set(keys.linkRequest('coach-d', 'key-names-a-taken-code'), theirs.code, 'EX', 60);
    const made = await links.createOnce(input('coach-d', 'key-names-a-taken-code'));
    expect(made.outcome).toBe('created');
    expect(made.link.code).not.toBe(theirs.code);
    expect(made.link.coachId).toBe('coach-d');
    expect(await redis.get(keys.linkRequest('coach-d', 'key-names-a-taken-code'))).toBe(made.link.code);
    expect(await links.get(theirs.code)).toMatchObject({ coachId: 'coach-c', lessonId: 'qr-payment' });
  });
});

describe('how long links are kept', () => {
  it("a coach's link, made either way, goes 90 days after it ends (with its note); a resident's own link too", async () => {
    const DAY = 24 * 3_600_000;
    const once = await links.createOnce({ ...input('coach-keep', 'k-keep'), expiresInDays: 10 });
    const plain = await links.create({ lessonId: 'check-link', coachId: 'coach-keep', senderName: 'Anh Minh', expiresInDays: 10 });
    for (const code of [once.link.code, plain.code]) {
      const ttl = await redis.pttl(keys.link(code));
      expect(ttl).toBeGreaterThan(99 * DAY);
      expect(ttl).toBeLessThanOrEqual(100 * DAY);
    }
    await links.ensureShare({ code: 'HS2KEEPS', lessonId: 'check-link', sharedBy: 'resident', depth: 1, createdAt: T0, expiresAt: T0 + 90 * DAY, revoked: false });
    expect(await redis.pttl(keys.link('HS2KEEPS'))).toBeGreaterThan(179 * DAY);
  });
});
