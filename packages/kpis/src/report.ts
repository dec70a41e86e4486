/** The KPIs of a region as the API and the CLI ask for them: the region's own horizon, its settings inherited. */
import type { Db } from '@weixi/db';
import { computeKpis, type KpiDimension, type KpiReport } from './figures.js';
import { kpiSettingsOfSubtree } from './settings.js';

export async function kpisOf(db: Db, region: { id: number; path: string; code: string }, month: string, by: KpiDimension | null = null): Promise<KpiReport> {
  const own = (await kpiSettingsOfSubtree(db, region.path)).find((r) => r.regionId === region.id);
  return computeKpis(db, region, month, by, own?.settings.horizonMonths ?? 3);
}
