/** The platform clients' POST, against a real local HTTP server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, PostTimeoutError } from '../../src/channels/http-post.js';

let server: Server;
let base = '';
const sockets = new Set<string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    sockets.add(`${req.socket.remotePort}`);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/echo') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ body: JSON.parse(body) as unknown, token: req.headers['access_token'] ?? null, type: req.headers['content-type'] }));
      } else if (req.url === '/busy') {
        res.writeHead(429, { 'retry-after': '7' });
        res.end('{"error":{"code":4}}');
      } else if (req.url === '/huge') {
        res.writeHead(500);
        res.end('x'.repeat(1024 * 1024));
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('{}'), 400);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('postJson', () => {
  it('sends the JSON body with its headers and reads the answer', async () => {
    const answer = await postJson(`${base}/echo`, JSON.stringify({ hello: 'xin chào' }), { access_token: 'tok' }, 2000);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ body: { hello: 'xin chào' }, token: 'tok', type: 'application/json' });
  });

  it('reuses kept-alive connections for requests one after another', async () => {
    sockets.clear();
    for (let i = 0; i < 5; i++) await postJson(`${base}/echo`, '{}', {}, 2000);
    expect(sockets.size).toBe(1);
  });

  it('gives the status and Retry-After of a refusal', async () => {
    const answer = await postJson(`${base}/busy`, '{}', {}, 2000);
    expect(answer).toEqual({ status: 429, retryAfter: '7', text: '{"error":{"code":4}}' });
  });

  it('keeps at most 64 KB of an answer', async () => {
    const answer = await postJson(`${base}/huge`, '{}', {}, 5000);
    expect(answer.status).toBe(500);
    expect(answer.text.length).toBe(64 * 1024);
  });

  it('gives up after the time allowed, with a TimeoutError', async () => {
    const late = postJson(`${base}/slow`, '{}', {}, 50);
    await expect(late).rejects.toBeInstanceOf(PostTimeoutError);
    await expect(late).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects when nothing listens', async () => {
    await expect(postJson('http://127.0.0.1:1/x', '{}', {}, 2000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
