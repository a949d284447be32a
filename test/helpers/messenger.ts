/** Signed Messenger webhook deliveries for tests that are not about Messenger itself. */
import { createHmac, randomInt } from 'node:crypto';

export type MessengerEvent = { message: Record<string, unknown> } | { postback: Record<string, unknown> };

/** A text message, or a quick-reply tap when `payload` is given. */
export const text = (body: string, payload?: string): MessengerEvent => ({
  message: { mid: `m-${randomInt(1e12)}`, text: body, ...(payload ? { quick_reply: { payload } } : {}) },
});

/** "Get Started", with the m.me `ref` the resident came through. */
export const getStarted = (ref?: string): MessengerEvent => ({
  postback: { title: 'Bắt đầu', payload: 'GET_STARTED', ...(ref ? { referral: { ref, source: 'SHORTLINK', type: 'OPEN_THREAD' } } : {}) },
});

export const newPsid = () => `${randomInt(1e7, 1e8)}${randomInt(1e7, 1e8)}`;

/** POST one event from `psid` to the server's webhook, signed with `secret`; returns the HTTP status. */
export async function deliverMessenger(baseUrl: string, secret: string, psid: string, event: MessengerEvent, timestamp = Date.now()): Promise<number> {
  const body = Buffer.from(JSON.stringify({
    object: 'page',
    entry: [{ id: '1', time: timestamp, messaging: [{ sender: { id: psid }, recipient: { id: '1' }, timestamp, ...event }] }],
  }));
  const res = await fetch(`${baseUrl}/webhooks/messenger`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
    body: new Uint8Array(body),
  });
  await res.arrayBuffer();
  return res.status;
}
