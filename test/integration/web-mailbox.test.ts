/**
 * The web chat's mailbox (src/channels/web/client.ts): what the bot writes first to a web-chat
 * resident, an official's alert above all, waits there for the page to fetch it. End to end: real
 * HTTP, real Redis, the in-process broadcast workers; no platform involved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/schema.js';
import { createWebClient, MAILBOX_MAX } from '../../src/channels/web/client.js';
import { createKeys, type Keys } from '../../src/store/keys.js';
import { call, stores } from '../api/client.js';
import { waitUntil } from '../broadcast/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { testRedis } from '../helpers/redis.js';
import { WebResident, type WebReply } from '../helpers/web-client.js';

const HERE = { province: '01', commune: '00004' }; // Phường Ba Đình in data/areas.sample.json
let server: TestServer;
let keys: Keys;
let official: { account: Account; token: string };

beforeAll(async () => {
  server = await startTestServer({ env: { BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0' } });
  keys = createKeys(server.prefix);
  official = await stores(server).accounts.create({ name: 'Chị Lan', role: 'official', area: HERE });
});
afterAll(async () => {
  await server?.close();
});

async function fetchMailbox(userId: string, after?: string): Promise<{ status: number; replies: WebReply[]; cursor?: string; json: Record<string, unknown> }> {
  const query = new URLSearchParams({ userId, ...(after ? { after } : {}) });
  const res = await fetch(`${server.url}/channels/web/messages?${query}`);
  const json = (await res.json()) as { replies: WebReply[]; cursor?: string };
  return { status: res.status, replies: json.replies ?? [], ...(json.cursor ? { cursor: json.cursor } : {}), json };
}

/** A web-chat resident of Phường Ba Đình, who gave their ward by chatting. */
async function residentOfBaDinh(): Promise<WebResident> {
  const r = new WebResident(server.url);
  await r.post({});
  await r.tap('c:area');
  await r.say('Ba Đình');
  expect(r.said).toContain('Đã lưu');
  return r;
}

