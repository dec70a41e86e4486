import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, monthlyUsage, regions, type Tier } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { InputError } from '../errors.js';
import { refreshTiers } from './refresh.js';
import { DEFAULT_TIER_THRESHOLDS, validateTierThresholds } from './thresholds.js';

const now = new Date('2026-11-15T12:00:00Z');
const WINDOW = ['2026-08-01', '2026-09-01', '2026-10-01'];
let database: TestDatabase;

async function tiers(prefix: string): Promise<{ name: string; tier: Tier; pct: number | null }[]> {
  const rows = await database.db
    .select({ name: customers.name, tier: customers.tier, pct: customers.valueRankPct })
    .from(customers)
    .orderBy(asc(customers.id));
  return rows.filter((r) => r.name.startsWith(prefix));
}

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const region = async (code: string, path: string) =>
    (await db.insert(regions).values({ code, name: code, level: path.split('/').length > 3 ? 'city' : 'province', path, timeZone: 'Asia/Shanghai' }).returning())[0]!.id;
  await region('JS', '/JS/');
  const nj = await region('JS-NJ', '/JS/JS-NJ/');
  const sz = await region('JS-SZ', '/JS/JS-SZ/');
  const sh = await region('SH', '/SH/');
  const base = { joinedOn: '2020-01-01', plan: 'A', paymentType: 'prepaid' as const };

  // Jiangsu, spread over two cities: js1 … js100 earn 100, 99, … 1 (×1000) a month; js101 only outside the window.
  const js = await db
    .insert(customers)
    .values(Array.from({ length: 101 }, (_, i) => ({ ...base, msisdn: `1380000${String(i + 1).padStart(4, '0')}`, name: `js${i + 1}`, regionId: i % 2 ? sz : nj })))
    .returning();
  await db.insert(monthlyUsage).values(
    js.slice(0, 100).flatMap((c, i) => WINDOW.map((month) => ({ customerId: c.id, month, revenueCents: (100 - i) * 1000 }))),
  );
  await db.insert(monthlyUsage).values([
    { customerId: js[100]!.id, month: '2026-07-01', revenueCents: 9_000_000 },
    { customerId: js[100]!.id, month: '2026-11-01', revenueCents: 9_000_000 },
  ]);
  // A churned big spender with a stale tier: ordinary, unranked, and not counted in the ranking.
  const [churned] = await db
    .insert(customers)
    .values({ ...base, msisdn: '13900000000', name: 'js-churned', regionId: nj, status: 'churned', churnedOn: '2026-10-31', tier: 'diamond', valueRankPct: 0 })
    .returning();
  await db.insert(monthlyUsage).values({ customerId: churned!.id, month: '2026-10-01', revenueCents: 9_000_000 });

  // Shanghai: ties and a customer without revenue.
  const shRevenue = [500, 400, 400, 300, 0];
  const shRows = await db
    .insert(customers)
    .values(shRevenue.map((_, i) => ({ ...base, msisdn: `1370000000${i}`, name: `sh${i + 1}`, regionId: sh })))
    .returning();
  await db.insert(monthlyUsage).values(shRows.map((c, i) => ({ customerId: c.id, month: '2026-10-01', revenueCents: shRevenue[i]! })));
});
afterAll(() => database.close());

