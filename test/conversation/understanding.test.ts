/**
 * What a QA pass found the bot misreading, end to end on a real server (real Redis, own prefix, the
 * shipped lessons, the sample area list): a resident on the web channel types as an elderly resident
 * on a cheap phone does, and what is kept in Redis is what they meant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createKeys } from '../../src/store/keys.js';
import { ResidentStore } from '../../src/store/resident-store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebResident } from '../helpers/web-client.js';

let server: TestServer;
let store: ResidentStore;

beforeAll(async () => {
  server = await startTestServer();
  store = new ResidentStore(server.redis, createKeys(server.prefix), createLogger('silent'));
});
afterAll(async () => {
  await server.close();
});

async function resident(): Promise<WebResident> {
  const r = new WebResident(server.url);
  await r.post({});
  return r;
}
const stored = async (r: WebResident) => (await store.load(`web:${r.userId}`)).state;

describe('the commune question', () => {
  it('"Hanoi" is the province: its communes are asked for, and the next answer is looked for there', async () => {
    const r = await resident();
    await r.say('đổi xã');
    await r.say('Hanoi');
    expect(r.said).toContain('Bạn ở Thành phố Hà Nội. Xã/phường nào?');
    expect((await stored(r))?.area).toBeUndefined();
    await r.say('ba vi');
    expect(r.said).toContain('Đã lưu: Xã Ba Vì, Thành phố Hà Nội.');
    expect((await stored(r))?.area).toEqual({ province: '01', commune: '09619' });
  });

  it('an old address with its district: the commune and the province are read', async () => {
    const r = await resident();
    await r.say('đổi xã');
    await r.say('xã Sóc Sơn, huyện Sóc Sơn, TP Hà Nội');
    expect((await stored(r))?.area).toEqual({ province: '01', commune: '08980' });
  });

  it('"Lào Cai" is never saved as Phường Lào Cai unasked; the ward is one tap away', async () => {
    const r = await resident();
    await r.say('đổi xã');
    await r.say('Lào Cai');
    expect(r.said).toContain('Bạn ở Tỉnh Lào Cai. Xã/phường nào?');
    expect(r.said).not.toContain('trùng tên');
    expect((await stored(r))?.area).toBeUndefined();
    await r.say('1');
    expect((await stored(r))?.area).toEqual({ province: '15', commune: '02680' });
  });
});

describe('elsewhere', () => {
  it('"có" to the alerts question turns them on, "thôi" off', async () => {
    const r = await resident();
    await r.say('tắt cảnh báo');
    await r.say('cảnh báo');
    await r.say('có');
    expect((await stored(r))?.alerts).toBe(true);
    await r.say('cảnh báo');
    await r.say('thôi');
    expect((await stored(r))?.alerts).toBe(false);
  });

  it('"vneid" offers both VNeID lessons, as "học vneid" does', async () => {
    const r = await resident();
    await r.say('vneid');
    expect(r.choices.map((c) => c.label)).toEqual(['VNeID mức 2', 'Giấy tờ trên VNeID', 'Danh mục']);
    expect((await stored(r))?.current).toBeNull();
  });

  it('"tin thật là tin B" to "which one is the scam?" is not taken for B', async () => {
    const r = await resident();
    await r.tap('l:scam-sms-quiz');
    for (const tap of ['n:intro', 'n:signs', 'o:q-bank:0', 'o:q-balance:1', 'o:q-relative:0', 'o:q-vneid:0']) await r.tap(tap);
    expect(r.said).toContain('Tin nào là lừa đảo?');
    await r.say('tin thật là tin B');
    expect(r.said).toContain('Câu hỏi là: cái nào lừa đảo?');
    expect((await stored(r))?.current?.stepId).toBe('q-bill');
    await r.say('vậy tin A lừa đảo');
    expect(r.said).toContain('Đúng rồi');
  });
});
