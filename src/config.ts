/**
 * Configuration from environment variables, validated once at start-up.
 * A wrong value stops the program with one line per variable saying what is expected.
 */
import { z } from 'zod';
import { LocaleSchema } from './flows/schema.js';

export const ConfigSchema = z.object({
  PORT: z.coerce
    .number({ error: 'must be a whole number from 0 to 65535' })
    .int('must be a whole number from 0 to 65535')
    .min(0, 'must be a whole number from 0 to 65535')
    .max(65535, 'must be a whole number from 0 to 65535')
    .default(3978),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'must be a Redis URL like redis://127.0.0.1:6379 (or rediss:// for TLS)')
    .default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1–64 letters, digits or : _ . - (e.g. "hocso:")')
    .default('hocso:'),
  PUBLIC_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) URL like https://bot.example.vn, without a trailing path')
    .transform((s) => s.replace(/\/+$/, ''))
    .optional(),
  DEFAULT_LOCALE: LocaleSchema.default('vi'),
  FLOWS_DIR: z.string().min(1, 'must be a folder path').default('flows'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parse the environment; throws ConfigError whose message has one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const keys = Object.keys(ConfigSchema.shape) as (keyof Config)[];
  // Empty values count as unset, as in most .env files.
  const input = Object.fromEntries(keys.map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = ConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    const got = input[name];
    const message = issue.code === 'invalid_value' ? `must be one of ${issue.values.map(String).join(', ')}` : issue.message;
    return `Configuration error: ${name} ${message} (got ${JSON.stringify(got)}).`;
  });
  throw new ConfigError(lines.join('\n'));
}
