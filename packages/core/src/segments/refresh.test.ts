import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { customers, monthlyUsage, regions, segmentMemberships, segments } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { NotFoundError } from '../errors.js';
import type { SegmentCondition } from './definition.js';
import { countSegmentPreview, refreshSegment } from './refresh.js';

const day1 = new Date('2026-11-15T12:00:00Z');
const day2 = new Date('2026-11-16T12:00:00Z');
const day3 = new Date('2026-11-17T12:00:00Z');
let database: TestDatabase;
const ids: Record<string, number> = {};

/** Big spenders: more than 10,000 revenue over the last 3 complete months. */
const bigSpenders: SegmentCondition = { metric: { metric: 'revenueCents', measure: 'total', months: 3, op: 'gt', value: 10000 } };

async function createSegment(name: string, definition: SegmentCondition): Promise<number> {
  const [row] = await database.db.insert(segments).values({ name, definition }).returning();
  return row!.id;
}

async function stays(segmentId: number) {
  const rows = await database.db
    .select({ customerId: segmentMemberships.customerId, enteredAt: segmentMemberships.enteredAt, leftAt: segmentMemberships.leftAt })
    .from(segmentMemberships)
    .where(eq(segmentMemberships.segmentId, segmentId))
    .orderBy(asc(segmentMemberships.enteredAt), asc(segmentMemberships.customerId));
  const name = (id: number) => Object.keys(ids).find((k) => ids[k] === id);
  return rows.map((r) => ({ who: name(r.customerId), entered: r.enteredAt.toISOString(), left: r.leftAt?.toISOString() ?? null }));
}

const setRevenue = (who: string, revenueCents: number) =>
  database.db.update(monthlyUsage).set({ revenueCents }).where(eq(monthlyUsage.customerId, ids[who]!));

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const [region] = await db.insert(regions).values({ code: 'JS', name: 'Jiangsu', level: 'province', timeZone: 'Asia/Shanghai', path: '/JS/' }).returning();
  const rows = await db
    .insert(customers)
    .values(['Ann', 'Ben', 'Cat'].map((name, i) => ({ msisdn: `1380000000${i}`, name, regionId: region!.id, joinedOn: '2024-01-01', plan: 'A', paymentType: 'prepaid' as const })))
    .returning();
  for (const row of rows) ids[row.name] = row.id;
  await db.insert(monthlyUsage).values([
    { customerId: ids.Ann!, month: '2026-10-01', revenueCents: 20000 },
    { customerId: ids.Ben!, month: '2026-10-01', revenueCents: 15000 },
    { customerId: ids.Cat!, month: '2026-10-01', revenueCents: 500 },
  ]);
});
afterAll(() => database.close());
beforeEach(async () => {
  await setRevenue('Ann', 20000);
  await setRevenue('Ben', 15000);
  await setRevenue('Cat', 500);
});

