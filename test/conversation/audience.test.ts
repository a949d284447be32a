/**
 * The broadcast audiences follow residents: their commune, channel, language, finished lessons and
 * alerts on/off, as they change through ordinary conversation on Messenger; deleting one's data
 * takes them out of every audience. Real app and Redis; the Graph API faked with nock.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeys, type Keys } from '../../src/store/keys.js';
import { waitFor } from '../fixtures/zalo/fake-zalo.js';
import { deliverMessenger, newPsid, text } from '../helpers/messenger.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ENV = {
  MESSENGER_APP_SECRET: 'audience-app-secret',
  MESSENGER_PAGE_ACCESS_TOKEN: 'EAAaudience-token',
  MESSENGER_GRAPH_URL: 'http://graph.audience.test/v25.0',
  PUBLIC_BASE_URL: 'https://bot.example.test',
};
let server: TestServer;
let keys: Keys;

beforeAll(async () => {
  nock('http://graph.audience.test').persist().post('/v25.0/me/messages').query(true).reply(200, { message_id: 'm' });
  server = await startTestServer({ env: ENV, flowsDir: 'test/fixtures/flows' });
  keys = createKeys(server.prefix);
});
afterAll(async () => {
  await server.close();
  nock.cleanAll();
});

let seq = 0;
async function say(psid: string, body: string, payload?: string): Promise<void> {
  expect(await deliverMessenger(server.url, ENV.MESSENGER_APP_SECRET, psid, text(body, payload), Date.now() + ++seq)).toBe(200);
  const k = keys.resident(`messenger:${psid}`);
  await waitFor('turn handled', async () => (await server.redis.zcard(k.inbox)) === 0 && (await server.redis.llen(k.outbox)) === 0);
  await server.app.processor.idle();
}

const member = (key: string, rid: string) => server.redis.sismember(key, rid).then((n) => n === 1);

describe('audiences', () => {
  it('follow the resident: channel and language at once, commune when given, finished lessons, alerts off; gone on deletion', async () => {
    const psid = newPsid();
    const rid = `messenger:${psid}`;
    await say(psid, 'xin chào');
    await waitFor('channel set', () => member(keys.audienceChannel('messenger'), rid));
    expect(await member(keys.audienceLocale('vi'), rid)).toBe(true);

    // Finish a lesson: then the commune is asked, typed without diacritics.
    await say(psid, 'Bài khác', 'l:other');
    await say(psid, 'Tiếp', 'n:first');
    await say(psid, 'tien mat');
    await waitFor('finished', () => member(keys.audienceFinished('other'), rid));
    await say(psid, 'ba dinh');
    await waitFor('commune set', () => member(keys.audienceArea('01//00004'), rid));
    expect(await member(keys.audienceArea('01'), rid)).toBe(true);

    await say(psid, 'english');
    await waitFor('language moved', async () => (await member(keys.audienceLocale('en'), rid)) && !(await member(keys.audienceLocale('vi'), rid)));

    await say(psid, 'alerts off');
    await waitFor('alerts off', () => member(keys.audienceAlertsOff, rid));

    await say(psid, 'delete my data');
    await say(psid, 'Yes', 'c:delete:yes');
    for (const key of [keys.audienceChannel('messenger'), keys.audienceLocale('en'), keys.audienceFinished('other'), keys.audienceArea('01'), keys.audienceArea('01//00004'), keys.audienceAlertsOff]) {
      await waitFor(`out of ${key}`, async () => !(await member(key, rid)));
    }
  });

  it('web-chat residents are an audience of their own channel (their mailbox); Bot Framework residents never are', async () => {
    const res = await fetch(`${server.url}/channels/web/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'aud-web-1', text: 'xin chào' }) });
    expect(res.status).toBe(200);
    await waitFor('web channel set', () => member(keys.audienceChannel('web'), 'web:aud-web-1'));
    expect(await member(keys.audienceLocale('vi'), 'web:aud-web-1')).toBe(true);

    await server.app.conversation.handle({ residentId: 'botframework:aud-bf-1', input: { type: 'text', text: 'xin chào' } });
    await server.app.processor.idle();
    expect(await member(keys.audienceLocale('vi'), 'botframework:aud-bf-1')).toBe(false);
  });
});
