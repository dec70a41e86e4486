/**
 * Structured logs: one JSON object per line on stderr (`{"level":"error","time":...,"msg":...}`), so
 * operators can ship them to any collector. `WEIXI_LOG_LEVEL` sets the threshold (default `info`).
 */
import { WeixiError } from '@weixi/core';
import { GraphQLError } from 'graphql';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

export function createLogger(threshold: Level = (process.env.WEIXI_LOG_LEVEL as Level) ?? 'info', write: (line: string) => void = (line) => void process.stderr.write(`${line}\n`)): Logger {
  const min = Math.max(0, LEVELS.indexOf(threshold));
  const log = (level: Level) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS.indexOf(level) < min) return;
    const entries = Object.entries(fields).map(([k, v]) => [k, serialise(v)]);
    write(JSON.stringify({ level, time: new Date().toISOString(), msg, ...Object.fromEntries(entries) }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** True for errors the client caused and was told about: not worth an error log line. */
export function isClientError(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof GraphQLError) {
    if (!current.originalError) return true;
    current = current.originalError;
  }
  return current instanceof WeixiError || ['23505', '23503', '23514', '23502'].includes((current as { code?: string } | null)?.code ?? '');
}
