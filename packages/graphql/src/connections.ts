import { parseCursorConnectionArgs } from '@pothos/plugin-relay';
import { InputError, isIsoDate, type PageRequest } from '@weixi/core';
import type { ChildArgs, ChildLoaders } from './loaders.js';
import { once } from './once.js';

/** Largest page any connection serves; asking for more is an error, not a silent cut. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/**
 * What each value of a connection's cursor holds, in order: an id (a positive 32-bit integer), an int (32-bit),
 * text, a time (an ISO instant in UTC, as `toISOString` writes it) or a date (`YYYY-MM-DD`).
 */
export type CursorPart = 'id' | 'int' | 'text' | 'time' | 'date';

/** A connection's sort key: the parts its cursors hold and how to read them off a row. */
export interface CursorKey<T> {
  parts: readonly CursorPart[];
  of(row: T): unknown[];
}

export function cursorKey<T>(parts: readonly CursorPart[], of: (row: T) => unknown[]): CursorKey<T> {
  return { parts, of };
}

const INT4 = 2 ** 31;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Longest text a cursor value may be (the key columns' values are shorter, see TEXT_LIMITS). */
const MAX_CURSOR_TEXT = 4096;

/** Why a decoded value does not fit its part, or undefined when it does. */
function misfit(value: unknown, part: CursorPart): string | undefined {
  switch (part) {
    case 'id':
      return Number.isSafeInteger(value) && (value as number) > 0 && (value as number) < INT4 ? undefined : 'an id';
    case 'int':
      return Number.isSafeInteger(value) && Math.abs(value as number) <= INT4 && (value as number) < INT4 ? undefined : 'a whole number';
    case 'text':
      return typeof value === 'string' && value.length <= MAX_CURSOR_TEXT && !value.includes('\u0000') ? undefined : 'a text';
    case 'time':
      return typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'a time';
    case 'date':
      return typeof value === 'string' && isIsoDate(value) ? undefined : 'a date';
  }
}

export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Decodes a cursor and checks it against the ordering it must have been made for: as many values as the
 * key has parts, each of its part's type (finite numbers in range, real dates and times, bounded text).
 * Anything else is BAD_USER_INPUT naming the argument, never a value handed to SQL.
 */
export function decodeCursor(cursor: string, arg: string, parts: readonly CursorPart[]): unknown[] {
  const refuse = (why: string): never => {
    const shown = cursor.length > 64 ? `${JSON.stringify(cursor.slice(0, 64))}...` : JSON.stringify(cursor);
    throw new InputError([{ path: arg, message: `${shown} is not a cursor of this connection (${why}); use a cursor it returned` }]);
  };
  let key: unknown;
  try {
    key = cursor.length <= 2 * MAX_CURSOR_TEXT ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    refuse('not encoded as one');
  }
  if (!Array.isArray(key)) return refuse('not encoded as one');
  if (key.length !== parts.length) return refuse(`it holds ${key.length} values, this order ${parts.length}`);
  parts.forEach((part, i) => {
    const wrong = misfit(key[i], part);
    if (wrong) refuse(`value ${i + 1} is not ${wrong}`);
  });
  return key;
}

function checkPageSize(args: ConnectionArgs): void {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) {
      throw new InputError([{ path: name, message: `${size} is outside the page size limit (0 to ${MAX_PAGE_SIZE})` }]);
    }
  }
}

/** An edge whose cursor is written only if asked for (most pages are read without cursors). */
class Edge<T> {
  #cursor: string | undefined;
  constructor(
    readonly node: T,
    private readonly key: CursorKey<T>,
  ) {}
  get cursor(): string {
    return (this.#cursor ??= encodeCursor(this.key.of(this.node)));
  }
}

/**
 * Resolves a keyset-paged connection: `fetch` gets the bounds decoded and checked against `key`, and
 * returns rows in page order (reversed when inverted); `count` runs only if `totalCount` is selected.
 * Pothos's `resolveCursorConnection`, with cursors made when read.
 */
export async function keysetConnection<T>(
  args: ConnectionArgs,
  key: CursorKey<T>,
  fetch: (page: PageRequest) => Promise<T[]>,
  count: () => Promise<number>,
) {
  checkPageSize(args);
  const { before, after, limit, inverted, expectedSize, hasPreviousPage, hasNextPage } = parseCursorConnectionArgs({ args, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE });
  const rows = await fetch({
    before: before ? decodeCursor(before, 'before', key.parts) : null,
    after: after ? decodeCursor(after, 'after', key.parts) : null,
    limit,
    inverted,
  });
  const nodes = rows.slice(0, expectedSize);
  if (inverted) nodes.reverse();
  const edges = nodes.map((node) => new Edge(node, key));
  const given = args.after ?? args.before ?? '';
  return {
    edges,
    pageInfo: {
      get startCursor() {
        return edges.length > 0 ? edges[0]!.cursor : given;
      },
      get endCursor() {
        return edges.length > 0 ? edges[edges.length - 1]!.cursor : given;
      },
      hasPreviousPage: hasPreviousPage(rows.length),
      hasNextPage: hasNextPage(rows.length),
    },
    totalCount: once(count),
  };
}

/**
 * A nested connection (a customer's tasks, a task's transitions, ...) served by its batched loaders, or by
 * the rows its parent's page fetched for it (`prefetched`, see prefetch.ts).
 */
export function childConnection<Row>(
  args: ConnectionArgs,
  loaders: ChildLoaders<Row>,
  parentId: number,
  key: CursorKey<Row>,
  childArgs?: ChildArgs,
  prefetched?: Row[],
) {
  return keysetConnection(
    args,
    key,
    (page) => (prefetched ? Promise.resolve(prefetched) : loaders.pages.load({ parentId, page, args: childArgs })),
    () => loaders.count.load({ parentId, args: childArgs }),
  );
}
