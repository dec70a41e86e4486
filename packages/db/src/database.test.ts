import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, monthlyUsage, regions } from './schema.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('database factory', () => {
  it('runs the migrations and enforces the constraints on both drivers', async () => {
    const { db } = database;
    const [province] = await db
      .insert(regions)
      .values({ code: 'JS', name: 'Jiangsu', level: 'province', timeZone: 'Asia/Shanghai', path: '/JS/' })
      .returning();
    const [customer] = await db
      .insert(customers)
      .values({ msisdn: '13800000001', name: 'Li', regionId: province!.id, joinedOn: '2020-01-15', plan: 'A', paymentType: 'prepaid' })
      .returning();
    expect(customer!.status).toBe('active');
    expect(customer!.joinedOn).toBe('2020-01-15');

    await expect(
      db.insert(monthlyUsage).values({ customerId: customer!.id, month: '2026-01-15', revenueCents: 100 }),
    ).rejects.toThrow();
    await expect(
      db.insert(monthlyUsage).values({ customerId: customer!.id, month: '2026-01-01', revenueCents: -1 }),
    ).rejects.toThrow();
    await expect(
      db.update(customers).set({ status: 'churned' }).where(eq(customers.id, customer!.id)),
    ).rejects.toThrow();
  });

  it('returns raw rows the same way on both drivers and reports every statement', async () => {
    const seen: string[] = [];
    const off = database.onStatement((text) => seen.push(text));
    const rows = await database.rows<{ n: number }>(sql`select 41 + 1 as n`);
    off();
    await database.rows(sql`select 1`);
    expect(rows).toEqual([{ n: 42 }]);
    expect(seen).toEqual(['select 41 + 1 as n']);
  });
});