describe('refreshTiers', () => {
  it('ranks each province by revenue of the last 3 complete months and assigns the default tiers', async () => {
    expect(await refreshTiers(database.db, { now })).toEqual({ updated: 101 + 1 + 5 });
    const js = await tiers('js');
    const expected = (k: number): Tier => (k === 1 ? 'diamond' : k <= 5 ? 'gold' : k <= 10 ? 'silver' : k <= 20 ? 'mid_high' : 'ordinary');
    expect(js.slice(0, 101).map((r) => r.tier)).toEqual(Array.from({ length: 101 }, (_, i) => expected(i + 1)));
    js.slice(0, 101).forEach((r, i) => expect(r.pct).toBeCloseTo(i / 100, 6));
    expect(js[101]).toEqual({ name: 'js-churned', tier: 'ordinary', pct: null });
    // Shanghai on its own: 500 → 0, the two 400s share 0.25, 300 → 0.75, 0 → 1.
    expect(await tiers('sh')).toEqual([
      { name: 'sh1', tier: 'diamond', pct: 0 },
      { name: 'sh2', tier: 'ordinary', pct: 0.25 },
      { name: 'sh3', tier: 'ordinary', pct: 0.25 },
      { name: 'sh4', tier: 'ordinary', pct: 0.75 },
      { name: 'sh5', tier: 'ordinary', pct: 1 },
    ]);
  });

  it('writes nothing when nothing changed', async () => {
    expect(await refreshTiers(database.db, { now })).toEqual({ updated: 0 });
  });

  it('updates only the customers whose rank moves', async () => {
    const [js21] = await database.db.select().from(customers).where(eq(customers.name, 'js21'));
    await database.db.update(monthlyUsage).set({ revenueCents: 500_000 }).where(eq(monthlyUsage.customerId, js21!.id));
    // js21 jumps to the top; js1 … js20 move down one place; the rest keep their rank.
    expect(await refreshTiers(database.db, { now })).toEqual({ updated: 21 });
    const js = await tiers('js');
    expect(js.slice(0, 21).map((r) => r.tier)).toEqual([
      'gold', 'gold', 'gold', 'gold', 'silver', 'silver', 'silver', 'silver', 'silver',
      ...Array<Tier>(10).fill('mid_high'), 'ordinary', 'diamond',
    ]);
  });

  it('applies custom thresholds: ties share a tier, a share of 1 takes everyone with revenue', async () => {
    await refreshTiers(database.db, { now, thresholds: { diamond: 0.2, gold: 0.5, silver: 0.75, midHigh: 1 } });
    expect((await tiers('sh')).map((r) => r.tier)).toEqual(['diamond', 'gold', 'gold', 'mid_high', 'ordinary']);
    await refreshTiers(database.db, { now });
    expect((await tiers('sh')).map((r) => r.tier)).toEqual(['diamond', 'ordinary', 'ordinary', 'ordinary', 'ordinary']);
  });

  it('rejects bad thresholds before writing anything', async () => {
    await expect(refreshTiers(database.db, { now, thresholds: { diamond: 0.5, gold: 0.1, silver: 0.6, midHigh: 0.7 } })).rejects.toBeInstanceOf(InputError);
    expect(await refreshTiers(database.db, { now })).toEqual({ updated: 0 });
  });
});

describe('validateTierThresholds', () => {
  const issues = (value: unknown) => {
    try {
      validateTierThresholds(value);
    } catch (e) {
      return (e as InputError).issues;
    }
    throw new Error('expected the thresholds to be rejected');
  };

  it('accepts the defaults and equal neighbours', () => {
    expect(validateTierThresholds(DEFAULT_TIER_THRESHOLDS)).toEqual({ diamond: 0.01, gold: 0.05, silver: 0.1, midHigh: 0.2 });
    expect(validateTierThresholds({ diamond: 0.1, gold: 0.1, silver: 1, midHigh: 1 })).toEqual({ diamond: 0.1, gold: 0.1, silver: 1, midHigh: 1 });
  });

  it('reports every bad share with its path', () => {
    const range = 'expected a share of customers above 0 and at most 1, such as 0.05 for the top 5%';
    expect(issues({ diamond: 0, gold: 1.5, silver: Number.NaN, midHigh: '0.2' })).toEqual([
      { path: 'thresholds.diamond', message: range },
      { path: 'thresholds.gold', message: range },
      { path: 'thresholds.silver', message: range },
      { path: 'thresholds.midHigh', message: range },
    ]);
    expect(issues({ diamond: 0.05, gold: 0.01, silver: 0.1, midHigh: 0.08, bronze: 0.5 })).toEqual([
      { path: 'thresholds.gold', message: 'must be at least diamond (0.05): thresholds are cumulative, top tier first' },
      { path: 'thresholds.midHigh', message: 'must be at least silver (0.1): thresholds are cumulative, top tier first' },
      { path: 'thresholds.bronze', message: 'unknown key; accepted: diamond, gold, silver, midHigh' },
    ]);
    expect(issues(null)[0]).toEqual({ path: 'thresholds', message: 'expected { diamond, gold, silver, midHigh }' });
  });
});
