import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { InputError, type PageRequest } from '@weixi/core';
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

export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, arg: string): unknown[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length > 0) return key;
  } catch {
    // fall through to the error below
  }
  throw new InputError([{ path: arg, message: `${JSON.stringify(cursor)} is not a cursor of this connection; use a cursor it returned` }]);
}

function checkPageSize(args: ConnectionArgs): void {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) {
      throw new InputError([{ path: name, message: `${size} is outside the page size limit (0 to ${MAX_PAGE_SIZE})` }]);
    }
  }
}

/**
 * Resolves a keyset-paged connection: `fetch` gets the decoded bounds and returns rows in page order
 * (reversed when inverted); `count` runs only if `totalCount` is selected.
 */
export async function keysetConnection<T>(
  args: ConnectionArgs,
  sortKey: (row: T) => unknown[],
  fetch: (page: PageRequest) => Promise<T[]>,
  count: () => Promise<number>,
) {
  checkPageSize(args);
  const result = await resolveCursorConnection(
    { args, toCursor: (row: T) => encodeCursor(sortKey(row)), defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE },
    ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) =>
      fetch({
        before: before ? decodeCursor(before, 'before') : null,
        after: after ? decodeCursor(after, 'after') : null,
        limit,
        inverted,
      }),
  );
  return { ...result, totalCount: once(count) };
}

/** A nested connection (a customer's tasks, a task's transitions, ...) served by its batched loaders. */
export function childConnection<Row>(
  args: ConnectionArgs,
  loaders: ChildLoaders<Row>,
  parentId: number,
  sortKey: (row: Row) => unknown[],
  childArgs?: ChildArgs,
) {
  return keysetConnection(
    args,
    sortKey,
    (page) => loaders.pages.load({ parentId, page, args: childArgs }),
    () => loaders.count.load({ parentId, args: childArgs }),
  );
}
