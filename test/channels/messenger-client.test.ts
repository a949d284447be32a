/** The Send API client against a fake Graph API (nock at the HTTP boundary): requests and classification. */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_INVALID, createMessengerClient, parseRetryAfter } from '../../src/channels/messenger/client.js';
import { memoryLog } from '../helpers/memory-log.js';

const GRAPH = 'http://graph.test';
const TOKEN = 'EAAtest-token';


function client(extra: { timeoutMs?: number } = {}) {
  const log = memoryLog();
  const c = createMessengerClient({
    graphUrl: `${GRAPH}/v25.0`,
    pageAccessToken: TOKEN,
    log,
    mediaUrl: (p) => `https://bot.example.test/${p}`,
    ...extra,
  });
  return { c, log };
}

const graph = () => nock(GRAPH).post('/v25.0/me/messages').query({ access_token: TOKEN });
const graphError = (code: number, subcode?: number) => ({
  error: { message: 'x', type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'AbCdEf' },
});

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

describe('messenger client: requests', () => {
  it('POSTs the message as a RESPONSE to the PSID, with the token only in access_token', async () => {
    let seen: { body: unknown; headers: Record<string, string | string[]> } | undefined;
    const scope = graph().reply(function (_uri, body) {
      seen = { body, headers: this.req.headers };
      return [200, { recipient_id: '6543210987654321', message_id: 'm_sent' }];
    });
    const { c } = client();
    const outcome = await c.send('6543210987654321', { text: 'Chào bạn', quick_replies: [{ content_type: 'text', title: 'Có', payload: 'o:a:0' }] });
    expect(outcome).toEqual({ type: 'sent' });
    expect(scope.isDone()).toBe(true);
    expect(seen?.body).toEqual({
      recipient: { id: '6543210987654321' },
      messaging_type: 'RESPONSE',
      message: { text: 'Chào bạn', quick_replies: [{ content_type: 'text', title: 'Có', payload: 'o:a:0' }] },
    });
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(JSON.stringify(seen?.headers)).not.toContain(TOKEN);
  });

  it('sends a sender action alone, without message or messaging_type', async () => {
    let body: unknown;
    graph().reply((_uri, b) => {
      body = b;
      return [200, { recipient_id: '1' }];
    });
    const { c } = client();
    expect(await c.send('1', { sender_action: 'typing_on' })).toEqual({ type: 'sent' });
    expect(body).toEqual({ recipient: { id: '1' }, sender_action: 'typing_on' });
  });

  it('renders a picture after a typing indicator, with the public image URL', () => {
    const { c } = client();
    const messages = c.render({ text: 'Xem hình', image: 'media/pw-intro.png', choices: [{ payload: 'n:intro', label: 'Tiếp tục' }] });
    expect(messages[0]).toEqual({ sender_action: 'typing_on' });
    expect(messages[1]).toEqual({ attachment: { type: 'image', payload: { url: 'https://bot.example.test/media/pw-intro.png', is_reusable: true } } });
    expect(messages.at(-1)).toMatchObject({ text: 'Xem hình', quick_replies: [{ title: 'Tiếp tục', payload: 'n:intro' }] });
    expect(c.render({ text: 'Chỉ chữ' })).toEqual([{ text: 'Chỉ chữ' }]);
  });
});

describe('messenger client: classifying answers', () => {
  it.each([
    ['500', 500, {}, { type: 'retry' }],
    ['503', 503, 'Service Unavailable', { type: 'retry' }],
    ['429', 429, {}, { type: 'retry' }],
    ['rate limit 4', 400, graphError(4), { type: 'retry' }],
    ['rate limit 613', 400, graphError(613), { type: 'retry' }],
    ['code 2 (transient; see client.ts)', 500, graphError(2), { type: 'retry' }],
    ['page restricted 10/1893063', 400, graphError(10, 1893063), { type: 'retry' }],
    ['person unavailable 551/1545041', 400, graphError(551, 1545041), { type: 'unreachable' }],
    ['200 with subcode 1545041', 403, graphError(200, 1545041), { type: 'unreachable' }],
    ['outside the window 10/2018278', 400, graphError(10, 2018278), { type: 'unreachable' }],
    ['no matching user 100/2018001', 400, graphError(100, 2018001), { type: 'unreachable' }],
    ['invalid parameter 100', 400, graphError(100), { type: 'failed' }],
    ['permissions 200', 403, graphError(200), { type: 'failed' }],
    ['other 4xx without body', 404, '', { type: 'failed' }],
  ] as const)('%s', async (_label, status, body, expected) => {
    graph().reply(status, body as nock.Body);
    const { c } = client();
    const outcome = await c.send('1', { text: 'x' });
    expect(outcome).toMatchObject(expected);
  });

  it('reports the codes, never the token or Meta\'s message, in the reason and the logs', async () => {
    graph().reply(400, { error: { message: 'secret text 6543210987654321', code: 551, error_subcode: 1545041, fbtrace_id: 'T1' } });
    const { c, log } = client();
    const outcome = await c.send('6543210987654321', { text: 'riêng tư' });
    expect(outcome).toEqual({ type: 'unreachable', reason: 'graph 400 error 551/1545041' });
    const all = JSON.stringify(log.lines);
    for (const secret of [TOKEN, '6543210987654321', 'riêng tư', 'secret text']) expect(all).not.toContain(secret);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    graph().reply(429, {}, { 'Retry-After': '7' });
    const { c } = client();
    expect(await c.send('1', { text: 'x' })).toMatchObject({ type: 'retry', afterMs: 7000 });
    graph().reply(503, '', { 'Retry-After': new Date(Date.now() + 120_000).toUTCString() });
    const outcome = await c.send('1', { text: 'x' });
    expect(outcome.type).toBe('retry');
    const afterMs = (outcome as { afterMs?: number }).afterMs!;
    expect(afterMs).toBeGreaterThan(110_000);
    expect(afterMs).toBeLessThanOrEqual(120_000);
  });

  it('parses Retry-After values', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 2 ', now)).toBe(2000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999', now)).toBe(3_600_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('error 190: failed with a clear reason, logged as an error once', async () => {
    graph().times(3).reply(400, graphError(190, 463));
    const { c, log } = client();
    for (let i = 0; i < 3; i++) expect(await c.send('1', { text: 'x' })).toEqual({ type: 'failed', reason: TOKEN_INVALID });
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(log.lines.find((l) => l.level === 'error')?.msg).toContain('MESSENGER_PAGE_ACCESS_TOKEN');
  });

  it('a network error or a timeout is retried', async () => {
    // A string: nock 14 cannot fail a node:http request with an error object (nock/nock#2829).
    graph().replyWithError('socket hang up');
    const { c } = client();
    expect(await c.send('1', { text: 'x' })).toMatchObject({ type: 'retry' });

    graph().delay(500).reply(200, {});
    const slow = client({ timeoutMs: 50 });
    expect(await slow.c.send('1', { text: 'x' })).toEqual({ type: 'retry', reason: 'timeout' });
  });
});
