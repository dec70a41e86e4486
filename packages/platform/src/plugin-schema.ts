import { printSchema } from 'graphql';
import { PluginHost, systemClock, type InstalledPlugin, type PluginState } from '@weixi/core';
import { openDatabase, regions } from '@weixi/db';
import { buildSchema } from '@weixi/graphql';

/**
 * The schema (SDL) with these plugins' fields and types, as a server that enables all of them serves it:
 * what frontend teams generate typed clients against. Fields are registered by plugin code, so each plugin
 * is activated for real, enabled in a placeholder region of a throwaway in-memory database. A plugin that fails to
 * activate is returned in `failed` with its error, and its fields and types are not in the schema.
 * Without plugins it is the core schema, `schema.graphql`.
 */
export async function printSchemaWithPlugins(plugins: InstalledPlugin[]): Promise<{ sdl: string; failed: PluginState[] }> {
  if (plugins.length === 0) return { sdl: `${printSchema(buildSchema())}\n`, failed: [] };
  const database = await openDatabase({ dataDir: 'memory://' });
  const host = new PluginHost({ database, clock: systemClock, plugins });
  try {
    await database.migrate();
    // The host activates a plugin enabled in some region: one region is enough to build the schema.
    await database.db.insert(regions).values({ code: 'SCHEMA', name: 'schema print', level: 'province', path: '/SCHEMA/', timeZone: 'Asia/Shanghai' });
    for (const plugin of plugins) await host.enable(plugin.manifest.id, 'SCHEMA');
    const sdl = `${printSchema(buildSchema({ pluginFields: host.fields.list(), pluginTypes: host.types.list() }))}\n`;
    return { sdl, failed: host.list().filter((p) => p.status === 'failed') };
  } finally {
    await host.stop();
    await database.close();
  }
}
