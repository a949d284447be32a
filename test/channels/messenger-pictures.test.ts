/**
 * Pictures Meta saved for the Page (src/channels/messenger/saved-pictures.ts): the first time a picture
 * goes by URL with a "typing…" before it; Meta answers with an attachment id, and from then on the
 * picture goes by that id, with no "typing…". Real Redis; the Graph API faked with nock.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMessengerClient } from '../../src/channels/messenger/client.js';
import { SAVED_PICTURE_MAX_AGE_MS, SavedPictures, picturesGeneration } from '../../src/channels/messenger/saved-pictures.js';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { memoryLog } from '../helpers/memory-log.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const GRAPH = 'http://graph.test';
const TOKEN = 'EAAtest-token';
const PSID = '6543210987654321';
const PICTURE = 'https://bot.example.test/media/qr-scan.png';
const reply = { text: 'Mở ứng dụng ngân hàng, chọn Quét mã QR.', image: 'media/qr-scan.png', choices: [{ payload: 'o:a:0', label: 'Tiếp' }] };

let redis: ScriptedRedis;
let prefix: string;
let now: number;

/** One process of the bot: its own memory of saved pictures, the shared Redis. */
function process_(log = memoryLog()) {
  const saved = new SavedPictures({ redis, key: createKeys(prefix).messengerPictures('gen1'), log, clock: () => now });
  const client = createMessengerClient({
    graphUrl: `${GRAPH}/v25.0`,
    pageAccessToken: TOKEN,
    log,
    mediaUrl: (p) => `https://bot.example.test/${p}`,
    savedPictures: saved,
    clock: () => now,
  });
  return { saved, client, log };
}

/** Every Send API body posted, answered by `answer` (200 with a message id by default). */
function graph(answer: (body: { message?: { attachment?: { payload?: Record<string, unknown> } } }) => [number, unknown] = () => [200, { recipient_id: PSID, message_id: 'm_1' }]) {
  const bodies: Record<string, unknown>[] = [];
  nock(GRAPH)
    .post('/v25.0/me/messages')
    .query({ access_token: TOKEN })
    .times(20)
    .reply((_uri, body) => {
      bodies.push(body as Record<string, unknown>);
      return answer(body as never);
    });
  return bodies;
}

const savesPicture = (body: { message?: { attachment?: { payload?: Record<string, unknown> } } }): [number, unknown] =>
  body.message?.attachment?.payload?.is_reusable === true
    ? [200, { recipient_id: PSID, message_id: 'm_pic', attachment_id: '1857777774821032' }]
    : [200, { recipient_id: PSID, message_id: 'm_text' }];

async function sendAll(client: ReturnType<typeof process_>['client']) {
  const outcomes = [];
  for (const m of client.render(reply)) outcomes.push(await client.send(PSID, m));
  return outcomes;
}

beforeAll(async () => {
  redis = await testRedis();
  nock.disableNetConnect();
});
beforeEach(() => {
  prefix = uniquePrefix('pictures');
  now = Date.parse('2026-11-25T08:00:00Z');
});
afterEach(async () => {
  nock.cleanAll();
  await dropPrefix(redis, prefix);
});
afterAll(async () => {
  nock.enableNetConnect();
  redis.disconnect();
});

