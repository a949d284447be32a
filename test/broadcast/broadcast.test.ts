/**
 * A broadcast to 10,000 seeded residents over Messenger and Zalo, end to end: the official writes it
 * through the API (with a picture), the audience estimate is exact, it is over the approval threshold
 * so a colleague approves it, the in-process BullMQ workers plan and send it, the processor delivers
 * it to the platforms (a local fake at the HTTP boundary). Each resident the platforms' rules let us
 * write to gets it exactly once; residents outside the window, unreachable, with alerts off or in
 * another commune get nothing; and the counters say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/schema.js';
import { createKeys } from '../../src/store/keys.js';
import { call, stores } from '../api/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FakePlatforms } from './fake-platforms.js';
import { DAY, HOUR, seedResidents, waitUntil, type SeedResident, type Seeded } from './seed.js';
import { PNG_1PX } from './images.js';

const HERE = { province: '01', commune: '00004' };
const NEIGHBOURS = { province: '01', commune: '00008' };

/** Who gets what: every combination of channel and window, in turn. */
const PROFILES: { channel: 'messenger' | 'zalo'; ago?: number; unreachable?: boolean; reachable: boolean }[] = [
  { channel: 'messenger', ago: 1 * HOUR, reachable: true },
  { channel: 'zalo', ago: 1 * HOUR, reachable: true }, // free
  { channel: 'messenger', ago: 23 * HOUR, reachable: true },
  { channel: 'zalo', ago: 3 * DAY, reachable: true }, // charged, still allowed
  { channel: 'messenger', ago: 30 * HOUR, reachable: false }, // 24 h window closed
  { channel: 'zalo', ago: 8 * DAY, reachable: false }, // 7-day window closed
  { channel: 'messenger', reachable: false }, // never wrote
  { channel: 'zalo', ago: 2 * HOUR, unreachable: true, reachable: false }, // unfollowed
  { channel: 'messenger', ago: 2 * HOUR, unreachable: true, reachable: false }, // blocked the Page
  { channel: 'zalo', ago: 6 * DAY, reachable: true },
];

const N = 10_000;
const fake = new FakePlatforms();
let server: TestServer;
let author: { account: Account; token: string };
let approver: { account: Account; token: string };
let residents: (Seeded & { expected: boolean })[];
const marker = `CB-${Date.now().toString(36)}`;

