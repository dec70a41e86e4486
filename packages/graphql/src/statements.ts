/**
 * Select statements built once per shape and run on whichever session a request uses (the database, its
 * row-scoped view or a mutation's transaction). Building a drizzle select (its SQL tree, column list and text) was about
 * a tenth of a small request's CPU, spent again for every loader of every request; a loader's statement
 * only differs from one request to the next in its ids, which become a placeholder.
 *
 * A shape's key is derived from the SQL itself: the caller names the statement and passes the parts that
 * vary (scope predicates, bounds), whose text and parameters join the key. Two principals whose scope SQL
 * differs in any value therefore never share a statement.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@weixi/db';

/** What drizzle's prepared select holds once built: the text, its parameters with placeholders, its fields. */
interface Built {
  query: { sql: string; params: unknown[] };
  fields: unknown;
  joinsNotNullableMap: unknown;
}

interface PreparedSelect {
  queryString: string;
  params: unknown[];
  fields: unknown;
  joinsNotNullableMap: unknown;
}

/** drizzle's session API that every select runs through (`PgSession.prepareQuery`), not in its public types. */
interface Session {
  prepareQuery(query: Built['query'], fields: unknown, name: string | undefined, isResponseInArrayMode: boolean): {
    joinsNotNullableMap?: unknown;
    execute(values: Record<string, unknown>): Promise<unknown>;
  };
}

const MAX_SHAPES = 2000;
const shapes = new Map<string, Built & { runs: number; prepared: boolean }>();

/**
 * Shapes run as prepared statements (the driver keeps one per text per connection, PostgreSQL its parse
 * tree and plan): once a shape has run twice, so one-off statements are not kept, and at most this many
 * per process, as nothing evicts a statement from a connection before the connection's lifetime ends.
 */
const MAX_PREPARED = 500;
let preparedCount = 0;

/** The ids of a statement's rows, as its one placeholder: `= any(...)` keeps the text the same for any count. */
export function idsPlaceholder(column: SQL | { name: string }): SQL {
  return sql`${column} = any(${sql.placeholder('ids')}::int[])`;
}

const written = new WeakMap<SQL, string>();

/**
 * The text and parameters of `part`, for a shape's key; remembered for the same SQL object (a principal's
 * scope predicate is made once per principal, see visibility.ts). SQL objects are not changed once made.
 */
export function shapeOf(db: Db, part: SQL | undefined): string {
  if (!part) return '';
  let shape = written.get(part);
  if (shape === undefined) {
    const { sql: text, params } = (db as unknown as { dialect: { sqlToQuery(s: SQL): { sql: string; params: unknown[] } } }).dialect.sqlToQuery(part);
    shape = `${text}\u0000${JSON.stringify(params)}`;
    written.set(part, shape);
  }
  return shape;
}

/**
 * Runs the select `build` makes (on `db`) for `key`, building it only the first time the key is seen,
 * and as a prepared statement from its second run on (see MAX_PREPARED); `values` fill its placeholders (`ids`).
 */
export async function runSelect<Row>(db: Db, key: string, build: () => { prepare(name: string): unknown }, values: Record<string, unknown>): Promise<Row[]> {
  let built = shapes.get(key);
  if (!built) {
    const prepared = build().prepare('weixi') as PreparedSelect; // only read, never run: the name does not matter
    built = { query: { sql: prepared.queryString, params: prepared.params }, fields: prepared.fields, joinsNotNullableMap: prepared.joinsNotNullableMap, runs: 0, prepared: false };
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
    shapes.set(key, built);
  }
  if (!built.prepared && ++built.runs >= 2 && preparedCount < MAX_PREPARED) {
    built.prepared = true;
    preparedCount++;
  }
  // drizzle's postgres.js session prepares a statement that has a name (the name itself is not used).
  const query = (db as unknown as { session: Session }).session.prepareQuery(built.query, built.fields, built.prepared ? 'weixi' : undefined, true);
  query.joinsNotNullableMap = built.joinsNotNullableMap;
  return (await query.execute(values)) as Row[];
}
