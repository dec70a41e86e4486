import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, queryRows, regions } from '@weixi/db';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '@weixi/db/testing';
import { idsPlaceholder, runSelect, shapeOf } from './statements.js';

let database: TestDatabase;
let ids: number[];

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const [js, zj] = await db
    .insert(regions)
    .values([
      { code: 'JS', name: 'JS', level: 'province', path: '/JS/', timeZone: 'Asia/Shanghai' },
      { code: 'ZJ', name: 'ZJ', level: 'province', path: '/ZJ/', timeZone: 'Asia/Shanghai' },
    ])
    .returning();
  const rows = await db
    .insert(customers)
    .values([js!, zj!].map((r, i) => ({ msisdn: `1380000000${i}`, name: r.code, regionId: r.id, joinedOn: '2020-01-01', plan: 'p', paymentType: 'prepaid' as const })))
    .returning();
  ids = rows.map((r) => r.id);
});
afterAll(() => database.close());

/** Customers among `ids` in the region `code`: the same statement name, a scope that differs by a value. */
async function inRegion(code: string, built: string[]): Promise<string[]> {
  const { db } = database;
  const visible = sql`${customers.regionId} in (select ${regions.id} from ${regions} where ${eq(regions.code, code)})`;
  const rows = await runSelect<{ name: string }>(
    db,
    `test:${shapeOf(db, visible)}`,
    () => {
      built.push(code);
      return db.select().from(customers).where(and(idsPlaceholder(customers.id), visible));
    },
    { ids },
  );
  return rows.map((r) => r.name);
}

describe('statements built once per shape', () => {
  it('builds a shape once and runs it with new ids, never sharing it between scopes that differ in a value', async () => {
    const built: string[] = [];
    expect(await inRegion('JS', built)).toEqual(['JS']);
    expect(await inRegion('ZJ', built)).toEqual(['ZJ']);
    expect(await inRegion('JS', built)).toEqual(['JS']);
    expect(built).toEqual(['JS', 'ZJ']);
  });

  it('runs a shape on a transaction as on the database', async () => {
    const { db } = database;
    const names = await db.transaction(async (tx) =>
      runSelect<{ name: string }>(tx, 'test:all', () => tx.select().from(customers).where(idsPlaceholder(customers.id)), { ids: [ids[1]!] }),
    );
    expect(names.map((r) => r.name)).toEqual(['ZJ']);
    const again = await runSelect<{ name: string; regionId: number }>(db, 'test:all', () => { throw new Error('built twice'); }, { ids });
    expect(again.map((r) => r.name).sort()).toEqual(['JS', 'ZJ']);
    expect(typeof again[0]!.regionId).toBe('number'); // mapped to the schema's field names
  });

  // PostgreSQL keeps a connection's prepared statements in pg_prepared_statements; PGlite runs every statement as it comes.
  it.skipIf(testDatabaseKind() === 'pglite')('prepares a shape from its second run on, not a statement run once', async () => {
    const { db } = database;
    const prepared = await db.transaction(async (tx) => {
      const seen: number[] = [];
      for (let run = 0; run < 3; run++) {
        await runSelect(tx, 'test:prepared', () => tx.select().from(customers).where(and(idsPlaceholder(customers.id), sql`${customers.points} >= 0`)), { ids });
        const rows = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from pg_prepared_statements where statement like '%"points" >= 0%'`);
        seen.push(rows[0]!.n);
      }
      return seen;
    });
    expect(prepared).toEqual([0, 1, 1]);
  });
});
