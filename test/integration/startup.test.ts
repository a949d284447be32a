/** Start-up failures stop the program with a message that says what to fix. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stderr: result.stderr.trim(), stdout: result.stdout };
}

describe('start-up errors', () => {
  it('a wrong PORT: one line naming the variable and what is expected', () => {
    const { code, stderr } = start({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(stderr).toBe('Configuration error: PORT must be a whole number from 0 to 65535 (got "abc").');
  });

  it('several wrong values: one line each', () => {
    const { code, stderr } = start({ DEFAULT_LOCALE: 'fr', REDIS_URL: 'localhost:6379' });
    expect(code).toBe(1);
    expect(stderr.split('\n')).toEqual([
      'Configuration error: REDIS_URL must be a Redis URL like redis://127.0.0.1:6379 (or rediss:// for TLS) (got "localhost:6379").',
      'Configuration error: DEFAULT_LOCALE must be one of vi, en (got "fr").',
    ]);
  });

  it('Redis unreachable: says where it looked and how to start one', () => {
    const { code, stderr } = start({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(code).toBe(1);
    expect(stderr).toContain('Cannot reach Redis at redis://127.0.0.1:1.');
    expect(stderr).toContain('redis-server --daemonize yes --port 6379');
  });

  it('Redis Cluster unreachable: names the nodes and how to start a cluster', () => {
    const { code, stderr } = start({ REDIS_CLUSTER_NODES: '127.0.0.1:1' });
    expect(code).toBe(1);
    expect(stderr).toContain('Cannot reach the Redis Cluster at 127.0.0.1:1 (REDIS_CLUSTER_NODES: None of startup nodes is available).');
    expect(stderr).toContain('.ci/redis-cluster');
  });

  it('a broken lesson: refuses to start and prints the file:line report', () => {
    const { code, stderr } = start({ FLOWS_DIR: 'test/fixtures/broken' });
    expect(code).toBe(1);
    expect(stderr).toContain('have errors; the bot will not start');
    expect(stderr).toMatch(/test\/fixtures\/broken\/[a-z0-9-]+\.yaml:\d+:\d+ /);
  });

  it('a broken area list: refuses to start, naming the file and what is wrong', () => {
    const { code, stderr } = start({ AREAS_FILE: 'test/fixtures/flows/tiny.yaml' });
    expect(code).toBe(1);
    expect(stderr).toContain('test/fixtures/flows/tiny.yaml');
    expect(stderr).toContain('not valid JSON');
  });
});
