/**
 * The alert lane (src/conversation/alert-lane.ts): residents in the middle of nothing get the alert
 * without a conversation turn each, and get exactly what a turn would have sent them; everyone else
 * gets it through their inbox. Real Redis, the real app; the platforms are a local fake server.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/broadcast/alert.js';
import { enqueueAlert } from '../../src/broadcast/contract.js';
import { ResidentState } from '../../src/engine/state.js';
import { createKeys, type Keys } from '../../src/store/keys.js';
import { SEEN_WINDOW_MS, STATE_TTL_SECONDS } from '../../src/store/resident-store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FakePlatforms, rateLimited, type Delivery } from './fake-platforms.js';
import { HOUR, seedResidents, waitUntil, type Seeded } from './seed.js';

const HERE = { province: '01', commune: '00004' };
const fake = new FakePlatforms();
let server: TestServer;
let keys: Keys;
let alert: Alert;
const marker = `LANE-${Date.now().toString(36)}`;

const mine = (d: Delivery) => JSON.stringify(d.message).includes(marker);
const deliveredTo = (r: Seeded) => fake.delivered.filter((d) => d.channel === r.channel && d.user === r.user && mine(d));
const stats = () => server.app.broadcast.store.stats(alert.id);
/** The counts with nothing of an earlier test still on its way (they are written every few ms: flushed first). */
const statsNow = async () => {
  await server.app.processor.idle();
  return stats();
};

async function stateOf(r: Seeded): Promise<ResidentState> {
  return ResidentState.parse(JSON.parse((await server.redis.hget(keys.resident(r.id).state, 'doc'))!));
}

/** Nothing left of the alert in flight for this resident: inbox, outbox and lease empty. */
async function settled(r: Seeded): Promise<boolean> {
  const k = keys.resident(r.id);
  const [inbox, outbox, lease] = await Promise.all([server.redis.zcard(k.inbox), server.redis.llen(k.outbox), server.redis.exists(k.lease)]);
  return inbox === 0 && outbox === 0 && lease === 0;
}

async function reachable(n: number, extra: Partial<Seeded> = {}): Promise<Seeded[]> {
  return seedResidents(server.redis, keys, Array.from({ length: n }, (_, i) => ({ channel: i % 2 ? 'zalo' : 'messenger', area: HERE, lastWroteAgo: HOUR, ...extra })));
}

beforeAll(async () => {
  fake.savePictures = true; // as Meta does: later pictures go by id
  await fake.start();
  // No workers: the test hands the alert to the lane itself.
  server = await startTestServer({ env: { ...fake.env(), BROADCAST_WORKERS: 'off' } });
  keys = createKeys(server.prefix);
  const store = server.app.broadcast.store;
  const now = Date.now();
  alert = await store.create(
    {
      id: store.newId(), rev: 1, createdBy: 'abcdefghij', createdByName: 'Test', fromName: 'UBND Xã An Bình',
      text: { vi: `${marker} Cảnh báo: giả danh công an gọi điện.`, en: `${marker} Warning: fake police calls.` },
      scamType: 'police', audience: { area: HERE }, status: 'sending', approvals: [], createdAt: now, updatedAt: now,
    },
    { by: 'abcdefghij', byName: 'Test', action: 'created' },
  );
}, 60_000);

afterAll(async () => {
  await server?.close();
  await fake.close();
});

beforeEach(() => {
  fake.policy = undefined;
});

