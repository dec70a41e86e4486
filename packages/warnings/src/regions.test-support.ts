/** Test support: the provinces JS (江苏) and ZJ (浙江) and the given cities under them, all in Asia/Shanghai. */
import { sql } from 'drizzle-orm';
import type { Db } from '@weixi/db';

export async function addTestRegions(db: Db, cities: Array<{ code: string; name: string; province: 'JS' | 'ZJ' }>): Promise<void> {
  await db.execute(sql`insert into regions (code, name, level, time_zone, path) values
    ('JS', '江苏', 'province', 'Asia/Shanghai', '/JS/'), ('ZJ', '浙江', 'province', 'Asia/Shanghai', '/ZJ/')`);
  for (const city of cities) {
    await db.execute(sql`insert into regions (code, name, level, time_zone, path, parent_id)
      values (${city.code}, ${city.name}, 'city', 'Asia/Shanghai', ${`/${city.province}/${city.code}/`}, (select id from regions where code = ${city.province}))`);
  }
}
