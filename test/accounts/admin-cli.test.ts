/** `npm run admin`, run as a separate process against real Redis under a prefix of its own. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { createKeys } from '../../src/store/keys.js';
import type { ScriptedRedis } from '../../src/store/redis.js';
import { dropPrefix, testRedis, TEST_REDIS_ENV, uniquePrefix } from '../helpers/redis.js';
import { HOUR, seedResidents } from '../broadcast/seed.js';

const DAY = 24 * HOUR;

const prefix = uniquePrefix('admin-cli');
let redis: ScriptedRedis;
let store: AccountStore;
beforeAll(async () => {
  redis = await testRedis();
  store = new AccountStore(redis, createKeys(prefix));
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

function admin(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/accounts/admin-cli.ts', ...args], {
    env: { ...process.env, ...TEST_REDIS_ENV, REDIS_PREFIX: prefix, AREAS_FILE: '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

/** The id and token lines `add` and `token` print. */
function shown(stdout: string): { id: string; token: string } {
  const id = /^ {2}id: +([a-z0-9]{10})$/m.exec(stdout)?.[1];
  const token = /^ {2}token: +(hs_\S+)$/m.exec(stdout)?.[1];
  if (!id || !token) throw new Error(`no id/token in:\n${stdout}`);
  return { id, token };
}

