/**
 * Structured JSON log lines, one per event, written by pino: `level`, `time`, `pid`, `hostname`,
 * the request id while an HTTP request is being handled, the caller's fields, `msg`.
 *
 * Callers pass fields, never message texts or platform user ids: residents appear only by their
 * anonymous id, so logs hold no personal data. Field names that usually carry personal data or
 * secrets are censored anyway (REDACTED_FIELDS), as a safety net for a careless call.
 *
 * @example
 * const log = createLogger('info');
 * log.info('hocso is listening', { port: 3978 });
 * // {"level":"info","time":"2025-…","pid":7,"hostname":"web-1","port":3978,"msg":"hocso is listening"}
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, stdTimeFunctions, type DestinationStream } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export type LogFields = Record<string, string | number | boolean | undefined>;

/** What the code logs through; tests may pass any object of this shape. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** The logger `createLogger` makes: a `child` adds fields to every line it writes. */
export interface RootLogger extends Logger {
  child(fields: LogFields): RootLogger;
}

/**
 * Field names that must never reach a log with their value (compared exactly, at the top level and
 * one level down): secrets, and what identifies or quotes a resident.
 */
export const REDACTED_FIELDS = [
  'token', 'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'password', 'authorization', 'Authorization',
  'cookie', 'secret', 'appSecret', 'app_secret', 'apiKey', 'signature',
  'text', 'message', 'body', 'userId', 'user_id', 'psid', 'senderId', 'recipientId', 'residentId', 'from',
  'phone', 'phoneNumber', 'email', 'name', 'displayName', 'address',
] as const;

const context = new AsyncLocalStorage<LogFields>();

/** Run `fn` with `fields` (e.g. the request id) added to every line logged inside it, across awaits. */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return context.run(fields, fn);
}

/** Run `fn` outside any request's context (work that outlives the request, like the processor's). */
export function outsideLogContext<T>(fn: () => T): T {
  return context.exit(fn);
}

/** `write` receives each line without its newline (tests capture them); default: standard output. */
export function createLogger(level: LogLevel, write?: (line: string) => void): RootLogger {
  const destination: DestinationStream | undefined = write ? { write: (s: string) => write(s.endsWith('\n') ? s.slice(0, -1) : s) } : undefined;
  const options = {
    level,
    messageKey: 'msg',
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`]), censor: '[redacted]' },
    mixin: () => context.getStore() ?? {},
  };
  return wrap(destination ? pino(options, destination) : pino(options));
}

function wrap(p: pino.Logger): RootLogger {
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
    child: (fields) => wrap(p.child(fields)),
  };
}

/** Name and code of an error without its message, which may quote input. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { error: err.name, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { error: typeof err };
}
