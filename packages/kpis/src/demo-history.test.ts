/** The demo's treatment and control history: the uplift it shows is real (treated stay more) but modest. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { DEMO_REGIONS, seedDemoData } from '@weixi/demo';
import { computeChurnFacts } from './churn.js';
import { seedControlGroupHistory } from './demo-history.js';
import { computeKpis } from './figures.js';

let database: TestDatabase;
const now = new Date('2026-11-15T04:00:00Z');
const TACTIC = 'tactic-prepaid-boost/prepaid-boost';

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database, { customers: 6000, now });
}, 120_000);
afterAll(() => database.close());

it('holds out the share, treats the rest, and shows a modest positive uplift', async () => {
  const db = database.db;
  const history = await seedControlGroupHistory(db, { now, tactic: TACTIC });
  expect(history.months).toEqual(['2026-05', '2026-06', '2026-07']);
  expect(history.control / (history.treated + history.control)).toBeGreaterThan(0.12);
  expect(history.control / (history.treated + history.control)).toBeLessThan(0.28);
  expect(await seedControlGroupHistory(db, { now, tactic: TACTIC })).toMatchObject({ treated: 0, control: 0 });
  const provinces = await queryRows<{ id: number; code: string; path: string }>(db, sql`select id, code, path from regions where level = 'province' order by code`);
  expect(provinces.map((p) => p.code)).toEqual(DEMO_REGIONS.map((r) => r.code).sort());
  const sums = { treated: 0, treatedRetained: 0, control: 0, controlRetained: 0 };
  for (const province of provinces) {
    await computeChurnFacts(db, { region: province, from: '2025-11', to: '2026-10' });
    for (const month of history.months) {
      const { rows } = await computeKpis(db, { ...province, id: Number(province.id) }, month, 'tactic', 3);
      const u = rows.find((r) => r.key === TACTIC)?.uplift;
      for (const k of Object.keys(sums) as Array<keyof typeof sums>) sums[k] += u?.[k] ?? 0;
    }
  }
  const treatedRate = sums.treatedRetained / sums.treated;
  const controlRate = sums.controlRetained / sums.control;
  // Real: the treated stay more often; modest: by a few points, not tens.
  expect(treatedRate - controlRate).toBeGreaterThan(0.02);
  expect(treatedRate - controlRate).toBeLessThan(0.15);
  expect(sums.treated + sums.control).toBe(history.treated + history.control);
}, 120_000);
