/**
 * Review follow-ups: a quiz item answered wrongly through Messenger is offered again as a short
 * follow-up when it falls due, if the platform's messaging window still allows it, and only once.
 * In the web chat, the follow-up goes to the resident's mailbox, which the page fetches.
 * Real app and Redis; the Graph API faked with nock; the server's clock is moved by the test.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEW_GAPS_MS } from '../../src/engine/review.js';
import { createKeys } from '../../src/store/keys.js';
import { deliverMessenger, newPsid, text } from '../helpers/messenger.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebResident } from '../helpers/web-client.js';

const ENV = {
  MESSENGER_APP_SECRET: 'followup-app-secret',
  MESSENGER_PAGE_ACCESS_TOKEN: 'EAAfollowup-token',
  MESSENGER_GRAPH_URL: 'http://graph.followup.test/v25.0',
  PUBLIC_BASE_URL: 'https://bot.example.test',
};
const HOUR = 3_600_000;
const sent: { psid: string; text: string; type?: string }[] = [];
let now = Date.now();
let server: TestServer;

beforeAll(async () => {
  nock('http://graph.followup.test')
    .persist()
    .post('/v25.0/me/messages')
    .query(true)
    .reply(200, (_uri, body) => {
      const b = body as { recipient: { id: string }; messaging_type?: string; message?: { text?: string } };
      if (b.message?.text) sent.push({ psid: b.recipient.id, text: b.message.text, ...(b.messaging_type ? { type: b.messaging_type } : {}) });
      return { recipient_id: b.recipient.id, message_id: `m_${sent.length}` };
    });
  server = await startTestServer({ flowsDir: 'test/fixtures/flows', env: ENV, clock: () => now, sweepMs: 3_600_000 });
});
afterAll(async () => {
  await server.close();
  nock.cleanAll();
});

async function tap(psid: string, payload: string): Promise<void> {
  expect(await deliverMessenger(server.url, ENV.MESSENGER_APP_SECRET, psid, text(payload, payload), now)).toBe(200);
  await server.app.processor.idle();
}

const textsTo = (psid: string) => sent.filter((s) => s.psid === psid).map((s) => s.text).join('\n');
const followups = () => server.redis.zrange(createKeys(server.prefix).followups, 0, -1, 'WITHSCORES');

/** A resident answers the one prize question wrongly; returns their PSID. */
async function missOne(): Promise<string> {
  const psid = newPsid();
  await tap(psid, 'l:prize-only');
  expect(textsTo(psid)).toContain('Bạn trúng tivi');
  await tap(psid, 'o:one.0:1');
  expect(textsTo(psid)).toContain('❌ Chưa đúng.');
  return psid;
}

describe('review follow-ups', () => {
  it('offered once when the item falls due inside the 24-hour window', async () => {
    const psid = await missOne();
    const answeredAt = now;
    expect(await followups()).toEqual(expect.arrayContaining([`messenger:${psid}`, String(answeredAt + REVIEW_GAPS_MS[1]!)]));

    now += 5 * HOUR;
    await server.app.processor.sweep();
    await server.app.processor.idle();
    expect(textsTo(psid)).not.toContain('câu hôm trước bạn nhầm');

    now += 2 * HOUR;
    await server.app.processor.sweep();
    await server.app.processor.idle();
    expect(textsTo(psid)).toContain('Có 1 câu hôm trước bạn nhầm');
    // We wrote first: an UPDATE inside the window, not a RESPONSE.
    expect(sent.find((s) => s.psid === psid && s.text.includes('hôm trước bạn nhầm'))?.type).toBe('UPDATE');
    expect(sent.find((s) => s.psid === psid && s.text.includes('Chưa đúng'))?.type).toBe('RESPONSE');
    expect(await followups()).not.toContain(`messenger:${psid}`);

    const count = sent.filter((s) => s.psid === psid).length;
    now += HOUR;
    await server.app.processor.sweep();
    await server.app.processor.idle();
    expect(sent.filter((s) => s.psid === psid)).toHaveLength(count);
  });

  it('not sent when the messaging window has closed; the review waits for the resident to return', async () => {
    const psid = await missOne();
    const before = sent.filter((s) => s.psid === psid).length;
    now += 25 * HOUR;
    await server.app.processor.sweep();
    await server.app.processor.idle();
    expect(sent.filter((s) => s.psid === psid)).toHaveLength(before);
    expect(await followups()).not.toContain(`messenger:${psid}`);

    await tap(psid, 'c:menu');
    expect(textsTo(psid)).toContain('Có 1 câu bạn từng nhầm');
  });

  it('in the web chat: the follow-up waits in the mailbox for the page', async () => {
    const r = new WebResident(server.url);
    await r.tap('l:prize-only');
    await r.tap('o:one.0:1');
    expect(r.said).toContain('❌ Chưa đúng.');
    now += 7 * HOUR;
    await server.app.processor.sweep();
    await server.app.processor.idle();
    const res = await fetch(`${server.url}/channels/web/messages?userId=${r.userId}`);
    const { replies } = (await res.json()) as { replies: { text: string }[] };
    expect(replies.map((x) => x.text).join('\n')).toContain('Có 1 câu hôm trước bạn nhầm');
  });
});
