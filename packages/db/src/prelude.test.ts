/**
 * `Database.withPrelude` on PostgreSQL: every statement of the preluded database carries the prelude,
 * drizzle's transactions and savepoints included, and it holds for that statement alone.
 */
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRows } from './database.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './testing.js';

let database: TestDatabase | undefined;
afterAll(async () => database?.close());

const probe = sql`select coalesce(current_setting('weixi.probe', true), '') as v`;

describe.skipIf(testDatabaseKind() !== 'postgres')('a database with a prelude', () => {
  it('runs it before each statement, in transactions and savepoints too, and nowhere else', async () => {
    database = await createTestDatabase();
    const preluded = database.withPrelude(sql`select set_config('weixi.probe', ${'set'}, true)`);
    expect(await preluded.rows(probe)).toEqual([{ v: 'set' }]);
    expect(await database.rows(probe)).toEqual([{ v: '' }]);
    const inside = await preluded.db.transaction(async (tx) => {
      const outer = await queryRows(tx, probe);
      const inner = await tx.transaction((savepoint) => queryRows(savepoint, probe));
      return [outer, inner].map((rows) => rows[0]!.v);
    });
    expect(inside).toEqual(['set', 'set']);
    // A statement that fails in its prelude does not run.
    const failing = database.withPrelude(sql`select set_config('role', ${'no_such_role'}, true)`);
    await expect(failing.rows(sql`select 1 as n`)).rejects.toMatchObject({ cause: { message: expect.stringContaining('no_such_role') } });
  });
});
