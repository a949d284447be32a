/**
 * One JSON POST to a platform's API over node:http(s) with kept-alive connections. The platform
 * clients use this instead of `fetch`: fetch's web streams, abort signals and header objects cost
 * several times the CPU of the request itself, which showed as the largest share of a broadcast's
 * time per recipient (see README, "How fast").
 */
import http from 'node:http';
import https from 'node:https';

export interface PostAnswer {
  status: number;
  /** The Retry-After header, if any. */
  retryAfter: string | null;
  /** The body as text, cut at MAX_ANSWER_BYTES (error answers are small; we only read their codes). */
  text: string;
}

/** Thrown when the platform did not answer within the time given. */
export class PostTimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

const MAX_ANSWER_BYTES = 64 * 1024;
// No cap on parallel connections (as fetch): a request waiting for a free socket would spend its
// time allowance in the queue, and one timed out after it was written may have been shown (a
// retry would show it twice). The send queues' rate limits bound the parallelism instead.
// Idle connections are kept for the next burst (the default keeps 256 and closes the rest, so a
// broadcast's bursts of sends opened and closed hundreds of connections each time).
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxFreeSockets: 1024 }),
  'https:': new https.Agent({ keepAlive: true, maxFreeSockets: 1024 }),
};

interface Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: string;
  path: string;
}

/** Parsed endpoints: a client posts to the same few URLs again and again. */
const targets = new Map<string, Target>();

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    const u = new URL(url);
    if (targets.size >= 32) targets.clear();
    // IPv6 literals come bracketed from URL; node:http wants them bare.
    target = { protocol: u.protocol === 'https:' ? 'https:' : 'http:', hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: `${u.pathname}${u.search}` };
    targets.set(url, target);
  }
  return target;
}

export function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostAnswer> {
  const target = targetOf(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise<PostAnswer>((resolve, reject) => {
    const req = transport.request(
      {
        ...target,
        method: 'POST',
        agent: agents[target.protocol],
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          clearTimeout(timer);
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            text: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8'),
          });
        });
        res.on('error', fail);
      },
    );
    const timer = setTimeout(() => req.destroy(new PostTimeoutError(timeoutMs)), timeoutMs);
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(body);
  });
}
