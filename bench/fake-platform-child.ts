/**
 * The benchmark's platforms (Messenger and Zalo, no rate limit), in a process of their own so that
 * their bookkeeping does not count towards the bot's memory. Started with `fork`; says its URL, and
 * answers `{ stats: marker }` with how many residents got a text containing the marker, and how many
 * got it more than once.
 */
import { FakePlatforms } from '../test/broadcast/fake-platforms.js';

const fake = await new FakePlatforms(false).start();
fake.savePictures = true; // as Meta does: after the first answers, Messenger pictures go by id, without "typing…"
const seen = new Map<string, number>();
let marker = '';
let first = 0;
let last = 0;
fake.onDelivery = (d) => {
  if (!marker || !d.message.text?.includes(marker)) return;
  const key = `${d.channel}:${d.user}`;
  seen.set(key, (seen.get(key) ?? 0) + 1);
  const t = Date.now();
  if (!first) first = t;
  last = t;
};

process.on('message', (m: { marker?: string; stats?: true; stop?: true }) => {
  if (m.marker) marker = m.marker;
  if (m.stats) {
    let twice = 0;
    for (const n of seen.values()) if (n > 1) twice++;
    process.send!({ stats: { residents: seen.size, twice, requests: fake.requests, first, last, rssMb: Math.round(process.memoryUsage().rss / 1048576) } });
  }
  if (m.stop) void fake.close().then(() => process.exit(0));
});
process.send!({ url: fake.url, env: fake.env() });
