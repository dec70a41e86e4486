/**
 * Row-level security per request: on PostgreSQL, a non-admin request executes inside one transaction
 * that first switches to the scoped role and sets the principal's scope (`rowScopeSql`), with the
 * context's database and DataLoaders (built lazily, so the unscoped ones cost nothing) on that transaction. The policies of migration
 * `0005_row_level_security` then filter every row a resolver reads or writes, so a resolver that forgets
 * its scope predicate still cannot leak or change rows outside the principal's regions. Core functions
 * that open their own transaction get a savepoint of this one.
 *
 * Not on PGlite: it is one session, so a request-long transaction would hold up every other request and
 * job; there the application's scope predicates are the only enforcement. Admins run without it. Work
 * that does not go through the context's database (the plugin host and its services, the job runner)
 * runs outside the transaction, as the table owner.
 */
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { rowScopeSql, type Principal } from '@weixi/core/access';
import { queryRows, type Database, type Db } from '@weixi/db';
import { createLoaders, type WeixiContext } from '@weixi/graphql';

type Statement = Parameters<Db['execute']>[0];

/** The yoga plugin; one per server. */
export function rowSecurity(): Plugin<WeixiContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue;
      const scope = ctx.database.kind === 'postgres' ? scopeOf(ctx.principal) : undefined;
      if (!scope) return;
      setExecuteFn((execution: ExecutionArgs) =>
        inScopedTransaction(ctx.database, scope, (database) =>
          executeFn({ ...execution, contextValue: { ...(execution.contextValue as object), database, loaders: createLoaders(database.db, ctx.clock, ctx.principal) } }),
        ),
      );
    },
  };
}

/**
 * Runs one execution as a request's would be: with fresh loaders and, on PostgreSQL for a non-admin, in
 * a scoped transaction. Subscriptions run each event through it (`subscriptions.ts`).
 */
export function inRequestScope(ctx: WeixiContext, execute: (ctx: WeixiContext) => ExecutionResult | Promise<ExecutionResult>): Promise<ExecutionResult> {
  const scope = ctx.database.kind === 'postgres' ? scopeOf(ctx.principal) : undefined;
  const withLoaders = (database: Database) => ({ ...ctx, database, loaders: createLoaders(database.db, ctx.clock, ctx.principal) });
  if (!scope) return Promise.resolve(execute(withLoaders(ctx.database)));
  return inScopedTransaction(ctx.database, scope, (database) => execute(withLoaders(database)));
}

const scopes = new WeakMap<Principal, Statement | null>();

/** The principal's scope statement, made once per principal object (authentication remembers one for a moment). */
function scopeOf(principal: Principal): Statement | undefined {
  let scope = scopes.get(principal);
  if (scope === undefined) {
    scope = rowScopeSql(principal) ?? null;
    scopes.set(principal, scope);
  }
  return scope ?? undefined;
}

const written = new WeakMap<object, { sql: string; params: unknown[] }>();

/** Thrown out of the transaction to roll it back after a database error ended it. */
class RolledBack extends Error {
  constructor(readonly result: ExecutionResult) {
    super('rolled back');
  }
}

/**
 * Runs `execute` in a scoped transaction. GraphQL reports resolver errors in the result rather than
 * throwing, so a database error inside would otherwise commit an aborted transaction, which PostgreSQL
 * silently rolls back while the result claims the earlier writes: such a request is answered with
 * `data: null`, its errors and one saying nothing was kept. If the connection itself is lost, the
 * (patched) driver rejects the transaction and any statement it still sends, so the gate's permit is
 * freed and the request ends as DATABASE_UNAVAILABLE; nothing keeps the dead connection.
 */
async function inScopedTransaction(database: Database, scope: Statement, execute: (database: Database) => unknown): Promise<ExecutionResult> {
  try {
    return await connectionGate(database)(() =>
      database.db.transaction(async (tx) => {
        const scoped = sendScope(tx, scope);
        const result = (await execute(scopedDatabase(database, tx))) as ExecutionResult;
        const failed = await scoped;
        if (failed) throw failed;
        if (Symbol.asyncIterator in result) throw new Error('row security cannot scope incremental delivery (@defer, @stream)');
        if (result.errors?.length && (await aborted(tx))) throw new RolledBack(result);
        return result;
      }),
    );
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
    const rolledBack = new GraphQLError("a database error ended the request's transaction; nothing it wrote was kept", {
      extensions: { code: 'ROLLED_BACK' },
    });
    return { data: null, errors: [...(error.result.errors ?? []), rolledBack] };
  }
}

/** The parts of drizzle's postgres.js transaction that send a statement at once, on its connection. */
interface PipelinedTransaction {
  dialect?: { sqlToQuery(statement: Statement): { sql: string; params: unknown[] } };
  session?: {
    client?: { unsafe(text: string, params: unknown[], options?: { prepare?: boolean }): { execute(): PromiseLike<unknown> } };
    logger?: { logQuery(text: string, params: unknown[]): void };
  };
}

/**
 * Sends the scope statement now, ahead of anything the resolvers send, without waiting for its answer:
 * postgres.js writes a connection's queries in the order they were executed and pipelines them, so the
 * first resolver statement travels with it (one round trip fewer) and still runs after it. Resolves to
 * the statement's error, if any, for the caller to throw before committing (everything after it failed
 * with it). Through drizzle and awaited when those internals are not there.
 */
function sendScope(tx: Db, scope: Statement): Promise<unknown> {
  const { dialect, session } = tx as unknown as PipelinedTransaction;
  if (!dialect || !session?.client || !session.logger) return tx.execute(scope).then(() => undefined);
  // The scope statement of a principal is one object (scopeOf): its text is written once.
  let query = typeof scope === 'object' ? written.get(scope) : undefined;
  if (!query) {
    query = dialect.sqlToQuery(scope);
    if (typeof scope === 'object') written.set(scope, query);
  }
  session.logger.logQuery(query.sql, query.params);
  // Prepared: one text for every principal of a kind (the scope is in its parameters).
  return Promise.resolve(session.client.unsafe(query.sql, query.params, { prepare: true }).execute()).then(() => undefined, (error: unknown) => error ?? new Error('the scope statement failed'));
}

async function aborted(tx: Db): Promise<boolean> {
  try {
    await tx.execute('select 1');
    return false;
  } catch {
    return true;
  }
}

/** The request's view of the database: statements on the transaction, everything else as before. */
function scopedDatabase(database: Database, tx: Db): Database {
  return { ...database, db: tx, rows: (query) => queryRows(tx, query) };
}

type Gate = <T>(run: () => Promise<T>) => Promise<T>;
const gates = new WeakMap<Database['client'], Gate>();

/**
 * At most pool size - 1 request transactions at once per connection pool. Each holds a connection for
 * the whole request while its resolvers may need another one (plugin services, the job runner); without
 * this bound a burst of scoped requests could hold every connection and wait on each other forever.
 */
function connectionGate(database: Database): Gate {
  let gate = gates.get(database.client);
  if (!gate) {
    const size = database.client.kind === 'postgres' ? database.client.sql.options.max : 1;
    gate = semaphore(Math.max(1, size - 1));
    gates.set(database.client, gate);
  }
  return gate;
}

function semaphore(permits: number): Gate {
  let free = permits;
  const waiting: Array<() => void> = [];
  return async (run) => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await run();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}
