/**
 * Cancel in the middle of sending, with the default kind of rate limits on: once the official
 * cancels, no further batch is handed over; at most the residents already in flight (each channel's
 * concurrent send jobs × its batch size) still get it; queued residents not yet sent are skipped;
 * and the counts stop growing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/schema.js';
import { PUSH_CHANNELS } from '../../src/broadcast/alert.js';
import { SEND_CONCURRENCY } from '../../src/broadcast/jobs.js';
import { pacing } from '../../src/broadcast/queues.js';
import { createKeys } from '../../src/store/keys.js';
import { call, stores } from '../api/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FakePlatforms } from './fake-platforms.js';
import { seedReachable, waitUntil, type Seeded } from './seed.js';

const HERE = { province: '15', commune: '04345' };
const N = 1500;
const RATES = { messenger: 50, zalo: 20 };
/** Residents that can be between "handed over" and "sent" when the cancel lands (all seeded on these two). */
const IN_FLIGHT = (['messenger', 'zalo'] as const).reduce((sum, ch) => sum + SEND_CONCURRENCY.limited * pacing(RATES[ch]).batchSize, 0);
const fake = new FakePlatforms();
let server: TestServer;
let official: { account: Account; token: string };
let residents: Seeded[];
const marker = `CANCEL-${Date.now().toString(36)}`;
const texts = () => fake.delivered.filter((d) => d.message.text?.includes(marker));

beforeAll(async () => {
  await fake.start();
  server = await startTestServer({ env: { ...fake.env(), BROADCAST_RATE_MESSENGER: String(RATES.messenger), BROADCAST_RATE_ZALO: String(RATES.zalo), BROADCAST_APPROVAL_THRESHOLD: '100000' } });
  official = await stores(server).accounts.create({ name: 'Chị Hằng', role: 'official', area: HERE });
  residents = await seedReachable(server, N, HERE);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await fake.close();
});

describe('cancel mid-send', () => {
  it('stops further sends: only what was already at the platform completes, and the counts stop growing', async () => {
    const created = await call(server, 'POST', '/alerts', {
      token: official.token,
      body: { text: { vi: `${marker} Cảnh báo: lừa đảo đầu tư tiền ảo.` }, scamType: 'investment', audience: { area: HERE } },
    });
    const id = created.json.alert.id as string;
    expect((await call(server, 'POST', `/alerts/${id}/submit`, { token: official.token })).json.alert.status).toBe('sending');

    await waitUntil('the first residents have it', () => texts().length >= 100, 60_000, 5);
    const atCancel = texts().length;
    const cancelled = await call(server, 'POST', `/alerts/${id}/cancel`, { token: official.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.alert.status).toBe('cancelled');
    expect(cancelled.json.alert.audit.at(-1)).toMatchObject({ action: 'cancelled', from: 'sending', to: 'cancelled', by: official.account.id });

    // Let everything settle: no batch waiting or running, and every handed-over resident accounted for.
    const keys = createKeys(server.prefix);
    await waitUntil('everything settled', async () => {
      const counts = await Promise.all(PUSH_CHANNELS.map((ch) => server.app.broadcast.queues.send[ch].getJobCounts('active', 'waiting', 'delayed', 'prioritized')));
      if (counts.some((c) => Object.values(c).some((n) => n > 0))) return false;
      const p = (await call(server, 'GET', `/alerts/${id}/progress`, { token: official.token })).json;
      return p.sent + p.skipped + p.failed + p.unreachable === p.queued && (await server.redis.zcard(keys.due)) === 0;
    }, 60_000, 100);
    const settled = (await call(server, 'GET', `/alerts/${id}/progress`, { token: official.token })).json;

    const final = texts().length;
    expect(final).toBeLessThanOrEqual(atCancel + IN_FLIGHT);
    expect(final).toBeLessThan(N / 2);
    expect(settled.status).toBe('cancelled');
    expect(settled.sent).toBe(final);
    expect(settled.queued).toBeLessThan(N / 2); // the remaining batches were never handed over

    // Nothing is left that could still send: no outbox holds it, and another sweep sends nothing.
    const outboxes = await Promise.all(residents.map((r) => server.redis.llen(keys.resident(r.id).outbox)));
    expect(outboxes.filter((n) => n > 0)).toEqual([]);
    await server.app.processor.sweep();
    await server.app.processor.idle();
    expect(texts().length).toBe(final);
    expect((await call(server, 'GET', `/alerts/${id}/progress`, { token: official.token })).json.sent).toBe(settled.sent);

    // Cancelling again changes nothing; a done or cancelled alert cannot be edited or submitted.
    expect((await call(server, 'POST', `/alerts/${id}/cancel`, { token: official.token })).json.alert.status).toBe('cancelled');
    expect((await call(server, 'POST', `/alerts/${id}/submit`, { token: official.token })).status).toBe(409);
    expect((await call(server, 'PATCH', `/alerts/${id}`, { token: official.token, body: { text: { vi: 'x' } } })).status).toBe(409);
  }, 120_000);
});
