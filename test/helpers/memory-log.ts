/** A Logger that keeps its lines in memory, for tests that check what was (and was not) logged. */
import type { Logger, LogFields } from '../../src/log.js';

export interface LogLine {
  level: string;
  msg: string;
  fields?: LogFields;
}

export function memoryLog(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ level, msg, ...(fields ? { fields } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