describe('npm run admin -- add', () => {
  it('creates the account and prints its id and token once, with a warning to keep it', async () => {
    const { code, stdout, stderr } = admin(['add', '--name', 'Anh Minh', '--role', 'coach', '--area', '01/00004']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Created coach account "Anh Minh" (Phường Ba Đình, Thành phố Hà Nội).');
    expect(stdout).toContain('shown only this once');
    const { id, token } = shown(stdout);
    expect(stdout.split(token).length).toBe(2);
    expect(await store.byToken(token)).toMatchObject({ id, name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' }, disabled: false });
  });

  it('takes province/district/commune, and a province alone', async () => {
    const district = admin(['add', '--name', 'Chị Lan', '--role', 'official', '--area', '02/026/00715']);
    expect(district.code).toBe(0);
    expect((await store.get(shown(district.stdout).id))?.area).toEqual({ province: '02', district: '026', commune: '00715' });
    const province = admin(['add', '--name', 'Quản trị', '--role', 'admin', '--area', '15']);
    expect(province.stdout).toContain('(Tỉnh Lào Cai)');
    expect((await store.get(shown(province.stdout).id))?.area).toEqual({ province: '15' });
  });

  it.each([
    [['--name', 'X', '--role', 'boss', '--area', '01'], '--role must be one of coach, official, admin (got "boss")'],
    [['--name', 'X', '--role', 'coach', '--area', '01/99999'], '--area 01/99999: Thành phố Hà Nội (01) has no commune 99999 in data/areas.sample.json'],
    [['--name', 'X', '--role', 'coach', '--area', '99'], '--area 99: no province has code 99 in data/areas.sample.json'],
    [['--name', 'X', '--role', 'coach', '--area', 'Hà Nội'], '--area "Hà Nội" is not an area'],
    [['--name', ' ', '--role', 'coach', '--area', '01'], '--name: Too small'],
    [['--name', 'X', '--role', 'coach'], 'add needs --area'],
  ])('refuses %j: %s', async (args, message) => {
    const before = (await store.list()).length;
    const { code, stderr, stdout } = admin(['add', ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stdout).not.toContain('token');
    expect((await store.list()).length).toBe(before);
  });
});

describe('list, disable, enable, token', () => {
  it('lists id, role, name, area name and status', async () => {
    const { account } = await store.create({ name: 'Chị Hoa', role: 'coach', area: { province: '15', commune: '02833' } });
    await store.setDisabled(account.id, true);
    const { code, stdout } = admin(['list']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id +role +name +area +status$/);
    const row = lines.find((l) => l.startsWith(account.id));
    expect(row?.split(/ {2,}/)).toEqual([account.id, 'coach', 'Chị Hoa', 'Xã Bát Xát, Tỉnh Lào Cai', 'disabled']);
  });

  it('disable stops the token; enable brings it back', async () => {
    const { account, token } = await store.create({ name: 'Anh Tâm', role: 'coach', area: { province: '01' } });
    const disabled = admin(['disable', account.id]);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain(`Disabled ${account.id} (Anh Tâm)`);
    expect(await store.byToken(token)).toBeUndefined();
    const enabled = admin(['enable', account.id]);
    expect(enabled.code).toBe(0);
    expect((await store.byToken(token))?.id).toBe(account.id);
  });

  it('token prints a new token once; the old one stops working', async () => {
    const { account, token: old } = await store.create({ name: 'Anh Phúc', role: 'official', area: { province: '01' } });
    const { code, stdout } = admin(['token', account.id]);
    expect(code).toBe(0);
    expect(stdout).toContain('the old one no longer works');
    expect(stdout).toContain('shown only this once');
    const { id, token } = shown(stdout);
    expect(id).toBe(account.id);
    expect(await store.byToken(old)).toBeUndefined();
    expect((await store.byToken(token))?.id).toBe(account.id);
  });

  it.each(['disable', 'enable', 'token'])('%s of an unknown id: says so, exit 1', (command) => {
    const { code, stderr } = admin([command, 'zzzzzzzzzz']);
    expect(code).toBe(1);
    expect(stderr).toBe('No account has id zzzzzzzzzz; run "npm run admin -- list" to see them.');
  });
});

describe('npm run admin -- audiences', () => {
  it('puts a resident missing from the audiences back, and says how many it changed', async () => {
    const keys = createKeys(prefix);
    const [resident] = await seedResidents(redis, keys, [{ channel: 'web', area: { province: '01', commune: '00004' }, lastWroteAgo: HOUR }]);
    await redis.srem(keys.audienceArea('01//00004'), resident!.id);
    const { code, stdout, stderr } = admin(['audiences']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('Audiences rebuilt from 1 resident: 1 membership added, 0 removed.');
    expect(await redis.sismember(keys.audienceArea('01//00004'), resident!.id)).toBe(1);
    expect(admin(['audiences', 'now']).code).toBe(2);
  });
});

describe('npm run admin -- links', () => {
  it("gives older links their expiry and takes residents' anonymous ids out of their own links, once", async () => {
    const keys = createKeys(prefix);
    const now = Date.now();
    const link = (code: string, extra: Record<string, unknown>) =>
      JSON.stringify({ code, lessonId: 'qr-payment', depth: 0, createdAt: now, expiresAt: now + DAY, revoked: false, ...extra });
    // As links were stored before: no expiry, and a resident's own naming its sharer.
    await redis.hset(keys.link('HS2SHARE'), 'data', link('HS2SHARE', { sharedBy: 'anon-7f3a', depth: 1 }), 'uses', 3);
    await redis.hset(keys.link('HS2CDACH'), 'data', link('HS2CDACH', { coachId: 'c1', senderName: 'Anh Minh', note: 'nhà bác Tư' }), 'uses', 0);
    const { code, stdout, stderr } = admin(['links']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe("Lesson links looked at: 2; residents' ids taken out: 1; expiries set: 2.");
    const shared = JSON.parse((await redis.hget(keys.link('HS2SHARE'), 'data'))!) as { sharedBy: string };
    expect(shared.sharedBy).toBe('resident');
    expect(await redis.hget(keys.link('HS2SHARE'), 'uses')).toBe('3');
    for (const c of ['HS2SHARE', 'HS2CDACH']) {
      const ttl = await redis.pttl(keys.link(c));
      expect(ttl).toBeGreaterThan(90 * DAY);
      expect(ttl).toBeLessThanOrEqual(91 * DAY);
    }
    expect(admin(['links']).stdout.trim()).toBe("Lesson links looked at: 2; residents' ids taken out: 0; expiries set: 0.");
  });
});

describe('errors', () => {
  it('an unknown command: the usage, exit 2', () => {
    const { code, stderr } = admin(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "frobnicate"');
    expect(stderr).toContain('Usage: npm run admin -- <command>');
  });

  it('Redis unreachable: the message saying where and how to start one', () => {
    const { code, stderr } = admin(['list'], { REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: '' });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'Cannot reach Redis at redis://127.0.0.1:1. Start one with: redis-server --daemonize yes --port 6379 --save "" --appendonly no (or: docker compose up -d redis), or point REDIS_URL at a running server.',
    );
  });

  it('a broken AREAS_FILE: the file and the JSON path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hocso-cli-'));
    try {
      const file = join(dir, 'areas.json');
      writeFileSync(file, JSON.stringify({ provinces: [{ code: '01', name: 'A' }] }));
      const { code, stderr } = admin(['list'], { AREAS_FILE: file });
      expect(code).toBe(1);
      expect(stderr).toBe(`${file}: provinces[0]: a province needs "communes" (since the 2025 reform) or "districts", each with its "communes"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad REDIS_PREFIX: the configuration error', () => {
    const { code, stderr } = admin(['list'], { REDIS_PREFIX: 'has space' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Configuration error: REDIS_PREFIX /);
  });
});

describe('through npm', () => {
  it('"npm run admin -- list" runs this CLI', async () => {
    const { account } = await store.create({ name: 'Qua npm', role: 'coach', area: { province: '01' } });
    const result = spawnSync('npm', ['run', '--silent', 'admin', '--', 'list'], {
      env: { ...process.env, ...TEST_REDIS_ENV, REDIS_PREFIX: prefix, AREAS_FILE: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(account.id);
    expect(result.stdout).toContain('Qua npm');
  });
});
