import { regions, type Database } from '@weixi/db';

/** A region of the test tree. `parent` names the parent's code; a region without one is a province. */
export interface TestRegion {
  code: string;
  name: string;
  level: 'province' | 'city' | 'district' | 'grid';
  parent?: string;
  /** IANA zone; default `Asia/Shanghai`. */
  timeZone?: string;
}

/**
 * The default tree: 江苏 (南京 with 鼓楼区, and 苏州) and 浙江 (杭州), all in Asia/Shanghai. The codes and paths
 * are the demo data's, so `seed: { customers }` adds its districts and cities to this tree.
 */
export const DEFAULT_TEST_REGIONS: readonly TestRegion[] = [
  { code: 'JS', name: '江苏', level: 'province' },
  { code: 'JS-NJ', name: '南京', level: 'city', parent: 'JS' },
  { code: 'JS-NJ-GL', name: '鼓楼区', level: 'district', parent: 'JS-NJ' },
  { code: 'JS-SZ', name: '苏州', level: 'city', parent: 'JS' },
  { code: 'ZJ', name: '浙江', level: 'province' },
  { code: 'ZJ-HZ', name: '杭州', level: 'city', parent: 'ZJ' },
];

/** Writes the tree, parents first (the list must name each parent before its children). */
export async function insertRegions(database: Database, tree: readonly TestRegion[]): Promise<void> {
  const written = new Map<string, { id: number; path: string }>();
  for (const region of tree) {
    const parent = region.parent === undefined ? undefined : written.get(region.parent);
    if (region.parent !== undefined && !parent) {
      throw new Error(`regions: '${region.code}' names parent '${region.parent}', which is not listed before it`);
    }
    const path = `${parent?.path ?? '/'}${region.code}/`;
    const [row] = await database.db
      .insert(regions)
      .values({ code: region.code, name: region.name, level: region.level, path, timeZone: region.timeZone ?? 'Asia/Shanghai', parentId: parent?.id ?? null })
      .returning({ id: regions.id });
    written.set(region.code, { id: row!.id, path });
  }
}
