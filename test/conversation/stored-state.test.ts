/**
 * The shell's round trips: a redelivered message is recognised by the commit (there is no separate
 * "handled before?" read), and a caller that already read the resident's state (the processor's
 * claim) can hand it over instead of a load, stale or not. Real Redis, shipped lessons.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConversation, type Conversation } from '../../src/conversation/conversation.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { loadTexts } from '../../src/i18n.js';
import { createLogger } from '../../src/log.js';
import { LOCALES_DIR, resolveFlowsDir } from '../../src/paths.js';
import { createKeys, type Keys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { ResidentStore } from '../../src/store/resident-store.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const prefix = uniquePrefix('stored');
let redis: ScriptedRedis;
let keys: Keys;
let store: ResidentStore;
let conversation: Conversation;
let n = 0;

beforeAll(async () => {
  redis = await testRedis();
  keys = createKeys(prefix);
  store = new ResidentStore(redis, keys, createLogger('silent'));
  conversation = createConversation({
    store, flows: loadLessonsOrThrow(resolveFlowsDir('flows')), texts: loadTexts(LOCALES_DIR), defaultLocale: 'vi', log: createLogger('silent'),
  });
});

afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

const tap = (residentId: string, payload: string, messageId = `m${++n}`) => ({ residentId, messageId, input: { type: 'payload' as const, payload } });
const stateOf = async (residentId: string) => redis.hmget(keys.resident(residentId).state, 'rev', 'doc');

describe('conversation round trips', () => {
  it('answers a redelivered message with the replies it got, and changes nothing', async () => {
    const first = await conversation.handle(tap('web:dup', 'l:scam-sms-quiz', 'same-id'));
    const [rev] = await stateOf('web:dup');
    const again = await conversation.handle(tap('web:dup', 'l:scam-sms-quiz', 'same-id'));
    expect(again).toEqual({ replies: first.replies, duplicate: true });
    expect((await stateOf('web:dup'))[0]).toBe(rev);
  });

  it('uses the state it is handed instead of loading it', async () => {
    await conversation.handle(tap('web:handed', 'l:scam-sms-quiz'));
    const [rev, doc] = await stateOf('web:handed');
    const load = vi.spyOn(store, 'load');
    try {
      const next = await conversation.handle(tap('web:handed', 'n:intro'), { stored: { rev, doc } });
      expect(next.duplicate).toBe(false);
      expect(next.replies.length).toBeGreaterThan(0);
      expect(load).not.toHaveBeenCalled();
      expect(Number((await stateOf('web:handed'))[0])).toBe(Number(rev) + 1);
    } finally {
      load.mockRestore();
    }
  });

  it('recomputes on a fresh load when the state it was handed is stale', async () => {
    const started = await conversation.handle(tap('web:stale', 'l:scam-sms-quiz'));
    const fresh = await conversation.handle(tap('web:stale-twin', 'l:scam-sms-quiz'));
    const [rev] = await stateOf('web:stale');
    const load = vi.spyOn(store, 'load');
    try {
      // As if read before the first turn committed: no state at all.
      const next = await conversation.handle(tap('web:stale', 'n:intro'), { stored: { rev: null, doc: null } });
      expect(load).toHaveBeenCalledTimes(1);
      const twin = await conversation.handle(tap('web:stale-twin', 'n:intro'));
      // The same answer as a resident at the same point who was loaded normally: not a newcomer's welcome.
      expect(next.replies).toEqual(twin.replies);
      expect(next.replies).not.toEqual(started.replies);
      expect(fresh.replies).toEqual(started.replies);
      expect(Number((await stateOf('web:stale'))[0])).toBe(Number(rev) + 1);
    } finally {
      load.mockRestore();
    }
  });

  it('keeps the form of address in the stored state: a state from before it is "bạn", a chosen one holds at the next turn', async () => {
    const say = (residentId: string, text: string) => ({ residentId, messageId: `m${++n}`, input: { type: 'text' as const, text } });
    await conversation.handle(say('web:polite', 'xin chào'));
    expect(JSON.parse((await stateOf('web:polite'))[1]!)).not.toHaveProperty('address');
    expect((await conversation.handle(tap('web:polite', 'c:menu'))).replies[0]!.text).toContain('Bạn muốn học gì?');
    const set = await conversation.handle(say('web:polite', 'gọi tôi là bác'));
    expect(set.replies[0]!.text).toContain('Dạ, cháu sẽ gọi bác là bác ạ.');
    expect(JSON.parse((await stateOf('web:polite'))[1]!)).toMatchObject({ address: { form: 'bac', by: 'chosen' } });
    expect((await conversation.handle(tap('web:polite', 'c:menu'))).replies[0]!.text).toContain('Bác muốn học gì?');
  });
});
