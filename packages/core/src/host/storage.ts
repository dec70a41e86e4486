import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import type { PluginStorage } from '@weixi/sdk';

/** Key-value storage private to one plugin, per region (null: global). */
export function pluginStorageFor(db: Db, pluginId: string): PluginStorage {
  const regionId = (code: string | null) => (code === null ? sql`null::int` : sql`(select id from regions where code = ${code})`);
  return {
    async get<T>(regionCode: string | null, key: string) {
      const [row] = await queryRows<{ value: T }>(
        db,
        sql`select value from plugin_storage where plugin_id = ${pluginId} and key = ${key}
            and coalesce(region_id, 0) = coalesce(${regionId(regionCode)}, 0)`,
      );
      return row?.value;
    },
    async set(regionCode, key, value) {
      await db.execute(
        sql`insert into plugin_storage (plugin_id, region_id, key, value, updated_at)
            values (${pluginId}, ${regionId(regionCode)}, ${key}, ${JSON.stringify(value)}::jsonb, now())
            on conflict (plugin_id, coalesce(region_id, 0), key) do update set value = excluded.value, updated_at = now()`,
      );
    },
    async delete(regionCode, key) {
      await db.execute(
        sql`delete from plugin_storage where plugin_id = ${pluginId} and key = ${key}
            and coalesce(region_id, 0) = coalesce(${regionId(regionCode)}, 0)`,
      );
    },
  };
}
