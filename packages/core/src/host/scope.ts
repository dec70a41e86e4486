import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';

/**
 * Per-region plugin configuration is inherited down the region tree: a district takes its city's value,
 * the city its province's, the province the global one (region_id null). These queries resolve that.
 */

/** Config rows of a plugin from the global level down to the region, root first (global, province, ...). */
export async function configChain(db: Db, pluginId: string, regionCode: string | null) {
  return queryRows<{ region_code: string | null; enabled: boolean | null; settings: Record<string, unknown> }>(
    db,
    sql`select r.code as region_code, pc.enabled, pc.settings
        from plugin_configs pc left join regions r on r.id = pc.region_id
        where pc.plugin_id = ${pluginId}
          and (pc.region_id is null or ${regionCode}::text is not null and exists (
            select 1 from regions target where target.code = ${regionCode} and starts_with(target.path, r.path)))
        order by length(coalesce(r.path, ''))`,
  );
}

/** Every region where the plugin is enabled, taking the nearest explicit setting (default: disabled). */
export async function enabledRegions(db: Db, pluginId: string) {
  return queryRows<{ id: number; code: string; path: string; level: string; time_zone: string }>(
    db,
    sql`select r.id, r.code, r.path, r.level, r.time_zone from regions r
        where coalesce((
          select pc.enabled from plugin_configs pc left join regions a on a.id = pc.region_id
          where pc.plugin_id = ${pluginId} and pc.enabled is not null
            and (pc.region_id is null or starts_with(r.path, a.path))
          order by length(coalesce(a.path, '')) desc limit 1), false)
        order by r.path`,
  );
}

/** Whether the plugin is enabled in one region now, read from the database (a run checks this as it starts). */
export async function enabledAt(db: Db, pluginId: string, regionId: number): Promise<boolean> {
  const [row] = await queryRows<{ enabled: boolean | null }>(
    db,
    sql`select pc.enabled from regions r
        join plugin_configs pc on pc.plugin_id = ${pluginId} and pc.enabled is not null
        left join regions a on a.id = pc.region_id
        where r.id = ${regionId} and (pc.region_id is null or starts_with(r.path, a.path))
        order by length(coalesce(a.path, '')) desc limit 1`,
  );
  return row?.enabled === true;
}

/** Deep-merges settings objects, later ones winning; arrays and scalars are replaced, not merged. */
export function mergeSettings(...layers: Array<Record<string, unknown> | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      const prev = out[key];
      out[key] =
        isPlainObject(prev) && isPlainObject(value) ? mergeSettings(prev, value) : value;
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The defaults a settings schema declares, as an object. */
export function settingsDefaults(schema: { properties?: Record<string, { default?: unknown }> } | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema?.properties ?? {})
      .filter(([, p]) => p.default !== undefined)
      .map(([k, p]) => [k, structuredClone(p.default)]),
  );
}
