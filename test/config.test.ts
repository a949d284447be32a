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
    });
  });
  it('reads and normalises values; empty counts as unset', () => {
    const c = loadConfig({ PORT: '8080', PUBLIC_BASE_URL: 'https://bot.example.vn/', DEFAULT_LOCALE: 'en', REDIS_PREFIX: '' });
    expect(c).toMatchObject({ PORT: 8080, PUBLIC_BASE_URL: 'https://bot.example.vn', DEFAULT_LOCALE: 'en', REDIS_PREFIX: 'hocso:' });
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
