import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('config', () => {
  it('has working defaults', () => {
    expect(loadConfig({})).toEqual({
      PORT: 3978,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'hocso:',
      DEFAULT_LOCALE: 'vi',
      FLOWS_DIR: 'flows',
      LOG_LEVEL: 'info',
      MESSENGER_GRAPH_URL: 'https://graph.facebook.com/v25.0',
      ZALO_API_URL: 'https://openapi.zalo.me',
      ZALO_OAUTH_URL: 'https://oauth.zaloapp.com/v4/oa/access_token',
      ZALO_SIGNATURE_ID: 'either',
      MICROSOFT_APP_TYPE: 'MultiTenant',
      BROADCAST_WORKERS: 'in-process',
      BROADCAST_APPROVAL_THRESHOLD: 1000,
      BROADCAST_RATE_MESSENGER: 50,
      BROADCAST_RATE_ZALO: 20,
      WORKER_LOCK_MS: 30_000,
      WEB_CONCURRENCY: 1,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      METRICS_HOST: '127.0.0.1',
    });
  });
  it('reads and normalises values; empty counts as unset', () => {
    const c = loadConfig({ PORT: '8080', PUBLIC_BASE_URL: 'https://bot.example.vn/', DEFAULT_LOCALE: 'en', REDIS_PREFIX: '' });
    expect(c).toMatchObject({ PORT: 8080, PUBLIC_BASE_URL: 'https://bot.example.vn', DEFAULT_LOCALE: 'en', REDIS_PREFIX: 'hocso:' });
  });
  it('never prints a secret it refuses', () => {
    expect(() => loadConfig({ MESSENGER_APP_SECRET: 'short' })).toThrow(
      'Configuration error: MESSENGER_APP_SECRET must be the App Secret from the App Dashboard (Settings › Basic) (got "(hidden)").',
    );
  });
  it('names each bad variable on its own line', () => {
    expect(() => loadConfig({ PORT: '70000', PUBLIC_BASE_URL: 'bot.example.vn' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: '70000', PUBLIC_BASE_URL: 'bot.example.vn' });
    } catch (err) {
      expect((err as Error).message.split('\n')).toEqual([
        'Configuration error: PORT must be a whole number from 0 to 65535 (got "70000").',
        'Configuration error: PUBLIC_BASE_URL must be an http(s) URL like https://bot.example.vn, without a trailing path (got "bot.example.vn").',
      ]);
    }
  });
});

describe('config across variables', () => {
  it('requires PUBLIC_BASE_URL once a platform channel is on', () => {
    expect(() => loadConfig({ MESSENGER_PAGE_ACCESS_TOKEN: 'EAAtoken123' })).toThrow(/PUBLIC_BASE_URL must be set when Messenger or Zalo is on/);
    expect(loadConfig({ MESSENGER_PAGE_ACCESS_TOKEN: 'EAAtoken123', PUBLIC_BASE_URL: 'https://bot.example.vn' }).PUBLIC_BASE_URL).toBe(
      'https://bot.example.vn',
    );
  });
});
