/**
 * The patched `postgres` driver (packages/db/README.md, "The patched driver") at the level of one pool
 * pool, on the PostgreSQL test database: sockets that die around a write must not leave a connection
 * unable to flush on its next socket (LanternOps/breeze#3225).
 * The process-level crash is proven by tests/processes/connection-loss.test.ts.
 */
import { connect, type Socket } from 'node:net';
import { sql as statement } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './testing.js';

let database: TestDatabase | undefined;
afterAll(async () => database?.close());

describe.skipIf(testDatabaseKind() !== 'postgres')('the patched postgres driver', () => {
  it('reconnects and answers after its sockets close around a query sent on refusal', async () => {
    database = await createTestDatabase();
    const url = new URL(database.url!);
    const sockets: Socket[] = [];
    // The driver's `socket` option (untyped): we keep each socket so the test can destroy it.
    const opened = () =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect(Number(url.port || 5432), url.hostname);
        socket.once('connect', () => resolve(socket)).once('error', reject);
        sockets.push(socket);
      });
    const sql = postgres(database.url!, { max: 2, connect_timeout: 3, onnotice: () => {}, socket: opened } as postgres.Options<Record<string, never>>);
    const outcome = (query: Promise<unknown>) => query.then(() => 'answered', (e: { code?: string }) => e.code ?? String(e));
    try {
      await Promise.all([sql`select pg_sleep(0.05)`, sql`select pg_sleep(0.05)`]); // both connections open
      expect(sockets.length).toBe(2);
      // Both sockets close, the idle one's first, while one connection is busy, and its caller sends a new
      // query as soon as it is refused (an audit row, a retry). Unpatched, or patched without nulling
      // the timer on teardown, a connection comes out of this with its flush timer cancelled but still
      // set, so its next socket never sends the startup message: CONNECT_TIMEOUT.
      let second: Promise<string> | undefined;
      const first = outcome(
        sql`select pg_sleep(5)`.catch((error: unknown) => {
          second = outcome(sql`select 2`);
          throw error;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [busy] = await database.rows<{ port: number }>(statement`
        select client_port as port from pg_stat_activity where datname = current_database() and query = 'select pg_sleep(5)'`);
      const idleFirst = [...sockets].sort((a) => (a.localPort === busy!.port ? 1 : -1));
      expect(idleFirst[1]!.localPort).toBe(busy!.port);
      for (const socket of idleFirst) socket.destroy();
      expect(await first).toBe('CONNECTION_CLOSED');
      expect(['answered', 'CONNECTION_CLOSED']).toContain(await second); // settled, either way
      // Both connections reconnect; each must flush its startup message and answer.
      const again = await Promise.all([sql`select 3 as n`, sql`select pg_sleep(0.05), 4 as n`].map((q) => q.then((rows) => rows[0]!.n, (e: { code?: string }) => e.code)));
      expect(again).toEqual([3, 4]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('writes BEGIN with a transaction\'s first statement when pipeline_begin is set, and still commits or rolls back', async () => {
    database ??= await createTestDatabase();
    const url = new URL(database.url!);
    let writes = 0;
    // Counts the driver's socket writes: one per flush of its buffered messages.
    const counted = () =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect(Number(url.port || 5432), url.hostname);
        const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
        socket.write = ((...args: unknown[]) => (writes++, write(...args))) as typeof socket.write;
        socket.once('connect', () => resolve(socket)).once('error', reject);
      });
    const writesOf = async (pipelined: boolean) => {
      const sql = postgres(database!.url!, { max: 1, onnotice: () => {}, socket: counted, pipeline_begin: pipelined } as postgres.Options<Record<string, never>>);
      try {
        await sql`create temporary table if not exists t (n int)`;
        // The first run of a statement with parameters asks for their types first (a round trip of its own).
        await sql.begin(async (tx) => tx`insert into t values (${1})`);
        writes = 0;
        await sql.begin(async (tx) => tx`insert into t values (${1})`);
        const perTransaction = writes;
        // A failing statement after BEGIN rolls the whole transaction back, its earlier insert included.
        await expect(sql.begin(async (tx) => {
          await tx`insert into t values (2)`;
          await tx`select 1 / 0`;
        })).rejects.toThrow(/division by zero/);
        const rows = await sql<{ n: number }[]>`select n from t order by n`;
        return { perTransaction, kept: rows.map((r) => r.n) };
      } finally {
        await sql.end({ timeout: 1 });
      }
    };
    const awaited = await writesOf(false);
    const pipelined = await writesOf(true);
    expect(awaited).toEqual({ perTransaction: 3, kept: [1, 1] }); // BEGIN, the insert, COMMIT
    expect(pipelined).toEqual({ perTransaction: 2, kept: [1, 1] }); // BEGIN with the insert, COMMIT
  });

  it('prepares a statement sent through unsafe once its text ran prepare_repeated times', async () => {
    database ??= await createTestDatabase();
    const sql = postgres(database.url!, { max: 1, onnotice: () => {}, prepare_repeated: 2 });
    const preparedCount = async () => (await sql<{ n: number }[]>`select count(*)::int as n from pg_prepared_statements where statement = 'select $1::int + 1 as n'`)[0]!.n;
    try {
      const seen: number[] = [];
      for (let run = 0; run < 3; run++) {
        expect((await sql.unsafe('select $1::int + 1 as n', [run], { prepare: false }))[0]!.n).toBe(run + 1);
        seen.push(await preparedCount());
      }
      expect(seen).toEqual([0, 1, 1]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
  it('reserves the connection for a BEGIN queued behind a full pipeline (porsager/postgres#970)', async () => {
    database ??= await createTestDatabase();
    // One connection whose pipeline holds one statement: a parameterless query keeps it busy but open to
    // pipelining, and the BEGIN behind it fills the pipeline. Unpatched, the driver skipped the
    // transaction's onexecute there: with pipeline_begin the transaction waited forever for its connection.
    const sql = postgres(database.url!, { max: 1, max_pipeline: 1, onnotice: () => {}, pipeline_begin: true } as postgres.Options<Record<string, never>>);
    const within = <T>(ms: number, work: Promise<T>) =>
      Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not settled in ${ms} ms`)), ms))]);
    try {
      await sql`select 1`; // connected
      const sleeping = sql`select pg_sleep(0.2) as slept`.execute(); // on the connection first
      const [slept, committed] = await within(10_000, Promise.all([sleeping, sql.begin(async (tx) => (await tx`select 7 as n`)[0]!.n)]));
      expect(slept).toHaveLength(1);
      expect(committed).toBe(7);
      expect((await sql`select 8 as n`)[0]!.n).toBe(8); // the connection left its transaction
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('settles a statement sent between its socket\'s error and its close', async () => {
    database ??= await createTestDatabase();
    const url = new URL(database.url!);
    let socket: Socket | undefined;
    const opened = () =>
      new Promise<Socket>((resolve, reject) => {
        socket = connect(Number(url.port || 5432), url.hostname);
        socket.once('connect', () => resolve(socket!)).once('error', reject);
      });
    const sql = postgres(database.url!, { max: 1, onnotice: () => {}, socket: opened } as postgres.Options<Record<string, never>>);
    const outcome = (query: Promise<unknown>) => query.then(() => 'answered', (e: { code?: string }) => e.code ?? String(e));
    const within = <T>(ms: number, work: Promise<T>) =>
      Promise.race([work, new Promise<string>((resolve) => setTimeout(() => resolve(`not settled in ${ms} ms`), ms))]);
    try {
      await sql`select 1`;
      // A parameterless query keeps the connection busy and open to pipelining. The socket fails; the
      // driver's error handler settles what is in flight, and a caller sends a statement right then, before
      // the socket's close. Unpatched, the close after an error settled nothing, so it waited forever.
      const busy = outcome(sql`select pg_sleep(5)`);
      let late: Promise<string> | undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket!.on('error', () => void (late = outcome(sql`select 2 as n`)));
      socket!.destroy(new Error('the network failed'));
      expect(await within(5_000, busy)).not.toBe('answered');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(late).toBeDefined();
      expect(await within(5_000, late!)).toBe('CONNECTION_CLOSED');
      expect((await sql`select 3 as n`)[0]!.n).toBe(3); // and the pool goes on
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('runs a query\'s prelude just before it, for it alone, even pipelined among other queries', async () => {
    database ??= await createTestDatabase();
    const sql = postgres(database.url!, { max: 2, onnotice: () => {}, prepare_repeated: 2 });
    const prelude = (value: string) => ({ text: "select set_config('weixi.probe', $1, true)", params: [value] });
    const seen = (text: string, params: unknown[], value?: string) =>
      sql.unsafe<{ v: string | null }[]>(text, params as string[], value === undefined ? {} : { prelude: prelude(value) }).then((rows) => rows[0]!.v);
    try {
      // Sixty at once on two connections: pipelined, with and without preludes, parameterless (extended
      // protocol all the same), with parameters first described, then prepared.
      const asked = Array.from({ length: 60 }, (_, i) => (i % 3 === 2 ? undefined : `v${i}`));
      const texts = ["select coalesce(current_setting('weixi.probe', true), '') as v", "select coalesce(current_setting('weixi.probe', true), '') || $1::text as v"];
      const answers = await Promise.all(asked.map((value, i) => (i % 2 ? seen(texts[1]!, ['!'], value) : seen(texts[0]!, [], value))));
      expect(answers).toEqual(asked.map((value = '', i) => (i % 2 ? `${value}!` : value)));
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('fails a query whose prelude fails, without running it, and prepares the prelude again', async () => {
    database ??= await createTestDatabase();
    const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
    const role = (name: string) => ({ text: "select set_config('role', $1, true)", params: [name] });
    try {
      await sql`create table if not exists prelude_probe (n int)`;
      await sql`truncate prelude_probe`;
      const insert = (n: number, as: string) => sql.unsafe('insert into prelude_probe values ($1)', [n], { prelude: role(as) });
      await expect(insert(1, 'no_such_role')).rejects.toMatchObject({ message: expect.stringContaining('no_such_role') });
      await insert(2, 'postgres'); // and the connection goes on
      expect(await sql`select n from prelude_probe`).toEqual([{ n: 2 }]);
      expect((await sql`select current_user as u`)[0]!.u).toBe('postgres'); // the role ended with its query
    } finally {
      await sql`drop table if exists prelude_probe`;
      await sql.end({ timeout: 1 });
    }
  });
});