describe('the alert lane', () => {
  it('gives idle residents the alert at once, as a turn would leave them, and each only once', async () => {
    const [vi, en, inLesson, viaTurn, asked] = await seedResidents(server.redis, keys, [
      { channel: 'messenger', area: HERE, lastWroteAgo: HOUR },
      { channel: 'zalo', area: HERE, lastWroteAgo: HOUR, locale: 'en' },
      { channel: 'messenger', area: HERE, lastWroteAgo: HOUR },
      { channel: 'messenger', area: HERE, lastWroteAgo: HOUR },
      { channel: 'zalo', area: HERE, lastWroteAgo: HOUR },
    ]);
    // A lesson open: the alert offers to continue it.
    await server.app.conversation.handle({ residentId: inLesson!.id, input: { type: 'payload', payload: 'l:qr-payment' } });
    expect((await stateOf(inLesson!)).current).not.toBeNull();
    // Asked whether to delete their data, not answered yet: the alert closes the question.
    await server.app.conversation.handle({ residentId: asked!.id, input: { type: 'text', text: 'xoá dữ liệu' } });
    expect((await stateOf(asked!)).screen).toBe('confirm-delete');

    const before = await statsNow();
    const now = Date.now();
    const result = await server.app.lane.deliver(alert.id, [vi!.id, en!.id, inLesson!.id, asked!.id], now);
    expect(result).toEqual({ direct: 4, inbox: [] });

    for (const r of [vi!, en!, inLesson!, asked!]) {
      expect(deliveredTo(r)).toHaveLength(1);
      expect(await settled(r)).toBe(true);
      expect((await stateOf(r)).lastAlert).toEqual({ id: alert.id, at: now, scamType: 'police' });
      expect(await server.redis.zscore(keys.resident(r.id).seen, `alert:${alert.id}`)).not.toBeNull();
    }
    const text = (r: Seeded) => String(deliveredTo(r)[0]!.message.text);
    expect(text(vi!)).toContain('Cảnh báo lừa đảo từ UBND Xã An Bình');
    expect(text(en!)).toContain("Scam alert from the People's Committee of Xã An Bình");
    expect(text(en!)).toContain('Warning: fake police calls');
    expect(JSON.stringify(deliveredTo(inLesson!)[0]!.message)).toContain('c:continue');
    expect(JSON.stringify(deliveredTo(vi!)[0]!.message)).not.toContain('c:continue');
    // A typed number then picks the alert's button of that number, mid-lesson too (the lesson stays open).
    expect((await stateOf(vi!)).offered?.map((c) => c.payload)).toEqual(['t:police', 'c:menu']);
    expect(await stateOf(inLesson!)).toMatchObject({ screen: 'lesson', offered: [{ payload: 't:police' }, { payload: 'c:continue' }, { payload: 'c:menu' }] });
    expect(await stateOf(asked!)).toMatchObject({ screen: 'menu', offered: [{ payload: 't:police' }, { payload: 'c:menu' }] });
    const after = await stats();
    expect(after.sent - before.sent).toBe(4);
    expect(after.shown - before.shown).toBe(4);

    // The same alert through a turn (the inbox and the processor) sends the very same message.
    expect(await enqueueAlert(server.redis, keys, viaTurn!.id, alert.id, now)).toBe(true);
    server.app.processor.kick(viaTurn!.id);
    await waitUntil('the turn sent it', () => deliveredTo(viaTurn!).length === 1);
    expect(deliveredTo(viaTurn!)[0]!.message).toEqual(deliveredTo(vi!)[0]!.message);

    // Again (a retried batch): nobody gets it twice, nothing is counted twice.
    const again = await server.app.lane.deliver(alert.id, [vi!.id, en!.id, inLesson!.id, viaTurn!.id, asked!.id], Date.now());
    expect(again).toEqual({ direct: 0, inbox: [] });
    for (const r of [vi!, en!, inLesson!, viaTurn!, asked!]) expect(deliveredTo(r)).toHaveLength(1);
    expect((await stats()).sent - before.sent).toBe(5);
  });

  it('renders the alert once per form of address: a resident called "bác" reads "Bác có nhận ra…", the others "Bạn…"', async () => {
    const [plain, elder] = await seedResidents(server.redis, keys, [
      { channel: 'messenger', area: HERE, lastWroteAgo: HOUR },
      { channel: 'messenger', area: HERE, lastWroteAgo: HOUR },
    ]);
    await server.app.conversation.handle({ residentId: elder!.id, input: { type: 'text', text: 'gọi tôi là bác' } });
    expect(await server.app.lane.deliver(alert.id, [plain!.id, elder!.id], Date.now())).toEqual({ direct: 2, inbox: [] });
    const text = (r: Seeded) => String(deliveredTo(r)[0]!.message.text);
    expect(text(plain!)).toContain('Bạn có nhận ra kiểu lừa này không?');
    expect(text(elder!)).toContain('Bác có nhận ra kiểu lừa này không?');
  });

  it('counts what went out while a send is still held up by the platform (the progress bar moves; a worker dying then loses no count)', async () => {
    const [slow, ...quick] = await reachable(3);
    const before = await statsNow();
    fake.hold(({ user }) => user === slow!.user);
    const delivering = server.app.lane.deliver(alert.id, [slow!.id, ...quick.map((r) => r.id)], Date.now());
    try {
      await waitUntil('the quick ones delivered', () => quick.every((r) => deliveredTo(r).length === 1), 10_000);
      await waitUntil('and counted, the slow one still held', async () => (await stats()).sent - before.sent === 2, 5_000);
      expect(fake.heldCount).toBe(1);
      expect(deliveredTo(slow!)).toHaveLength(0);
    } finally {
      fake.release();
    }
    expect(await delivering).toEqual({ direct: 3, inbox: [] });
    const after = await stats();
    expect(after.sent - before.sent).toBe(3);
    expect(after.shown - before.shown).toBe(3);
  });

  it('an alert with a picture: Meta saves it from the first residents, later chunks send its id and no "typing…"', async () => {
    const store = server.app.broadcast.store;
    const now = Date.now();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const pictured = await store.create(
      {
        id: store.newId(), rev: 1, createdBy: 'abcdefghij', createdByName: 'Test', fromName: 'UBND Xã An Bình',
        text: { vi: `${marker} Cảnh báo: ảnh giả danh ngân hàng.` }, image: { type: 'image/png', bytes: png.length, sha256: createHash('sha256').update(png).digest('hex') },
        scamType: 'bank', audience: { area: HERE }, status: 'sending', approvals: [], createdAt: now, updatedAt: now,
      },
      { by: 'abcdefghij', byName: 'Test', action: 'created' },
      { op: 'set', type: 'image/png', data: png },
    );
    const [a, b, c] = await reachable(3, { channel: 'messenger' });
    // New residents: all they were sent is this alert.
    const sent = (r: Seeded) => fake.delivered.filter((d) => d.channel === 'messenger' && d.user === r.user);
    expect(await server.app.lane.deliver(pictured.id, [a!.id, b!.id], Date.now())).toEqual({ direct: 2, inbox: [] });
    for (const r of [a!, b!]) {
      expect(sent(r).map((d) => d.senderAction ?? Object.keys(d.message)[0])).toEqual(['typing_on', 'attachment', 'text']);
      expect(JSON.stringify(sent(r)[1]!.message)).toContain(`/alerts/${pictured.id}/image`);
    }
    const id = [...fake.pictureIds].find(([url]) => url.includes(pictured.id))?.[1];
    expect(id).toBeDefined();

    expect(await server.app.lane.deliver(pictured.id, [c!.id], Date.now())).toEqual({ direct: 1, inbox: [] });
    expect(sent(c!).map((d) => d.senderAction ?? Object.keys(d.message)[0])).toEqual(['attachment', 'text']);
    expect(sent(c!)[0]!.message).toEqual({ attachment: { type: 'image', payload: { attachment_id: id } } });
  });

  it('leaves a busy resident to their inbox, where the alert waits its turn', async () => {
    const [busy] = await reachable(1);
    const k = keys.resident(busy!.id);
    // Someone else holds them (a turn in progress elsewhere) for a moment.
    await server.redis.set(k.lease, 'another-process', 'PX', 300);
    const result = await server.app.lane.deliver(alert.id, [busy!.id], Date.now());
    expect(result).toEqual({ direct: 0, inbox: [busy!.id] });
    expect(await server.redis.hexists(k.inboxData, `alert:${alert.id}`)).toBe(1);
    await waitUntil('the processor sent it once the lease lapsed', () => deliveredTo(busy!).length === 1, 10_000);
    await waitUntil('all settled', () => settled(busy!), 10_000);
    expect((await stateOf(busy!)).lastAlert?.id).toBe(alert.id);
    expect(deliveredTo(busy!)).toHaveLength(1);
  });

  it('a lane that stopped after writing the outbox: the retried batch has the processor send it, once', async () => {
    const [stranded] = await reachable(1);
    const k = keys.resident(stranded!.id);
    // What a worker killed between the script and the send leaves: the alert in the outbox, a lease
    // of its own that lapses, and nobody due.
    const [rev, doc] = await server.redis.hmget(k.state, 'rev', 'doc');
    const entry = JSON.stringify({ id: 'e1', channel: 'messenger', userId: stranded!.user, message: { text: `${marker} stranded` }, attempts: 0, proactive: true, alertId: alert.id, countsAlert: true });
    const now = Date.now();
    expect(await server.redis.deliverAlert(k.state, k.seen, k.inbox, k.inboxData, k.outbox, k.lease, k.contact, `alert:${alert.id}`, Number(rev), doc!, now, SEEN_WINDOW_MS, STATE_TTL_SECONDS, 'dead-worker', 300, entry)).toBe(1);
    expect(await server.redis.zscore(keys.due, stranded!.id)).toBeNull();

    const result = await server.app.lane.deliver(alert.id, [stranded!.id], Date.now());
    expect(result).toEqual({ direct: 0, inbox: [stranded!.id] });
    await waitUntil('sent by the processor', () => deliveredTo(stranded!).length === 1, 10_000);
    await waitUntil('all settled', () => settled(stranded!), 10_000);
    expect(deliveredTo(stranded!).map((d) => d.message.text)).toEqual([`${marker} stranded`]);
  });

  it('a platform that says "try later": the message stays in the outbox and goes out after Retry-After, once', async () => {
    const [limited] = await reachable(1);
    fake.policy = ({ user, n }) => (user === limited!.user && n === 0 ? rateLimited('messenger', 1) : undefined);
    const before = await statsNow();
    const result = await server.app.lane.deliver(alert.id, [limited!.id], Date.now());
    expect(result).toEqual({ direct: 1, inbox: [] });
    const k = keys.resident(limited!.id);
    expect(await server.redis.llen(k.outbox)).toBe(1);
    expect(Number(await server.redis.zscore(keys.due, limited!.id))).toBeGreaterThan(0);
    expect(await server.redis.exists(k.lease)).toBe(0);
    await waitUntil('sent after the wait', () => deliveredTo(limited!).length === 1, 10_000);
    await waitUntil('all settled', () => settled(limited!), 10_000);
    expect(deliveredTo(limited!)).toHaveLength(1);
    await waitUntil('counted once', async () => (await stats()).sent - before.sent === 1, 5_000);
  });

  it('residents who turned alerts off, or whose state it cannot read, go through a turn (which shows them nothing or copes)', async () => {
    const [off] = await seedResidents(server.redis, keys, [{ channel: 'zalo', area: HERE, lastWroteAgo: HOUR, alertsOff: true }]);
    const [broken] = await reachable(1);
    await server.redis.hset(keys.resident(broken!.id).state, 'doc', '{"not":"a state"}');
    const before = await statsNow();
    const result = await server.app.lane.deliver(alert.id, [off!.id, broken!.id], Date.now());
    expect(result.direct).toBe(0);
    expect(result.inbox.sort()).toEqual([off!.id, broken!.id].sort());
    await waitUntil('both handled', async () => (await settled(off!)) && (await settled(broken!)), 10_000);
    expect(deliveredTo(off!)).toHaveLength(0);
    expect((await stats()).skipped - before.skipped).toBeGreaterThanOrEqual(1);
  });
});