describe('refreshSegment', () => {
  it('opens stays for the first members and records the refresh', async () => {
    const id = await createSegment('big spenders', bigSpenders);
    expect(await countSegmentPreview(database.db, bigSpenders, { now: day1 })).toBe(2);
    expect(await stays(id)).toEqual([]);

    expect(await refreshSegment(database.db, id, { now: day1 })).toEqual({ memberCount: 2, entered: 2, left: 0, refreshedAt: day1 });
    expect(await stays(id)).toEqual([
      { who: 'Ann', entered: day1.toISOString(), left: null },
      { who: 'Ben', entered: day1.toISOString(), left: null },
    ]);
    const [segment] = await database.db.select().from(segments).where(eq(segments.id, id));
    expect(segment).toMatchObject({ memberCount: 2, refreshedAt: day1, refreshedVersion: 1, version: 1 });
  });

  it('is idempotent when nothing changed', async () => {
    const id = await createSegment('idempotent', bigSpenders);
    await refreshSegment(database.db, id, { now: day1 });
    expect(await refreshSegment(database.db, id, { now: day2 })).toEqual({ memberCount: 2, entered: 0, left: 0, refreshedAt: day2 });
    expect((await stays(id)).map((s) => s.entered)).toEqual([day1.toISOString(), day1.toISOString()]);
  });

  it('closes the stays of those who leave and gives a returning customer a second stay', async () => {
    const id = await createSegment('history', bigSpenders);
    await refreshSegment(database.db, id, { now: day1 });

    await setRevenue('Ben', 100);
    await setRevenue('Cat', 30000);
    expect(await refreshSegment(database.db, id, { now: day2 })).toEqual({ memberCount: 2, entered: 1, left: 1, refreshedAt: day2 });

    await setRevenue('Ben', 15000);
    expect(await refreshSegment(database.db, id, { now: day3 })).toEqual({ memberCount: 3, entered: 1, left: 0, refreshedAt: day3 });
    expect(await stays(id)).toEqual([
      { who: 'Ann', entered: day1.toISOString(), left: null },
      { who: 'Ben', entered: day1.toISOString(), left: day2.toISOString() },
      { who: 'Cat', entered: day2.toISOString(), left: null },
      { who: 'Ben', entered: day3.toISOString(), left: null },
    ]);
  });

  it('records the definition version it computed, and empties a segment nobody matches', async () => {
    const id = await createSegment('versioned', bigSpenders);
    await refreshSegment(database.db, id, { now: day1 });
    const nobody: SegmentCondition = { field: { field: 'name', op: 'eq', value: 'Nobody' } };
    await database.db.update(segments).set({ definition: nobody, version: 2 }).where(eq(segments.id, id));
    expect(await refreshSegment(database.db, id, { now: day2 })).toEqual({ memberCount: 0, entered: 0, left: 2, refreshedAt: day2 });
    const [segment] = await database.db.select().from(segments).where(eq(segments.id, id));
    expect(segment).toMatchObject({ memberCount: 0, refreshedVersion: 2, refreshedAt: day2 });
    expect((await stays(id)).every((s) => s.left === day2.toISOString())).toBe(true);
  });

  it('leaves other segments alone', async () => {
    const a = await createSegment('segment a', { field: { field: 'name', op: 'in', values: ['Ann', 'Ben'] } });
    const b = await createSegment('segment b', { field: { field: 'name', op: 'eq', value: 'Ann' } });
    await refreshSegment(database.db, a, { now: day1 });
    await refreshSegment(database.db, b, { now: day1 });
    await database.db.update(segments).set({ definition: { field: { field: 'name', op: 'eq', value: 'Cat' } } }).where(eq(segments.id, b));
    expect(await refreshSegment(database.db, b, { now: day2 })).toMatchObject({ entered: 1, left: 1 });
    expect((await stays(a)).map((s) => [s.who, s.left])).toEqual([['Ann', null], ['Ben', null]]);
  });

  it('survives concurrent refreshes of one segment', async () => {
    const id = await createSegment('concurrent', bigSpenders);
    const results = await Promise.all([1, 2, 3].map(() => refreshSegment(database.db, id, { now: day1 })));
    expect(results.reduce((n, r) => n + r.entered, 0)).toBe(2);
    expect(await stays(id)).toHaveLength(2);
  });

  it('throws NotFoundError for an unknown segment', async () => {
    await expect(refreshSegment(database.db, 999_999, { now: day1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(refreshSegment(database.db, 999_999, { now: day1 })).rejects.toThrow('segment 999999 does not exist');
  });
});

describe('countSegmentPreview', () => {
  const counted = async (definition: SegmentCondition, within?: ReturnType<typeof sql>) => {
    const texts: string[] = [];
    const stop = database.onStatement((text) => texts.push(text));
    try {
      const n = await countSegmentPreview(database.db, definition, { now: day1, ...(within ? { within } : {}) });
      return { n, readsCustomers: texts.some((text) => /\bfrom "customers" c\b/.test(text)) };
    } finally {
      stop();
    }
  };

  it('counts a definition on usage alone over the usage aggregates, without joining every customer', async () => {
    expect(await counted(bigSpenders)).toEqual({ n: 2, readsCustomers: false });
    const either: SegmentCondition = { or: [bigSpenders, { not: { metric: { metric: 'revenueCents', measure: 'total', months: 3, op: 'lt', value: 1000 } } }] };
    expect(await counted(either)).toEqual({ n: 2, readsCustomers: false });
    // A scope bound still applies: Ben alone.
    expect((await counted(bigSpenders, sql`${customers.id} = ${ids.Ben!}`)).n).toBe(1);
    // With a customer condition beside it, customers are read.
    expect(await counted({ and: [bigSpenders, { tier: { in: ['gold'] } }] })).toEqual({ n: 0, readsCustomers: true });
  });
});
