/**
 * A postgres.js client whose every statement carries a prelude (our driver patch's `prelude` option):
 * the prelude is written just before the statement with no Sync between them, so both run in one
 * implicit transaction and what the prelude sets with `set_config(..., true)` ends with the statement.
 * Transactions and savepoints opened through it hand out clients that do the same, so no statement
 * sent through it, drizzle's included, runs without its prelude.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';

type Prelude = { text: string; params: string[] };
type Callback = (sql: postgres.Sql) => unknown;

const dialect = new PgDialect();

export function withPrelude(sql: postgres.Sql, statement: SQL): postgres.Sql {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return preluded(sql, { text, params: params.map(String) });
}

function preluded(sql: postgres.Sql, prelude: Prelude): postgres.Sql {
  // A new object over the client (drizzle reads its options and parsers) with the three calls drizzle makes.
  const opened = (open: (...args: unknown[]) => unknown) => (...args: unknown[]) => {
    const callback = args.pop() as Callback;
    return open(...args, (inner: postgres.Sql) => callback(preluded(inner, prelude)));
  };
  // A pool's client begins transactions, a transaction's opens savepoints.
  const client = sql as unknown as Partial<Record<'begin' | 'savepoint', (...args: unknown[]) => unknown>>;
  const calls: PropertyDescriptorMap = {
    unsafe: { value: (text: string, params?: unknown[], options?: object) => sql.unsafe(text, params as never, { ...options, prelude }) },
  };
  for (const name of ['begin', 'savepoint'] as const) {
    const open = client[name];
    if (open) calls[name] = { value: opened(open.bind(sql)) };
  }
  return Object.create(sql, calls) as postgres.Sql;
}
