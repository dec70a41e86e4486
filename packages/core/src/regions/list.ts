import { asc, eq, gt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { regions, type Db } from '@weixi/db';
import type { Region } from './regions.js';

export type RegionWithParent = Region & { parentCode: string | null };

const parent = alias(regions, 'parent');

/** Every region in tree order (by path), a page of `pageSize` per statement, so a big tree is never held whole. */
export async function* eachRegion(db: Db, pageSize = 500): AsyncGenerator<RegionWithParent> {
  let after = '';
  for (;;) {
    const page = await db
      .select({ region: regions, parentCode: parent.code })
      .from(regions)
      .leftJoin(parent, eq(parent.id, regions.parentId))
      .where(gt(regions.path, after))
      .orderBy(asc(regions.path))
      .limit(pageSize);
    for (const row of page) yield { ...row.region, parentCode: row.parentCode };
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.region.path;
  }
}
