/**
 * Configuration from environment variables, validated once at start-up.
 * A wrong value stops the program with one line per variable saying what is expected.
 */
import { z } from 'zod';
import { LocaleSchema } from './flows/schema.js';

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL')
  .transform((s) => s.replace(/\/+$/, ''));

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
  /** Some nodes of a Redis Cluster (`host:port,host:port`); set: the Cluster is used, REDIS_URL only for its user, password and TLS. */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(
      /^[A-Za-z0-9.-]{1,253}:\d{1,5}(,[A-Za-z0-9.-]{1,253}:\d{1,5})*$/,
      'must be a comma-separated list of host:port, e.g. 10.0.0.1:7001,10.0.0.2:7001',
    )
    .transform((s) => s.split(',').map((node) => ({ host: node.slice(0, node.lastIndexOf(':')), port: Number(node.slice(node.lastIndexOf(':') + 1)) })))
    .refine((nodes) => nodes.every((n) => n.port >= 1 && n.port <= 65535), 'must have ports from 1 to 65535, e.g. 10.0.0.1:7001')
    .optional(),
  PUBLIC_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) URL like https://bot.example.vn, without a trailing path')
    .transform((s) => s.replace(/\/+$/, ''))
    .optional(),
  DEFAULT_LOCALE: LocaleSchema.default('vi'),
  FLOWS_DIR: z.string().min(1, 'must be a folder path').default('flows'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** The deployment's provinces and communes (JSON, relative to the project); unset: data/areas.sample.json. */
  AREAS_FILE: z.string().min(1, 'must be the path of the area list, e.g. data/areas.json').optional(),

  // Running at scale (src/cluster.ts, src/metrics/, src/http/shutdown.ts)
  /** Web processes `npm start` runs, sharing PORT; 1 = this process serves alone. */
  WEB_CONCURRENCY: z.coerce
    .number({ error: 'must be a whole number of processes from 1 to 64' })
    .int('must be a whole number of processes from 1 to 64')
    .min(1, 'must be a whole number of processes from 1 to 64')
    .max(64, 'must be a whole number of processes from 1 to 64')
    .default(1),
  /** How long a stopping process may take to finish its work before it exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds from 1000 to 600000' })
    .int('must be a number of milliseconds from 1000 to 600000')
    .min(1000, 'must be a number of milliseconds from 1000 to 600000')
    .max(600_000, 'must be a number of milliseconds from 1000 to 600000')
    .default(10_000),
  /** A port of its own for Prometheus' /metrics, without authentication (keep it off the public network). */
  METRICS_PORT: z.coerce
    .number({ error: 'must be a whole number from 0 to 65535' })
    .int('must be a whole number from 0 to 65535')
    .min(0, 'must be a whole number from 0 to 65535')
    .max(65535, 'must be a whole number from 0 to 65535')
    .optional(),
  /** The interface METRICS_PORT listens on (0.0.0.0 for every interface, e.g. in a container). */
  METRICS_HOST: z.string().regex(/^[0-9A-Za-z.:-]{1,253}$/, 'must be an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
  /** Serves /metrics on PORT too, to requests with `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (a random secret Prometheus sends as a bearer token)').optional(),

  // Officials' scam alerts (src/broadcast/)
  /** `in-process`: this process also runs the broadcast workers; `off`: only `npm run worker` processes do. */
  BROADCAST_WORKERS: z.enum(['in-process', 'off']).default('in-process'),
  /** An alert to more residents than this needs a second official's approval. */
  BROADCAST_APPROVAL_THRESHOLD: z.coerce
    .number({ error: 'must be a whole number of residents (0 or more)' })
    .int('must be a whole number of residents (0 or more)')
    .min(0, 'must be a whole number of residents (0 or more)')
    .default(1000),
  /** Residents per second an alert is handed to on Messenger (each is up to 3 Send API calls); 0 = no limit. */
  BROADCAST_RATE_MESSENGER: z.coerce
    .number({ error: 'must be a number of residents per second (0 = no limit)' })
    .int('must be a whole number of residents per second (0 = no limit)')
    .min(0, 'must be a whole number of residents per second (0 = no limit)')
    .max(300, 'must be at most 300: Messenger allows 300 Send API calls per second per Page')
    .default(50),
  /** Residents per second an alert is handed to on Zalo (each is up to 2 OA API calls); 0 = no limit. */
  BROADCAST_RATE_ZALO: z.coerce
    .number({ error: 'must be a number of residents per second (0 = no limit)' })
    .int('must be a whole number of residents per second (0 = no limit)')
    .min(0, 'must be a whole number of residents per second (0 = no limit)')
    .max(66, 'must be at most 66: Zalo allows 4,000 OA API calls per minute per app')
    .default(20),
  /** How long a crashed process's work stays locked before another process takes it over (broadcast batches, residents). */
  WORKER_LOCK_MS: z.coerce
    .number({ error: 'must be a number of milliseconds from 1000 to 600000' })
    .int('must be a number of milliseconds from 1000 to 600000')
    .min(1000, 'must be a number of milliseconds from 1000 to 600000')
    .max(600_000, 'must be a number of milliseconds from 1000 to 600000')
    .default(30_000),

  // Facebook Messenger (the channel is on when MESSENGER_APP_SECRET and MESSENGER_PAGE_ACCESS_TOKEN are set)
  MESSENGER_VERIFY_TOKEN: z.string().min(8, 'must be at least 8 characters (any secret string you also type in the App Dashboard)').optional(),
  MESSENGER_APP_SECRET: z.string().min(8, 'must be the App Secret from the App Dashboard (Settings › Basic)').optional(),
  MESSENGER_PAGE_ACCESS_TOKEN: z.string().min(8, 'must be a Page access token').optional(),
  MESSENGER_GRAPH_URL: httpUrl.default('https://graph.facebook.com/v25.0'),
  /** The Page's username or numeric id, for the m.me links of coaches' lesson links. */
  MESSENGER_PAGE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "must be the Page's username (as in m.me/<username>) or its numeric id")
    .optional(),

  // Zalo Official Account (on when ZALO_APP_ID, ZALO_APP_SECRET and ZALO_OA_SECRET_KEY are set)
  ZALO_APP_ID: z.string().regex(/^\d{5,25}$/, 'must be the numeric app id from developers.zalo.me').optional(),
  ZALO_OA_ID: z.string().regex(/^\d{5,25}$/, 'must be the numeric OA id').optional(),
  ZALO_APP_SECRET: z.string().min(8, 'must be the app secret key (sent as secret_key when refreshing tokens)').optional(),
  ZALO_OA_SECRET_KEY: z.string().min(8, 'must be the OA secret key shown in the webhook settings').optional(),
  /** First term of the webhook signature: documented as the app id; some report the OA id. */
  ZALO_SIGNATURE_ID: z.enum(['app_id', 'oa_id', 'either']).default('either'),
  /** Seeds for the token pair, used only when Redis has none yet (first start). */
  ZALO_ACCESS_TOKEN: z.string().min(8).optional(),
  ZALO_REFRESH_TOKEN: z.string().min(8).optional(),
  ZALO_API_URL: httpUrl.default('https://openapi.zalo.me'),
  ZALO_OAUTH_URL: httpUrl.default('https://oauth.zaloapp.com/v4/oa/access_token'),

  // Bot Framework (/api/messages); without an app id, authentication is off (Bot Framework Emulator, locally)
  MICROSOFT_APP_ID: z.string().optional(),
  MICROSOFT_APP_PASSWORD: z.string().optional(),
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MICROSOFT_APP_TENANT_ID: z.string().optional(),
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
  if (parsed.success) {
    const c = parsed.data;
    const platformOn = Boolean(c.MESSENGER_PAGE_ACCESS_TOKEN || c.ZALO_APP_ID);
    if (platformOn && !c.PUBLIC_BASE_URL) {
      throw new ConfigError(
        'Configuration error: PUBLIC_BASE_URL must be set when Messenger or Zalo is on: the platforms fetch lesson pictures from it (e.g. https://bot.example.vn).',
      );
    }
    return c;
  }
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    // Never echo a secret back into a terminal or a log.
    const got = /SECRET|TOKEN|PASSWORD/.test(name) ? '(hidden)' : input[name];
    const message = issue.code === 'invalid_value' ? `must be one of ${issue.values.map(String).join(', ')}` : issue.message;
    return `Configuration error: ${name} ${message} (got ${JSON.stringify(got)}).`;
  });
  throw new ConfigError(lines.join('\n'));
}
