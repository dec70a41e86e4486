/**
 * Row-level security per request: on PostgreSQL, every statement a non-admin request sends through the
 * context's database first switches to the scoped role and sets the principal's scope (`rowScopeSql`).
 * The policies of migration `0005_row_level_security` then filter every row a resolver reads or writes,
 * so a resolver that forgets its scope predicate still cannot leak or change rows outside the principal's
 * regions.
 *
 * A query (and each subscription event) sends the scope as a prelude of each statement (our driver patch,
 * `Database.withPrelude`): written with the statement, run in the statement's own implicit transaction,
 * ended with it. So a query holds no connection between its statements and costs what an admin's does
 * plus one Bind/Execute a statement; its statements see the same per-statement snapshots an admin's do.
 * A mutation runs in one transaction that begins with the scope, so a database error anywhere rolls back
 * all it wrote; core functions that open their own transaction get a savepoint of it.
 *
 * Not on PGlite: it is one session, so a request-long transaction would hold up every other request and
 * job; there the application's scope predicates are the only enforcement. Admins run without it. Work
 * that does not go through the context's database (the plugin host and its services, the job runner)
 * runs unscoped, as the table owner.
 */
import { GraphQLError, getOperationAST, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { rowScopeSql, type Principal } from '@weixi/core/access';
import { queryRows, type Database, type Db } from '@weixi/db';
import { createLoaders, type WeixiContext } from '@weixi/graphql';

/** A principal's scope statement. */
type Scope = NonNullable<ReturnType<typeof rowScopeSql>>;

/** The yoga plugin; one per server. */
export function rowSecurity(): Plugin<WeixiContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue;
      const scope = ctx.database.kind === 'postgres' ? scopeOf(ctx.principal) : undefined;
      if (!scope) return;
      const mutation = getOperationAST(args.document, args.operationName)?.operation === 'mutation';
      setExecuteFn((execution: ExecutionArgs) => {
        const run = (database: Database) =>
          executeFn({ ...execution, contextValue: { ...(execution.contextValue as object), database, loaders: createLoaders(database.db, ctx.clock, ctx.principal) } });
        const scoped = preludedDatabase(ctx.database, ctx.principal, scope);
        return mutation ? inScopedTransaction(scoped, run) : run(scoped);
      });
    },
  };
}

/**
 * Runs one execution as a query's would be: with fresh loaders and, on PostgreSQL for a non-admin, each
 * statement scoped. Subscriptions run each event through it (`subscriptions.ts`).
 */
export function inRequestScope(ctx: WeixiContext, execute: (ctx: WeixiContext) => ExecutionResult | Promise<ExecutionResult>): Promise<ExecutionResult> {
  const scope = ctx.database.kind === 'postgres' ? scopeOf(ctx.principal) : undefined;
  const database = scope ? preludedDatabase(ctx.database, ctx.principal, scope) : ctx.database;
  return Promise.resolve(execute({ ...ctx, database, loaders: createLoaders(database.db, ctx.clock, ctx.principal) }));
}

const preluded = new WeakMap<Database['client'], WeakMap<Principal, Database>>();

/** The database whose every statement carries the principal's scope, made once per principal object. */
function preludedDatabase(database: Database, principal: Principal, scope: Scope): Database {
  let byPrincipal = preluded.get(database.client);
  if (!byPrincipal) preluded.set(database.client, (byPrincipal = new WeakMap()));
  let scoped = byPrincipal.get(principal);
  if (!scoped) byPrincipal.set(principal, (scoped = database.withPrelude(scope)));
  return scoped;
}

const scopes = new WeakMap<Principal, Scope | null>();

/** The principal's scope statement, made once per principal object (authentication remembers one for a moment). */
function scopeOf(principal: Principal): Scope | undefined {
  let scope = scopes.get(principal);
  if (scope === undefined) {
    // Generic plans: see rowScopeSql's `genericPlans`.
    scope = rowScopeSql(principal, { genericPlans: true }) ?? null;
    scopes.set(principal, scope);
  }
  return scope ?? undefined;
}

/** Thrown out of the transaction to roll it back after a database error ended it. */
class RolledBack extends Error {
  constructor(readonly result: ExecutionResult) {
    super('rolled back');
  }
}

/**
 * Runs a mutation in one transaction on the scoped database (each of its statements carries the scope).
 * GraphQL reports resolver errors in the result rather than throwing, so a database error inside would
 * otherwise commit an aborted transaction, which PostgreSQL silently rolls back while the result claims
 * the earlier writes: such a request is answered with `data: null`, its errors and one saying nothing was
 * kept. If the connection itself is lost, the (patched) driver rejects the transaction and any statement
 * it still sends, so the gate's permit is freed and the request ends as DATABASE_UNAVAILABLE; nothing
 * keeps the dead connection.
 */
async function inScopedTransaction(scoped: Database, execute: (database: Database) => unknown): Promise<ExecutionResult> {
  try {
    return await connectionGate(scoped)(() =>
      scoped.db.transaction(async (tx) => {
        const result = (await execute(transactionDatabase(scoped, tx))) as ExecutionResult;
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

async function aborted(tx: Db): Promise<boolean> {
  try {
    await tx.execute('select 1');
    return false;
  } catch {
    return true;
  }
}

/** The mutation's view of the database: statements on the transaction, everything else as before. */
function transactionDatabase(database: Database, tx: Db): Database {
  return { ...database, db: tx, rows: (query) => queryRows(tx, query) };
}

type Gate = <T>(run: () => Promise<T>) => Promise<T>;
const gates = new WeakMap<Database['client'], Gate>();

/**
 * At most pool size - 1 mutation transactions at once per connection pool. Each holds a connection for
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
