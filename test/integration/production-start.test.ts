/**
 * The production start: the compiled build with production dependencies only (as in the Dockerfile)
 * starts, answers health checks and a resident, and stops cleanly on SIGTERM.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPrefix, testRedis, TEST_REDIS_ENV, uniquePrefix } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'hocso-prod-'));
const prefix = uniquePrefix('prod');

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const redis = await testRedis();
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('production start', () => {
  it('runs from the build with --omit=dev dependencies', { timeout: 240_000 }, async () => {
    execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
    for (const item of ['package.json', 'package-lock.json', 'dist', 'flows', 'locales', 'data']) cpSync(item, join(dir, item), { recursive: true });
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'pipe' });
    expect(existsSync(join(dir, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules/tsx'))).toBe(false);

    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: dir,
      env: { ...process.env, ...TEST_REDIS_ENV, PORT: '0', REDIS_PREFIX: prefix, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /"port":(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const res = await fetch(`${base}/channels/web/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'prod-check' }),
    });
    expect(((await res.json()) as { replies: unknown[] }).replies.length).toBeGreaterThan(0);
    expect((await fetch(`${base}/`)).status).toBe(200);
    // The staff pages' shared modules and a console module come with the build too.
    expect((await fetch(`${base}/shared/session.js`)).status).toBe(200);
    expect((await fetch(`${base}/official/compose.js`)).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
