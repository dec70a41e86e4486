import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { isIsoDate, parseMonth } from '@weixi/core';
import type { WeixiBuilder } from './builder.js';

function stringScalar(name: string, parse: (text: string) => string | undefined, accepted: string) {
  return (value: unknown): string => {
    const parsed = typeof value === 'string' ? parse(value) : undefined;
    if (parsed === undefined) throw new GraphQLError(`${JSON.stringify(value)} is not a ${name} (${accepted})`, { extensions: { code: 'BAD_USER_INPUT' } });
    return parsed;
  };
}

function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literalValue);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalValue(f.value)]));
    default:
      throw new GraphQLError('variables inside JSON literals are not supported; pass the whole value as a variable');
  }
}

export function registerScalars(builder: WeixiBuilder): void {
  const parseDate = stringScalar('date', (t) => (isIsoDate(t) ? t : undefined), 'YYYY-MM-DD');
  builder.scalarType('Date', {
    description: 'A calendar date, `YYYY-MM-DD`.',
    serialize: (v) => String(v),
    parseValue: parseDate,
    parseLiteral: (node) => parseDate(node.kind === Kind.STRING ? node.value : undefined),
  });
  const parseMonthValue = stringScalar('month', (t) => (parseMonth(t) ? t : undefined), 'YYYY-MM');
  builder.scalarType('Month', {
    description: 'A calendar month, `YYYY-MM`.',
    serialize: (v) => String(v).slice(0, 7),
    parseValue: parseMonthValue,
    parseLiteral: (node) => parseMonthValue(node.kind === Kind.STRING ? node.value : undefined),
  });
  const parseDateTime = (value: unknown): Date => {
    const d = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(d.getTime())) throw new GraphQLError(`${JSON.stringify(value)} is not a date-time (ISO 8601 with a time zone, e.g. 2026-11-23T09:00:00+08:00)`, { extensions: { code: 'BAD_USER_INPUT' } });
    return d;
  };
  builder.scalarType('DateTime', {
    description: 'An instant, ISO 8601 with a time zone (`2026-11-23T09:00:00+08:00`); always returned in UTC.',
    serialize: (v) => (v instanceof Date ? v : new Date(String(v))).toISOString(),
    parseValue: parseDateTime,
    parseLiteral: (node) => parseDateTime(node.kind === Kind.STRING ? node.value : undefined),
  });
  builder.scalarType('JSON', {
    description: 'Any JSON value.',
    serialize: (v) => v,
    parseValue: (v) => v,
    parseLiteral: (node) => literalValue(node),
  });
  const parseObject = (value: unknown): Record<string, unknown> => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new GraphQLError(`${JSON.stringify(value)} is not a JSON object`, { extensions: { code: 'BAD_USER_INPUT' } });
    return value as Record<string, unknown>;
  };
  builder.scalarType('JSONObject', {
    description: 'A JSON object.',
    serialize: (v) => v as Record<string, unknown>,
    parseValue: parseObject,
    parseLiteral: (node) => parseObject(literalValue(node)),
  });
  const parseFile = (value: unknown): UploadedFile => {
    const f = value as Partial<UploadedFile> | null;
    if (!f || typeof f !== 'object' || typeof f.stream !== 'function' || typeof f.size !== 'number') {
      throw new GraphQLError('a File is sent as a part of a multipart request (the GraphQL multipart request spec), not as a value', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return f as UploadedFile;
  };
  builder.scalarType('File', {
    description: 'A file uploaded in a multipart request (GraphQL multipart request spec: operations, map, then the file parts). Input only.',
    serialize: () => {
      throw new GraphQLError('File is an input type');
    },
    parseValue: parseFile,
    parseLiteral: () => parseFile(null),
  });
}

/** What a multipart request's file part is (a web File). */
export interface UploadedFile {
  name: string;
  size: number;
  stream(): ReadableStream<Uint8Array>;
}
