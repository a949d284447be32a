/**
 * A lesson's own question, answered wrongly, comes back in the review the resident already gets for
 * quiz-bank items, and moves on to a longer gap when answered right; a question whose step was removed
 * from the lesson since is passed over. Real app and Redis, through the web chat; the server's clock is
 * moved by the test, and "the lesson changed" is a second server started on the same keys.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REVIEW_GAPS_MS } from '../../src/engine/review.js';
import { createLogger } from '../../src/log.js';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { ResidentStore } from '../../src/store/resident-store.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebResident } from '../helpers/web-client.js';

const HOUR = 3_600_000;
const FIXTURES = 'test/fixtures/flows';
const prefix = uniquePrefix('lesson-review');
const keys = createKeys(prefix);
let now = Date.now();
let redis: ScriptedRedis;
let server: TestServer;
const tempDirs: string[] = [];

beforeAll(async () => {
  redis = await testRedis();
  server = await startTestServer({ prefix, redis, flowsDir: FIXTURES, clock: () => now });
});
afterAll(async () => {
  await server.close({ keepKeys: true });
  await dropPrefix(redis, prefix);
  await redis.quit();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const stateOf = async (r: WebResident) => (await new ResidentStore(redis, keys, createLogger('silent')).load(`web:${r.userId}`)).state!;

/** The tiny lesson up to its quiz, answered wrongly ("Tin thật" to "someone asks for your OTP"). */
async function missTheQuiz(r: WebResident): Promise<void> {
  for (const p of ['l:tiny', 'n:hello', 'o:lock:0']) await r.tap(p);
  expect(r.said).toContain('Ai đó xin mã OTP. Đây là gì?');
  await r.tap('o:quiz1:1');
  expect(r.said).toContain('❌ Chưa đúng.');
}

/** The tiny lesson without its quiz step, as if an author had removed it. */
function lessonsWithoutTheQuiz(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hocso-flows-'));
  tempDirs.push(dir);
  cpSync(FIXTURES, dir, { recursive: true });
  const tiny = readFileSync(join(dir, 'tiny.yaml'), 'utf8');
  const withoutQuiz = tiny.replace(/  - id: quiz1\n[\s\S]*?(?=  - id: who\n)/, '').replace('next: quiz1', 'next: who');
  expect(withoutQuiz).not.toContain('quiz1');
  writeFileSync(join(dir, 'tiny.yaml'), withoutQuiz.replace('version: 1', 'version: 2'));
  return dir;
}

describe("a lesson's missed question in the review", () => {
  it('is promised at the end, asked in the review after the next session, and moves to the next box when right', async () => {
    const r = new WebResident(server.url);
    await missTheQuiz(r);
    await r.say('không ai');
    expect(r.said).toContain('Câu nào chưa đúng, lần sau bạn quay lại mình sẽ hỏi lại');
    expect((await stateOf(r)).quiz['tiny/quiz1']).toEqual({ right: 0, wrong: 1, lastAt: now, lastCorrect: false, box: 1, due: now + REVIEW_GAPS_MS[1]! });

    now += 7 * HOUR;
    await r.say('menu');
    expect(r.said).toContain('Có 1 câu bạn từng nhầm, đã đến lúc ôn lại.');
    await r.tap('c:review');
    expect(r.said).toContain('Câu 1/3\nÔn lại câu hỏi của bài «Bài nhỏ»:\nAi đó xin mã OTP. Đây là gì?');
    expect(r.choices.map((c) => c.label)).toEqual(['Lừa đảo', 'Tin thật']);
    await r.tap(r.choices[0]!.payload);
    expect(r.said).toContain('✅ Đúng rồi!\nKhông ai được hỏi mã OTP.');
    expect(r.said).toContain('Câu 2/3');
    const state = await stateOf(r);
    expect(state.quiz['tiny/quiz1']).toMatchObject({ right: 1, wrong: 1, box: 2, due: now + REVIEW_GAPS_MS[2]! });
    expect(state.current).toMatchObject({ flowId: 'practice', right: 1, total: 1 });

    // Analytics as for a bank item's review: the practice step's answer, naming the question. Written just after the turn.
    await vi.waitFor(async () => {
      const events = (await redis.xrange(keys.events, '-', '+')).map(([, f]) => f[f.indexOf('e') + 1]!);
      expect(events.filter((e) => e.includes('"itemId":"tiny/quiz1"'))).toEqual([expect.stringContaining('"type":"quiz_answered"')]);
    });
  });

  it('removed from its lesson since: never announced, never asked, and passed over mid-review', async () => {
    let missed = new WebResident(server.url);
    await missTheQuiz(missed);
    let reviewing = new WebResident(server.url);
    await missTheQuiz(reviewing);
    now += 7 * HOUR;
    await reviewing.tap('c:review');
    expect(reviewing.said).toContain('Ôn lại câu hỏi của bài «Bài nhỏ»');
    const onScreen = reviewing.choices[0]!.payload;

    await server.close({ keepKeys: true });
    server = await startTestServer({ prefix, redis, flowsDir: lessonsWithoutTheQuiz(), clock: () => now });
    missed = new WebResident(server.url, missed.userId);
    reviewing = new WebResident(server.url, reviewing.userId);

    await missed.say('menu');
    expect(missed.said).not.toContain('bạn từng nhầm');
    expect(missed.choices.map((c) => c.payload)).not.toContain('c:review');
    await missed.tap('c:review');
    expect(missed.said).toContain('Câu 1/3');
    expect(missed.said).not.toContain('Bài nhỏ');

    // The answer was meant for the question that is gone: the next one is shown, and nothing is scored.
    await reviewing.tap(onScreen);
    expect(reviewing.said).toContain('Câu 2/3');
    expect(reviewing.said).not.toContain('Đúng rồi');
    expect((await stateOf(reviewing)).current).toMatchObject({ flowId: 'practice', total: 0, draw: { index: 1 } });
  });
});