async function sendAlert(text: string): Promise<string> {
  const created = await call(server, 'POST', '/alerts', {
    token: official.token,
    body: { text: { vi: text }, scamType: 'police', audience: { area: HERE } },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const id = created.json.alert.id as string;
  const submitted = await call(server, 'POST', `/alerts/${id}/submit`, { token: official.token });
  expect(submitted.status, JSON.stringify(submitted.json)).toBe(200);
  return id;
}

describe('the web chat mailbox', () => {
  it("an official's alert reaches a web-chat resident; the page fetches it once and can answer it", async () => {
    const r = await residentOfBaDinh();
    const estimate = await call(server, 'POST', '/alerts/estimate', { token: official.token, body: { audience: { area: HERE } } });
    expect(estimate.status, JSON.stringify(estimate.json)).toBe(200);
    expect(estimate.json.channels.web.reachableNow).toBeGreaterThanOrEqual(1);

    const marker = `WEB-${Date.now().toString(36)}`;
    const id = await sendAlert(`${marker} Cảnh báo: kẻ gian giả danh công an gọi video đòi chuyển tiền.`);
    let got: WebReply[] = [];
    let cursor: string | undefined;
    await waitUntil('the alert in the mailbox', async () => {
      ({ replies: got, cursor } = await fetchMailbox(r.userId));
      return got.some((x) => x.text.includes(marker));
    });
    const alert = got.find((x) => x.text.includes(marker))!;
    expect(alert.text).toContain('UBND Phường Ba Đình');
    expect(alert.choices?.map((c) => c.payload)).toContain('c:menu');
    expect(cursor).toMatch(/^\d+-\d+$/);

    // Fetched with its cursor: nothing new, and no cursor to replace the page's own.
    expect(await fetchMailbox(r.userId, cursor)).toMatchObject({ status: 200, replies: [], json: { replies: [] } });
    expect((await fetchMailbox(r.userId, cursor)).cursor).toBeUndefined();

    // The alert's buttons are the ones a typed number picks, as on any channel: "1" opens the practice.
    await r.say('1');
    expect(r.said).not.toContain('Bạn muốn học gì');
    await waitUntil('the alert counted as sent and shown', async () => {
      const results = (await call(server, 'GET', `/alerts/${id}/results`, { token: official.token })).json;
      return results.sent === 1 && results.shown === 1;
    });
  });

  it('keeps only the latest messages, oldest first, and a page that was away gets what it missed', async () => {
    const client = createWebClient({ redis: server.redis, keys, mediaUrl: (p) => `/${p}` });
    const userId = 'mailbox-many';
    for (let i = 1; i <= MAILBOX_MAX + 5; i++) expect(await client.send(userId, { text: `n${i}` })).toEqual({ type: 'sent' });
    const first = await fetchMailbox(userId);
    expect(first.replies.map((x) => x.text)).toEqual(Array.from({ length: MAILBOX_MAX }, (_, i) => `n${i + 6}`));
    await client.send(userId, { text: 'later' });
    const next = await fetchMailbox(userId, first.cursor);
    expect(next.replies.map((x) => x.text)).toEqual(['later']);
    expect(await server.redis.pttl(keys.resident(`web:${userId}`).mailbox)).toBeGreaterThan(29 * 24 * 3600 * 1000);
  });

  it('renders a reply as the page draws it, its picture as an address', () => {
    const client = createWebClient({ redis: server.redis, keys, mediaUrl: (p) => `/${p}` });
    expect(client.render({ text: 'Xem ảnh', image: 'media/qr.png', choices: [{ payload: 'c:menu', label: 'Menu' }] })).toEqual([
      { text: 'Xem ảnh', imageUrl: '/media/qr.png', choices: [{ payload: 'c:menu', label: 'Menu' }] },
    ]);
  });

  it('skips an entry that is not a reply instead of failing the page', async () => {
    const userId = 'mailbox-damaged';
    const key = keys.resident(`web:${userId}`).mailbox;
    await server.redis.xadd(key, '*', 'm', '{not json');
    await server.redis.xadd(key, '*', 'm', JSON.stringify({ nope: 1 }));
    await server.redis.xadd(key, '*', 'm', JSON.stringify({ text: 'fine' }));
    const got = await fetchMailbox(userId);
    expect(got.status).toBe(200);
    expect(got.replies).toEqual([{ text: 'fine' }]);
    expect(got.cursor).toMatch(/^\d+-\d+$/);
  });

  it('answers a malformed question with 400 and what to send, and an empty mailbox with nothing', async () => {
    const bad = await fetchMailbox('has space');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'invalid_request' } });
    const badCursor = await fetchMailbox('someone', '12abc');
    expect(badCursor.status).toBe(400);
    expect(JSON.stringify(badCursor.json)).toContain('after');
    const missing = await fetch(`${server.url}/channels/web/messages`);
    expect(missing.status).toBe(400);
    expect(await fetchMailbox('nobody-here')).toMatchObject({ status: 200, replies: [] });
  });

  it('Redis away: the send is tried again later (nothing lost), never a failure', async () => {
    const gone = await testRedis();
    await gone.quit();
    const client = createWebClient({ redis: gone, keys, mediaUrl: (p) => `/${p}` });
    const outcome = await client.send('anyone', { text: 'x' });
    expect(outcome.type).toBe('retry');
  });

  it('a resident who deletes their data leaves no mailbox behind', async () => {
    const client = createWebClient({ redis: server.redis, keys, mediaUrl: (p) => `/${p}` });
    const r = new WebResident(server.url);
    await r.post({});
    await client.send(r.userId, { text: 'an alert' });
    expect((await fetchMailbox(r.userId)).replies).toHaveLength(1);
    const contact = keys.resident(`web:${r.userId}`).contact;
    // While they chat: when they last wrote, kept as long as it matters (the 30 days of the window).
    expect(Number(await server.redis.hget(contact, 'lastInbound'))).toBeGreaterThan(0);
    expect(await server.redis.pttl(contact)).toBeGreaterThan(29 * 24 * 3600 * 1000);
    await r.tap('c:delete');
    const { json } = await r.post({ payload: 'c:delete:yes' });
    // The page is told, so that it forgets the chat too.
    expect(json.forgotten).toBe(true);
    expect((await fetchMailbox(r.userId)).replies).toEqual([]);
    expect(await server.redis.exists(contact)).toBe(0);
  });
});
