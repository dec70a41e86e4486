/**
 * Writes the demo region tree, level by level so each row knows its parent's id. Upserts by code, so
 * running it again (or over an operator's own tree with the same codes) changes nothing but names.
 */
import { regions, type RegionLevel } from '@weixi/db';
import { sql } from 'drizzle-orm';
import type { SeededDistrict } from './context.js';
import type { Executor } from './executor.js';
import { DEMO_REGIONS, DEMO_TIME_ZONE } from './regions.js';

/** District weights are scaled so the smallest district still gets a few slots in the pick list. */
const WEIGHT_SCALE = 4;

interface RegionInput {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode?: string;
  path: string;
}

export async function upsertDemoRegions(executor: Executor): Promise<{ regions: number; districts: SeededDistrict[] }> {
  const provinces: RegionInput[] = [];
  const cities: RegionInput[] = [];
  const districts: Array<RegionInput & { weight: number }> = [];
  for (const province of DEMO_REGIONS) {
    provinces.push({ code: province.code, name: province.name, level: 'province', path: `/${province.code}/` });
    for (const city of province.cities) {
      const cityPath = `/${province.code}/${city.code}/`;
      cities.push({ code: city.code, name: city.name, level: 'city', parentCode: province.code, path: cityPath });
      const total = city.districts.reduce((sum, d) => sum + d.weight, 0);
      for (const district of city.districts) {
        districts.push({
          code: district.code,
          name: district.name,
          level: 'district',
          parentCode: city.code,
          path: `${cityPath}${district.code}/`,
          weight: Math.max(1, Math.round((city.weight * district.weight * WEIGHT_SCALE) / total)),
        });
      }
    }
  }

  const ids = new Map<string, number>();
  for (const level of [provinces, cities, districts]) {
    const written = await executor
      .insert(regions)
      .values(
        level.map((r) => ({
          code: r.code,
          name: r.name,
          level: r.level,
          parentId: r.parentCode ? ids.get(r.parentCode)! : null,
          timeZone: DEMO_TIME_ZONE,
          path: r.path,
        })),
      )
      .onConflictDoUpdate({
        target: regions.code,
        set: {
          name: sql`excluded.name`,
          level: sql`excluded.level`,
          parentId: sql`excluded.parent_id`,
          timeZone: sql`excluded.time_zone`,
          path: sql`excluded.path`,
        },
      })
      .returning({ id: regions.id, code: regions.code });
    for (const row of written) ids.set(row.code, row.id);
  }

  return {
    regions: provinces.length + cities.length + districts.length,
    districts: districts.map((d) => ({ id: ids.get(d.code)!, code: d.code, weight: d.weight })),
  };
}
