/**
 * The Bot Framework channel's pure parts (activity → InboundActivity, Reply → activities), its
 * configuration checks, and the rule that only src/channels/botframework/ depends on the SDK.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InboundActivity, residentIdOf, toInput } from '../../src/channels/activity.js';
import { botFrameworkChannel } from '../../src/channels/botframework/index.js';
import { payloadOf, toInbound, userId } from '../../src/channels/botframework/inbound.js';
import { renderBotFramework } from '../../src/channels/botframework/render.js';
import { isLoopbackUrl } from '../../src/channels/botframework/routes.js';
import { BotFrameworkActivity } from '../../src/channels/botframework/types.js';
import type { ChannelDeps } from '../../src/channels/channel.js';
import { loadConfig } from '../../src/config.js';
import { memoryLog } from '../fixtures/botframework/harness.js';

const fixture = (name: string) =>
  BotFrameworkActivity.parse(JSON.parse(readFileSync(new URL(`../fixtures/botframework/${name}`, import.meta.url), 'utf8')));
const clock = () => 1_767_000_000_000;
const url = (p: string) => `https://hocso.example/${p}`;

describe('toInbound', () => {
  it('an Emulator conversationUpdate adding the bot is a start event for the user', () => {
    const a = fixture('emulator-conversation-update.json');
    const c = toInbound(a, clock);
    expect(c).toEqual({
      type: 'turn',
      activity: {
        type: 'event', name: 'start', channelId: 'botframework', id: 'cd3f7b20-6d3e-11f0-8f0b-9d4c3b2a1e00',
        timestamp: Date.parse('2026-01-02T02:00:00.000Z'), from: { id: 'emulator:8b0e4d2a-1c7f-4e55-a0e3-5d9b2f6c7a18' },
      },
    });
    if (c.type !== 'turn') throw new Error('unreachable');
    expect(toInput(c.activity)).toEqual({ type: 'start' });
    expect(residentIdOf(c.activity)).toBe('botframework:emulator:8b0e4d2a-1c7f-4e55-a0e3-5d9b2f6c7a18');
  });

  it('a conversationUpdate without the bot, or from the bot itself, is ignored; without an id it gets a stable one', () => {
    const a = fixture('emulator-conversation-update.json');
    expect(toInbound({ ...a, membersAdded: [{ id: a.from!.id }] }, clock)).toMatchObject({ type: 'ignored' });
    expect(toInbound({ ...a, membersAdded: [], membersRemoved: [{ id: a.recipient!.id }] }, clock)).toMatchObject({ type: 'ignored' });
    expect(toInbound({ ...a, from: a.recipient }, clock)).toMatchObject({ type: 'ignored' });
    const { id: _id, ...noId } = a;
    const first = toInbound(noId, clock);
    expect(first).toMatchObject({ type: 'turn', activity: { id: `conversationUpdate:${a.conversation.id}` } });
    expect(toInbound(noId, clock)).toEqual(first);
  });

  it('an Emulator message: the text, the platform time, no name (the Emulator calls everyone "User")', () => {
    const c = toInbound(fixture('emulator-message.json'), clock);
    expect(c).toEqual({
      type: 'turn',
      activity: {
        type: 'message', channelId: 'botframework', id: 'd41a9e30-6d3e-11f0-8f0b-9d4c3b2a1e00', timestamp: Date.parse('2026-01-02T02:00:05.123Z'),
        from: { id: 'emulator:8b0e4d2a-1c7f-4e55-a0e3-5d9b2f6c7a18' }, text: 'Xin chào, tôi muốn học cách giữ mật khẩu',
      },
    });
  });

  it('a Web Chat postBack is a payload; the real name is kept', () => {
    const c = toInbound(fixture('webchat-postback.json'), clock);
    expect(c).toMatchObject({ type: 'turn', activity: { value: { payload: 'n:intro' }, from: { id: 'webchat:dl_3c9f1e2a7b', name: 'Nguyễn Thị Lan' } } });
    if (c.type === 'turn') expect(c.activity).not.toHaveProperty('text');
  });

  it('a Teams value.payload is a payload; the user id is kept with its channel', () => {
    const a = fixture('teams-message-with-value.json');
    const c = toInbound(a, clock);
    expect(c).toMatchObject({ type: 'turn', activity: { value: { payload: 'o:has-lock:0' }, from: { id: `msteams:${a.from!.id}`, name: 'Trần Văn Minh' } } });
  });

  it('a user id too long to keep, or with characters we do not store, becomes a stable digest', () => {
    const long = `29:${'x'.repeat(200)}`;
    expect(userId('msteams', long)).toMatch(/^msteams:h:[\w-]{43}$/);
    expect(userId('msteams', long)).toBe(userId('msteams', long));
    expect(userId('msteams', long)).not.toBe(userId('msteams', `${long}y`));
    expect(userId('slack', 'U1 {x}')).toMatch(/^slack:h:/);
    const a = fixture('teams-message-with-value.json');
    const c = toInbound({ ...a, from: { id: long } }, clock);
    if (c.type !== 'turn') throw new Error(`expected a turn, got ${c.type}`);
    expect(InboundActivity.safeParse(c.activity).success).toBe(true);
    expect(c.activity.from.id).toBe(userId('msteams', long));
  });

  it('recognises taps however the channel sends them, and leaves typed text alone', () => {
    expect(payloadOf({ value: { payload: 'c:menu' } })).toBe('c:menu');
    expect(payloadOf({ value: 'c:menu' })).toBe('c:menu');
    expect(payloadOf({ text: 'whatever', channelData: { postBack: true } })).toBe('whatever');
    expect(payloadOf({ text: ' o:lock:1 ' })).toBe('o:lock:1');
    expect(payloadOf({ text: 'tiếp' })).toBeUndefined();
    expect(payloadOf({ text: 'menu' })).toBeUndefined();
    expect(payloadOf({ text: 'x:y:z:w' })).toBeUndefined();
    expect(payloadOf({ value: { other: 1 }, text: 'có' })).toBeUndefined();
  });

  it('a message without an id or sender is unreadable; a photo without text is "I\'m here"; other types are ignored', () => {
    const m = fixture('emulator-message.json');
    const { id: _id, ...noId } = m;
    expect(toInbound(noId, clock)).toEqual({ type: 'unreadable', reason: 'no_id' });
    const { from: _from, ...noFrom } = m;
    expect(toInbound(noFrom, clock)).toEqual({ type: 'unreadable', reason: 'no_from' });
    const { text: _t, ...photo } = m;
    expect(toInbound({ ...photo, attachments: [{ contentType: 'image/jpeg' }] }, clock)).toMatchObject({ type: 'turn', activity: { text: '' } });
    for (const type of ['typing', 'event', 'invoke', 'messageReaction', 'endOfConversation', 'installationUpdate']) {
      expect(toInbound({ ...m, type }, clock)).toMatchObject({ type: 'ignored' });
    }
    expect(toInbound({ ...m, timestamp: 'not a date' }, clock)).toMatchObject({ activity: { timestamp: clock() } });
    expect(toInbound({ ...m, text: 'x'.repeat(9000) }, clock)).toMatchObject({ activity: { text: 'x'.repeat(8000) } });
  });

  it('the activity schema refuses what we cannot answer and keeps every other field for the SDK', () => {
    const m = fixture('emulator-message.json');
    expect(m).toHaveProperty('entities');
    expect(m).toHaveProperty('localTimezone', 'Asia/Saigon');
    expect(BotFrameworkActivity.safeParse({ ...m, serviceUrl: 'ftp://x' }).success).toBe(false);
    expect(BotFrameworkActivity.safeParse({ ...m, serviceUrl: 'javascript:alert(1)' }).success).toBe(false);
    expect(BotFrameworkActivity.safeParse({ ...m, channelId: 'has space' }).success).toBe(false);
    expect(BotFrameworkActivity.safeParse({ ...m, conversation: {} }).success).toBe(false);
    expect(BotFrameworkActivity.safeParse({ ...m, type: undefined }).success).toBe(false);
  });
});

describe('renderBotFramework', () => {
  it('a link becomes a last, tappable line of the text', () => {
    const [first] = renderBotFramework({ text: 'Mở cổng.', link: { url: 'https://dichvucong.gov.vn', label: 'Cổng DVC' } }, (p) => `https://x/${p}`);
    expect(first).toMatchObject({ text: 'Mở cổng.\n\n👉 Cổng DVC: https://dichvucong.gov.vn' });
  });

  it('text with choices: one plain message with postBack suggested actions (title = label, value = payload)', () => {
    expect(renderBotFramework({ text: 'Chọn bài', choices: [{ payload: 'l:password-otp', label: 'Mật khẩu' }, { payload: 'c:help', label: ' Hướng dẫn ' }] }, url)).toEqual([
      {
        type: 'message', text: 'Chọn bài', textFormat: 'plain',
        suggestedActions: { actions: [
          { type: 'postBack', title: 'Mật khẩu', value: 'l:password-otp' },
          { type: 'postBack', title: 'Hướng dẫn', value: 'c:help' },
        ] },
      },
    ]);
  });

  it('a picture comes first as an image attachment with the public URL', () => {
    const out = renderBotFramework({ text: 'Xem hình', image: 'media/pw-intro.png', choices: [{ payload: 'n:intro', label: 'Tiếp tục' }] }, url);
    expect(out[0]).toEqual({ type: 'message', attachments: [{ contentType: 'image/png', contentUrl: 'https://hocso.example/media/pw-intro.png', name: 'pw-intro.png' }] });
    expect(out[1]).toMatchObject({ text: 'Xem hình', suggestedActions: { actions: [{ value: 'n:intro' }] } });
    expect(renderBotFramework({ text: '', image: 'media/a.JPG' }, url)).toEqual([
      { type: 'message', attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://hocso.example/media/a.JPG', name: 'a.JPG' }] },
    ]);
  });

  it('long text is cut into parts of at most 2000 characters; the buttons go on the last part', () => {
    const sentence = 'Không bao giờ đọc mã OTP cho người khác qua điện thoại, kể cả người xưng là nhân viên ngân hàng.';
    const text = Array.from({ length: 40 }, () => sentence).join(' ');
    const out = renderBotFramework({ text, choices: [{ payload: 'c:menu', label: 'Danh mục' }] }, url);
    expect(out.length).toBe(2);
    for (const m of out) expect(m.text!.length).toBeLessThanOrEqual(2000);
    expect(out[0]).not.toHaveProperty('suggestedActions');
    expect(out[1]!.suggestedActions?.actions).toHaveLength(1);
    expect(out.map((m) => m.text).join(' ')).toBe(text);
  });

  it('buttons without text still get a message to sit on; nothing at all gives nothing', () => {
    expect(renderBotFramework({ text: ' ', choices: [{ payload: 'c:menu', label: '' }] }, url)).toEqual([
      { type: 'message', text: '', textFormat: 'plain', suggestedActions: { actions: [{ type: 'postBack', title: '1', value: 'c:menu' }] } },
    ]);
    expect(renderBotFramework({ text: '' }, url)).toEqual([]);
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    ['http://localhost:53751', true],
    ['http://127.0.0.1:9000/', true],
    ['http://127.1.2.3', true],
    ['http://[::1]:5000', true],
    ['https://smba.trafficmanager.net/apac/', false],
    ['http://169.254.169.254/latest', false],
    ['http://localhost.example.com', false],
    ['http://10.0.0.5', false],
    ['not a url', false],
  ])('%s → %s', (u, expected) => {
    expect(isLoopbackUrl(u)).toBe(expected);
  });
});

describe('configuration', () => {
  const deps = (env: Record<string, string>) => {
    const log = memoryLog();
    const d = { config: loadConfig({ ...env }), log, mediaUrl: url, clock } as unknown as ChannelDeps;
    return { d, log };
  };

  it.each([
    ['an app id without a password', { MICROSOFT_APP_ID: 'app' }, 'MICROSOFT_APP_PASSWORD'],
    ['SingleTenant without a tenant', { MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TYPE: 'SingleTenant' }, 'MICROSOFT_APP_TENANT_ID'],
    ['MSI with a password', { MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_TENANT_ID: 't' }, 'MICROSOFT_APP_PASSWORD'],
  ])('%s: the channel stays off, with one error naming the variable', (_label, env, variable) => {
    const { d, log } = deps(env);
    expect(botFrameworkChannel(d)).toBeUndefined();
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ level: 'error' });
    expect(log.lines[0]!.msg).toContain(variable);
    expect(JSON.stringify(log.lines)).not.toContain('"pw"');
  });

  it('complete settings turn auth on; none leave it off (with a warning for a password without an app id)', () => {
    const on = deps({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TYPE: 'SingleTenant', MICROSOFT_APP_TENANT_ID: 't' });
    expect(botFrameworkChannel(on.d)?.id).toBe('botframework');
    expect(on.log.lines.map((l) => l.level)).toEqual(['info']);
    const stray = deps({ MICROSOFT_APP_PASSWORD: 'pw' });
    expect(botFrameworkChannel(stray.d)?.id).toBe('botframework');
    expect(stray.log.lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(stray.log.lines[1]!.msg).toMatch(/auth is off/);
  });
});

describe('the Bot Framework SDK boundary', () => {
  const SDK = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:botbuilder|botframework-)[^'"]*['"]/;
  function files(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : /\.(c|m)?[jt]s$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  }

  it('only src/channels/botframework/ imports botbuilder or botframework-*', () => {
    const all = files('src');
    expect(all.length).toBeGreaterThan(20);
    const importers = all.filter((f) => SDK.test(readFileSync(f, 'utf8')));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((f) => !f.startsWith(join('src', 'channels', 'botframework') + '/'))).toEqual([]);
  });

  it('the scan recognises every import form', () => {
    for (const line of [
      "import { CloudAdapter } from 'botbuilder';",
      'import type { Activity } from "botframework-schema";',
      "export * from 'botbuilder-core';",
      "const c = await import('botframework-connector');",
      "const b = require('botbuilder');",
    ]) expect(SDK.test(line), line).toBe(true);
    expect(SDK.test("import { x } from './botframework/index.js';")).toBe(false);
  });
});