describe('pictures Meta saved', () => {
  it('first by URL after "typing…"; Meta saves it; then by its id, with no "typing…", in every process', async () => {
    const first = process_();
    const bodies = graph(savesPicture);
    expect(await sendAll(first.client)).toEqual([{ type: 'sent' }, { type: 'sent' }, { type: 'sent' }]);
    expect(bodies.map((b) => b.sender_action ?? Object.keys(b.message as object)[0])).toEqual(['typing_on', 'attachment', 'text']);
    expect(bodies[1]!.message).toEqual({ attachment: { type: 'image', payload: { url: PICTURE, is_reusable: true } } });

    // The same process, the next resident: by id, and no "typing…".
    const messages = first.client.render(reply);
    expect(messages.map((m) => Object.keys(m)[0])).toEqual(['attachment', 'text']);
    // What goes into the outbox still names the URL: the id is chosen when sending.
    expect(messages[0]).toEqual({ attachment: { type: 'image', payload: { url: PICTURE, is_reusable: true } } });
    bodies.length = 0;
    for (const m of messages) expect(await first.client.send(PSID, m)).toEqual({ type: 'sent' });
    expect(bodies[0]!.message).toEqual({ attachment: { type: 'image', payload: { attachment_id: '1857777774821032' } } });

    // Another process reads it from Redis.
    await new Promise((r) => setTimeout(r, 20)); // the save is not waited for by the send
    const second = process_();
    expect(second.client.render(reply)).toHaveLength(3);
    await second.saved.load();
    expect(second.client.render(reply).map((m) => Object.keys(m)[0])).toEqual(['attachment', 'text']);
    expect(await redis.hget(createKeys(prefix).messengerPictures('gen1'), PICTURE)).toBe(`1857777774821032 ${now}`);
    // Nothing of it in the logs.
    expect(JSON.stringify(first.log.lines)).not.toContain('1857777774821032');
  });

  it('an id refused by Meta: the picture goes by URL in the same send, and the new id replaces it', async () => {
    const p = process_();
    p.saved.remember(PICTURE, '111');
    let n = 0;
    const bodies = graph((body) => {
      n++;
      if (body.message?.attachment?.payload?.attachment_id === '111') return [400, { error: { message: 'x', type: 'OAuthException', code: 100, fbtrace_id: 'A' } }];
      return [200, { recipient_id: PSID, message_id: `m_${n}`, attachment_id: '222' }];
    });
    const [picture] = p.client.render(reply);
    expect(await p.client.send(PSID, picture!)).toEqual({ type: 'sent' });
    expect(bodies.map((b) => b.message)).toEqual([
      { attachment: { type: 'image', payload: { attachment_id: '111' } } },
      { attachment: { type: 'image', payload: { url: PICTURE, is_reusable: true } } },
    ]);
    expect(p.saved.idFor(PICTURE)).toBe('222');
    expect(p.log.lines.map((l) => l.msg)).toContain('saved Messenger picture refused; sent by URL again');
  });

  it('an id that may have expired (80 days) is not used: by URL with "typing…", saved anew', async () => {
    const p = process_();
    p.saved.remember(PICTURE, '111');
    now += SAVED_PICTURE_MAX_AGE_MS - 1;
    expect(p.client.render(reply)).toHaveLength(2);
    now += 1;
    const bodies = graph(savesPicture);
    expect(await sendAll(p.client)).toHaveLength(3);
    expect(bodies[1]!.message).toEqual({ attachment: { type: 'image', payload: { url: PICTURE, is_reusable: true } } });
    expect(p.saved.idFor(PICTURE)).toBe('1857777774821032');

    // Reading the saved ids drops the expired ones from Redis (an old alert's picture is never sent again).
    const key = createKeys(prefix).messengerPictures('gen1');
    await redis.hset(key, 'https://bot.example.test/alerts/old/image', `333 ${now - SAVED_PICTURE_MAX_AGE_MS}`, 'https://bot.example.test/bad', 'not-a-pair');
    await new Promise((r) => setTimeout(r, 20)); // the new id's save is not waited for by the send
    await p.saved.load();
    expect(Object.keys(await redis.hgetall(key))).toEqual([PICTURE]);
    expect(p.saved.idFor('https://bot.example.test/alerts/old/image')).toBeUndefined();
  });

  it('a "try later" or an unreachable resident on a saved id is not a reason to drop the id', async () => {
    const p = process_();
    p.saved.remember(PICTURE, '111');
    const bodies = graph(() => [429, { error: { code: 4, message: 'limit' } }]);
    const [picture] = p.client.render(reply);
    expect((await p.client.send(PSID, picture!)).type).toBe('retry');
    expect(bodies).toHaveLength(1);
    expect(p.saved.idFor(PICTURE)).toBe('111');
  });

  it('Redis gone: pictures still go (by URL), and the failure is logged without the picture', async () => {
    const broken = await testRedis();
    broken.disconnect();
    const log = memoryLog();
    const saved = new SavedPictures({ redis: broken, key: createKeys(prefix).messengerPictures('gen1'), log, clock: () => now });
    await saved.load();
    const client = createMessengerClient({ graphUrl: `${GRAPH}/v25.0`, pageAccessToken: TOKEN, log, mediaUrl: (p) => `https://bot.example.test/${p}`, savedPictures: saved, clock: () => now });
    graph(savesPicture);
    expect(await sendAll(client)).toEqual([{ type: 'sent' }, { type: 'sent' }, { type: 'sent' }]);
    await new Promise((r) => setTimeout(r, 20));
    expect(log.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['saved Messenger pictures not read; pictures go by URL', 'saved Messenger picture not stored']));
    expect(JSON.stringify(log.lines)).not.toContain(PICTURE);
    // Remembered in this process all the same.
    expect(saved.idFor(PICTURE)).toBe('1857777774821032');
  });

  it('a changed pictures folder is a new generation (so an old id never shows an old picture)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hocso-pictures-'));
    writeFileSync(join(dir, 'a.png'), 'one');
    const before = picturesGeneration(dir);
    expect(picturesGeneration(dir)).toBe(before);
    writeFileSync(join(dir, 'a.png'), 'two!');
    expect(picturesGeneration(dir)).not.toBe(before);
    const changed = picturesGeneration(dir);
    writeFileSync(join(dir, 'b.png'), 'new');
    expect(picturesGeneration(dir)).not.toBe(changed);
  });
});