beforeAll(async () => {
  fake.savePictures = true; // as Meta does: later pictures go by id
  await fake.start();
  server = await startTestServer({ env: { ...fake.env(), BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0' } });
  const { accounts } = stores(server);
  author = await accounts.create({ name: 'Chị Lan', role: 'official', area: HERE });
  approver = await accounts.create({ name: 'Anh Tùng', role: 'official', area: HERE });
  const now = Date.now();
  const plan: (SeedResident & { expected: boolean })[] = [];
  for (let i = 0; i < N; i++) {
    const p = PROFILES[i % PROFILES.length]!;
    const elsewhere = i % 10 === 3 && i % 7 === 0; // some residents of the neighbouring commune
    const alertsOff = i % 97 === 5;
    plan.push({
      channel: p.channel,
      area: elsewhere ? NEIGHBOURS : HERE,
      locale: i % 5 === 0 ? 'en' : 'vi',
      ...(p.ago !== undefined ? { lastWroteAgo: p.ago } : {}),
      ...(p.unreachable ? { unreachable: true } : {}),
      ...(alertsOff ? { alertsOff } : {}),
      expected: p.reachable && !elsewhere && !alertsOff,
    });
  }
  const seeded = await seedResidents(server.redis, createKeys(server.prefix), plan, now);
  residents = seeded.map((s, i) => ({ ...s, expected: plan[i]!.expected }));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await fake.close();
});

describe('a broadcast to 10,000 residents over Messenger and Zalo', () => {
  it('reaches each resident the platforms allow exactly once, and nobody else', async () => {
    const expected = residents.filter((r) => r.expected);
    const inArea = residents.filter((r) => r.area === HERE && !r.alertsOff);
    expect(expected.length).toBeGreaterThan(4000);

    const created = await call(server, 'POST', '/alerts', {
      token: author.token,
      body: {
        text: { vi: `${marker} Cảnh báo: kẻ gian giả danh công an gọi video, yêu cầu chuyển tiền. Hãy cúp máy.`, en: `${marker} Warning: fake police video calls.` },
        scamType: 'police',
        image: PNG_1PX.toString('base64'),
        audience: { area: HERE },
      },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const id = created.json.alert.id as string;
    expect(created.json.alert.fromName).toBe('UBND Phường Ba Đình');

    const estimate = await call(server, 'POST', `/alerts/${id}/estimate`, { token: author.token });
    expect(estimate.status).toBe(200);
    expect(estimate.json).toMatchObject({ exact: true, total: inArea.length, reachableNow: expected.length, notReachableNow: inArea.length - expected.length, needsApproval: true });
    expect(estimate.json.alertsOff).toBe(residents.filter((r) => r.area === HERE && r.alertsOff).length);

    const submitted = await call(server, 'POST', `/alerts/${id}/submit`, { token: author.token });
    expect(submitted.json.alert.status).toBe('pending_approval');
    const approved = await call(server, 'POST', `/alerts/${id}/approve`, { token: approver.token });
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    expect(['sending', 'done']).toContain(approved.json.alert.status);

    await waitUntil('the alert is done and every reachable resident counted as sent', async () => {
      const p = (await call(server, 'GET', `/alerts/${id}/progress`, { token: author.token })).json;
      return p.status === 'done' && p.sent === expected.length;
    }, 180_000, 200);

    // What the platforms received: the alert's text exactly once for each expected resident, none for the others.
    const got = new Map<string, number>();
    for (const d of fake.delivered) {
      if (d.message.text?.includes(marker)) got.set(`${d.channel}:${d.user}`, (got.get(`${d.channel}:${d.user}`) ?? 0) + 1);
    }
    const wrong = residents.filter((r) => (got.get(r.id) ?? 0) !== (r.expected ? 1 : 0));
    expect(wrong.map((r) => `${r.id} got ${got.get(r.id) ?? 0}`).slice(0, 10)).toEqual([]);
    expect([...got.values()].reduce((a, b) => a + b, 0)).toBe(expected.length);
    // The picture went along: from the alert's public address, or on Messenger, once Meta saved it
    // from there, by the id Meta gave it (sent by address only until the first answer came back).
    const savedId = [...fake.pictureIds].find(([url]) => url.endsWith(`/alerts/${id}/image`))?.[1];
    expect(savedId).toBeDefined();
    const byAddress = fake.delivered.filter((d) => JSON.stringify(d.message).includes(`/alerts/${id}/image`));
    const byId = fake.delivered.filter((d) => JSON.stringify(d.message) === JSON.stringify({ attachment: { type: 'image', payload: { attachment_id: savedId } } }));
    expect(byAddress.length + byId.length).toBe(expected.length);
    expect(byId.every((d) => d.channel === 'messenger')).toBe(true);
    expect(byId.length).toBeGreaterThan(byAddress.filter((d) => d.channel === 'messenger').length);
    // English speakers got the English text.
    const english = expected.find((r) => r.locale === 'en')!;
    expect(fake.textsTo(english.channel, english.user).join('\n')).toContain('fake police video calls');

    const results = (await call(server, 'GET', `/alerts/${id}/results`, { token: author.token })).json;
    expect(results).toMatchObject({
      sent: expected.length,
      failed: 0,
      unreachable: 0,
      skipped: 0,
      notReachableNow: inArea.length - expected.length,
      shown: expected.length,
      queued: expected.length,
      audience: inArea.length,
    });
    const detail = (await call(server, 'GET', `/alerts/${id}`, { token: approver.token })).json.alert;
    expect(detail.audit.map((e: { action: string }) => e.action)).toEqual(['created', 'submitted', 'approved', 'done']);
    expect(detail.approvals).toMatchObject([{ by: approver.account.id, byName: 'Anh Tùng' }]);
  }, 240_000);
});
