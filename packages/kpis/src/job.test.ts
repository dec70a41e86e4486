/** The KPI jobs run where KPIs are set up: settings in the region, above it or below it; nowhere else. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, insertRegions, type TestDatabase } from '@weixi/db/testing';
import { dailyReportRegions } from './daily-report.js';
import { churnFactsRegions } from './job.js';
import { setKpiSettings } from './settings.js';

let database: TestDatabase;
const region = {} as Record<string, { id: number; path: string }>;
const codes = async (regions: Promise<Array<{ code: string }>>) => (await regions).map((r) => r.code);

beforeAll(async () => {
  database = await createTestDatabase();
  const tree = await insertRegions(database.db, [
    ['JS', 'province', null],
    ['JS-NJ', 'city', 'JS'],
    ['JS-NJ-GL', 'district', 'JS-NJ'],
    ['JS-SZ', 'city', 'JS'],
    ['ZJ', 'province', null],
    ['ZJ-HZ', 'city', 'ZJ'],
    ['ZJ-NB', 'city', 'ZJ'],
  ]);
  Object.assign(region, Object.fromEntries(tree));
});
afterAll(() => database?.close());

describe('the KPI jobs\' regions', () => {
  it('are none before any region sets KPIs up', async () => {
    expect(await codes(churnFactsRegions(database.db))).toEqual([]);
    expect(await codes(dailyReportRegions(database.db))).toEqual([]);
  });

  it('follow settings down from a province and up from a district, never into a sibling', async () => {
    await setKpiSettings(database.db, region.ZJ!, {});
    await setKpiSettings(database.db, region['JS-NJ-GL']!, { horizonMonths: 2 });
    expect(await codes(churnFactsRegions(database.db))).toEqual(['JS-NJ', 'ZJ-HZ', 'ZJ-NB']);
    expect(await codes(dailyReportRegions(database.db))).toEqual(['JS', 'JS-NJ', 'ZJ', 'ZJ-HZ', 'ZJ-NB']);
  });
});
