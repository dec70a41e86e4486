import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, regions, retentionTasks } from './schema.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const regionsOf = async (ids: number[]) =>
  (await database.db.select({ id: retentionTasks.id, regionId: retentionTasks.regionId }).from(retentionTasks).orderBy(retentionTasks.id))
    .filter((t) => ids.includes(t.id))
    .map((t) => t.regionId);

describe("a task's region (migration 0024)", () => {
  it("is its customer's, whatever the writer gives, and follows the customer when it moves", async () => {
    const { db } = database;
    const province = (code: string) => ({ code, name: code, level: 'province' as const, timeZone: 'Asia/Shanghai', path: `/${code}/` });
    const [js, zj] = await db.insert(regions).values([province('JS'), province('ZJ')]).returning();
    const base = { joinedOn: '2020-01-15', plan: 'A', paymentType: 'prepaid' as const };
    const [li, wang] = await db
      .insert(customers)
      .values([
        { msisdn: '13800000001', name: 'Li', regionId: js!.id, ...base },
        { msisdn: '13800000002', name: 'Wang', regionId: js!.id, ...base },
      ])
      .returning();
    const due = new Date('2026-12-01T00:00:00Z');
    // Through drizzle without a region, and through raw SQL naming another region: both get the customer's.
    const [a] = await db.insert(retentionTasks).values({ customerId: li!.id, reason: 'a', dueAt: due }).returning();
    const [b] = await database.rows<{ id: number }>(
      sql`insert into retention_tasks (customer_id, reason, due_at, region_id) values (${wang!.id}, 'b', now(), ${zj!.id}) returning id`,
    );
    expect(await regionsOf([a!.id, b!.id])).toEqual([js!.id, js!.id]);

    // Set directly, or the task given to another customer: the region is the customer's again.
    await db.update(retentionTasks).set({ regionId: zj!.id }).where(eq(retentionTasks.id, a!.id));
    expect(await regionsOf([a!.id])).toEqual([js!.id]);

    // The customer moves: its tasks move with it, the other customer's stay.
    await db.update(customers).set({ regionId: zj!.id }).where(eq(customers.id, li!.id));
    expect(await regionsOf([a!.id, b!.id])).toEqual([zj!.id, js!.id]);
    await db.update(retentionTasks).set({ customerId: wang!.id }).where(eq(retentionTasks.id, a!.id));
    expect(await regionsOf([a!.id, b!.id])).toEqual([js!.id, js!.id]);

    // An update that leaves the region as it is touches no task (the trigger's WHEN).
    await db.update(customers).set({ name: 'Li Lei' }).where(eq(customers.id, li!.id));
    expect(await regionsOf([a!.id, b!.id])).toEqual([js!.id, js!.id]);
  });
});
