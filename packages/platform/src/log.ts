/**
 * Structured logs: one JSON object per line on stderr (`{"level":"error","time":...,"msg":...}`), so
 * operators can ship them to any collector. `WEIXI_LOG_LEVEL` sets the threshold (default `info`).
 *
 * A log line never carries a query's parameters: an error is written as its name, message (without the
 * driver's `params:` list), stack frames and PostgreSQL cause (code, constraint, table, column, routine),
 * not the `detail` that quotes row values. Text is cut at 1,000 characters and a line at 16 KB, so a
 * failing 1,000-row batch logs no phone numbers or names and no huge line.
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

const MAX_TEXT = 1_000;
export const MAX_LOG_LINE = 16_384;
/** The fields of a PostgreSQL error that name its cause and not the data (postgres.js and PGlite names). */
const CAUSE_FIELDS: Array<[string, string[]]> = [
  ['code', ['code']],
  ['severity', ['severity']],
  ['schema', ['schema', 'schema_name']],
  ['table', ['table', 'table_name']],
  ['column', ['column', 'column_name']],
  ['constraint', ['constraint', 'constraint_name']],
  ['dataType', ['dataType', 'data_type_name']],
  ['routine', ['routine']],
];

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT)}…(${text.length - MAX_TEXT} more characters)`;
}

/** An error as it may be logged: no parameters, no row values, with its cause chain. */
function describeError(error: Error, depth = 0): Record<string, unknown> {
  const fields = error as unknown as Record<string, unknown>;
  const described: Record<string, unknown> = { name: error.name, message: clip(error.message.split('\nparams:')[0]!) };
  for (const [name, keys] of CAUSE_FIELDS) {
    const value = keys.map((k) => fields[k]).find((v) => typeof v === 'string' && v !== '');
    if (value !== undefined) described[name] = value;
  }
  // The frames only: V8 starts a stack with the message, parameters and all.
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 12);
  if (frames.length) described.stack = frames.join('\n');
  const inner = (fields.originalError ?? fields.cause) as unknown;
  if (inner instanceof Error && depth < 4) {
    const cause = describeError(inner, depth + 1);
    // A GraphQL error repeats its original's message: say it once.
    if (cause.message === described.message) delete cause.message;
    described.cause = cause;
  }
  return described;
}

function serialise(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return describeError(value);
  if (typeof value === 'string') return clip(value);
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => serialise(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, serialise(v, depth + 1)]));
}

export function createLogger(threshold: Level = (process.env.WEIXI_LOG_LEVEL as Level) ?? 'info', write: (line: string) => void = (line) => void process.stderr.write(`${line}\n`)): Logger {
  const min = Math.max(0, LEVELS.indexOf(threshold));
  const log = (level: Level) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS.indexOf(level) < min) return;
    const entries = Object.entries(fields).map(([k, v]) => [k, serialise(v)]);
    const head = { level, time: new Date().toISOString(), msg: clip(msg) };
    const line = JSON.stringify({ ...head, ...Object.fromEntries(entries) });
    // Still too long (many fields of clipped text): keep what finds the request, say how much was left out.
    write(line.length <= MAX_LOG_LINE ? line : JSON.stringify({ ...head, ...(fields.requestId ? { requestId: fields.requestId } : {}), truncated: line.length }));
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
