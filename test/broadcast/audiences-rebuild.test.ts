/**
 * Rebuilding the broadcast audiences from the residents' states (`rebuildAudiences`, behind
 * `npm run admin -- audiences`): every set made exactly what the states say, after writes that
 * failed, a deleted resident, and residents of a channel that was not an audience before (the web
 * chat). Real Redis (a Cluster with TEST_REDIS_CLUSTER_NODES), a prefix of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildAudiences } from '../../src/conversation/audience.js';
import { createLogger } from '../../src/log.js';
import { createKeys, type Keys } from '../../src/store/keys.js';
import { ResidentStore } from '../../src/store/resident-store.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { HOUR, seedResidents, type Seeded } from './seed.js';

const BA_DINH = { province: '01', commune: '00004' };
const LUNG_CU = { province: '02', district: '026', commune: '00715' };
const prefix = uniquePrefix('rebuild');
let redis: ScriptedRedis;
let keys: Keys;
let store: ResidentStore;
let messenger: Seeded;
let web: Seeded;
let off: Seeded;
let gone: Seeded;

beforeAll(async () => {
  redis = await testRedis();
  keys = createKeys(prefix);
  store = new ResidentStore(redis, keys, createLogger('silent'));
  [messenger, web, off, gone] = (await seedResidents(redis, keys, [
    { channel: 'messenger', area: BA_DINH, lastWroteAgo: HOUR, completed: ['qr-payment'] },
    { channel: 'web', area: BA_DINH, lastWroteAgo: HOUR, locale: 'en' },
    { channel: 'zalo', area: LUNG_CU, lastWroteAgo: HOUR, alertsOff: true },
    { channel: 'zalo', area: LUNG_CU, lastWroteAgo: HOUR },
  ])) as [Seeded, Seeded, Seeded, Seeded];
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

/** Every audience set under the prefix, with its members sorted. */
async function audiences(): Promise<Record<string, string[]>> {
  const sets = [
    keys.audienceArea('01'), keys.audienceArea('01//00004'), keys.audienceArea('02'), keys.audienceArea('02/026'), keys.audienceArea('02/026/00715'),
    keys.audienceChannel('messenger'), keys.audienceChannel('zalo'), keys.audienceChannel('web'),
    keys.audienceLocale('vi'), keys.audienceLocale('en'), keys.audienceFinished('qr-payment'), keys.audienceAlertsOff,
  ];
  const out: Record<string, string[]> = {};
  for (const set of sets) out[set.slice(prefix.length)] = (await redis.smembers(set)).sort();
  return out;
}

describe('rebuildAudiences', () => {
  it('makes every set what the states say: adds the missing, removes the stale, forgets the deleted', async () => {
    const right = await audiences();
    expect(right['{aud}:channel:web']).toEqual([web.id]);
    expect(right['{aud}:alerts-off']).toEqual([off.id]);

    // What goes wrong in life: a write after a turn failed (missing, and stale), a resident of a
    // channel that only now is an audience (in no set at all), a resident deleted with their sets left.
    await redis.srem(keys.audienceArea('01//00004'), messenger.id);
    await redis.sadd(keys.audienceAlertsOff, messenger.id);
    for (const set of Object.keys(right)) await redis.srem(prefix + set, web.id);
    await redis.hset(keys.resident(gone.id).state, 'doc', '');
    await redis.sadd(keys.audienceChannel('messenger'), 'messenger:nobody');

    const counts = await rebuildAudiences({ redis, keys }, store);
    expect(counts).toEqual({ residents: 3, added: 1 + 4, removed: 1 + 5 + 1 });
    const rebuilt = await audiences();
    const without = (ids: string[], id: string) => ids.filter((x) => x !== id);
    expect(rebuilt).toEqual(Object.fromEntries(Object.entries(right).map(([set, ids]) => [set, without(ids, gone.id)])));

    // Run again: nothing left to do.
    expect(await rebuildAudiences({ redis, keys }, store)).toEqual({ residents: 3, added: 0, removed: 0 });
  });
});
