/** The web channel end to end: real HTTP, real Redis, the shipped lessons. */
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeys } from '../../src/store/keys.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebResident } from '../helpers/web-client.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function storedState(userId: string): Promise<Record<string, unknown> | null> {
  const doc = await server.redis.hget(createKeys(server.prefix).resident(`web:${userId}`).state, 'doc');
  return doc ? (JSON.parse(doc) as Record<string, unknown>) : null;
}

const shipped = readdirSync('flows').filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));

describe('web channel', () => {
  it('ships at least three lessons', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(3);
  });

  it.each(shipped)('a resident can complete the shipped lesson %s by tapping', async (flowId) => {
    const r = new WebResident(server.url);
    await r.post({});
    expect(r.said).toContain('Xin chào');
    await r.tap(`l:${flowId}`);
    expect(r.last.some((x) => x.imageUrl?.startsWith('/media/'))).toBe(true);
    for (let turn = 0; turn < 60; turn++) {
      const state = await storedState(r.userId);
      if (state && (state.completed as Record<string, unknown>)[flowId]) break;
      const step = r.choices.find((c) => /^[onk]:/.test(c.payload));
      expect(step, `no step button after: ${r.said}`).toBeDefined();
      await r.tap(step!.payload);
    }
    const state = await storedState(r.userId);
    expect((state?.completed as Record<string, unknown>)[flowId]).toMatchObject({ times: 1 });
    expect(r.choices.map((c) => c.payload)).toContain('c:menu');
  });

  it('the page, its scripts and the API come compressed to a browser that asks; a webhook answer is left alone', async () => {
    const raw = (path: string, json?: unknown) =>
      new Promise<{ encoding: string | undefined; bytes: number; body: Buffer }>((resolve, reject) => {
        const headers = { 'accept-encoding': 'gzip', ...(json ? { 'content-type': 'application/json' } : {}) };
        const req = request(`${server.url}${path}`, { method: json ? 'POST' : 'GET', headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve({ encoding: res.headers['content-encoding'], bytes: body.length, body });
          });
        });
        req.on('error', reject);
        req.end(json ? JSON.stringify(json) : undefined);
      });
    for (const path of ['/app.js', '/official/strings.js', '/shared/base.css', '/']) {
      const got = await raw(path);
      expect(got.encoding, path).toBe('gzip');
      expect(gunzipSync(got.body).length, path).toBeGreaterThan(2 * got.bytes);
    }
    // Pictures are compressed already; the channels (the webhooks' hot path) answer as before.
    expect((await raw('/media/' + readdirSync('flows/media').find((f) => f.endsWith('.png'))!)).encoding).toBeUndefined();
    const chat = await raw('/channels/web/messages', { userId: 'gzip-check' });
    expect(chat.bytes).toBeGreaterThan(1024); // large enough that it would have been compressed
    expect(chat.encoding).toBeUndefined();
  });

  it('every image a lesson shows is served', async () => {
    const r = new WebResident(server.url);
    await r.tap(`l:${shipped[0]}`);
    const url = r.last.find((x) => x.imageUrl)!.imageUrl!;
    const res = await fetch(server.url + url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
  });

  it('keeps the place across a server restart, days later', async () => {
    const r = new WebResident(server.url);
    await r.tap(`l:${shipped[0]}`);
    await r.tap(r.choices[0]!.payload);
    const before = (await storedState(r.userId))?.current as { stepId: string };
    await server.close({ keepKeys: true });
    server = await startTestServer({ prefix: server.prefix, clock: () => Date.now() + 3 * 24 * 3600_000 });
    const again = new WebResident(server.url, r.userId);
    await again.say('tiếp tục');
    expect(again.said).toMatch(/tiếp tục bài|quay lại/i);
    expect(((await storedState(r.userId))?.current as { stepId: string }).stepId).toBe(before.stepId);
  });

  it('two messages of one resident at the same moment are both applied, none lost', async () => {
    const r = new WebResident(server.url);
    await r.post({});
    const turnsBefore = (await storedState(r.userId))?.turns as number;
    const [a, b] = await Promise.all([r.post({ text: 'hướng dẫn', messageId: 'x1' }), r.post({ text: 'menu', messageId: 'x2' })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const state = await storedState(r.userId);
    expect(state?.turns).toBe(turnsBefore + 2);
    const rev = await server.redis.hget(createKeys(server.prefix).resident(`web:${r.userId}`).state, 'rev');
    expect(Number(rev)).toBe(3);
  });

  it('a repeated message id is answered the same and not processed twice', async () => {
    const r = new WebResident(server.url);
    await r.tap(`l:${shipped[0]}`, 'first');
    const first = await r.post({ payload: r.choices[0]!.payload, messageId: 'same-id' });
    const turns = (await storedState(r.userId))?.turns;
    const second = await r.post({ payload: 'c:menu', messageId: 'same-id' });
    expect(second.status).toBe(200);
    expect(second.json.duplicate).toBe(true);
    expect(second.json.replies).toEqual(first.json.replies);
    expect((await storedState(r.userId))?.turns).toBe(turns);
  });

  describe('bad input gets a clear error and changes nothing', () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${server.url}/channels/web/messages`, { method: 'POST', headers: { 'content-type': type }, body });

    it('malformed JSON → 400', async () => {
      const res = await post('{"userId": "a", "text": ');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'malformed_json' } });
    });
    it('an oversized body → 413', async () => {
      const res = await post(JSON.stringify({ userId: 'big', text: 'x'.repeat(40_000) }));
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(await storedState('big')).toBeNull();
    });
    it('a missing or unsafe userId → 400 naming the field', async () => {
      for (const body of [{ text: 'hi' }, { userId: 'a{b}', text: 'hi' }, { userId: 'a', text: 5 }]) {
        const res = await post(JSON.stringify(body));
        expect(res.status).toBe(400);
        const json = (await res.json()) as { error: { code: string; details: string[] } };
        expect(json.error.code).toBe('invalid_request');
        expect(json.error.details.join(' ')).toMatch(/userId|text/);
      }
    });
    it('not JSON at all → 400', async () => {
      const res = await post('userId=a&text=hi', 'application/x-www-form-urlencoded');
      expect(res.status).toBe(400);
    });
  });

  it('health: /healthz is up, /readyz reports Redis and lessons', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok', flows: 'ok' } });
  });

  it('serves the simulator page at /', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<html');
  });
});
