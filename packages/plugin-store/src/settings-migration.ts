/**
 * An upgrade's settings migration: the new version's `migrateSettings(fromVersion, settings)` applied to
 * every stored settings level of the plugin in one transaction, each result checked against the new
 * version's settings schema; and the snapshot that restores them when the upgrade is rolled back.
 */
import { eq } from 'drizzle-orm';
import { settingsDefaults, validateSettings } from '@weixi/core';
import { pluginConfigs, type Db } from '@weixi/db';
import type { PluginManifest, WeixiPlugin } from '@weixi/sdk';

/** Each settings row's id and settings before the migration. */
export type SettingsSnapshot = Array<{ id: number; settings: Record<string, unknown> }>;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export async function migrateSettings(tx: Tx, manifest: PluginManifest, module: WeixiPlugin<never>, fromVersion: string): Promise<SettingsSnapshot> {
  const rows = await tx.select({ id: pluginConfigs.id, settings: pluginConfigs.settings }).from(pluginConfigs).where(eq(pluginConfigs.pluginId, manifest.id)).for('update');
  if (!module.migrateSettings) return rows;
  for (const row of rows) {
    let migrated: Record<string, unknown>;
    try {
      // Awaited: out of process (the extension host) the call is remote, though a plugin's own is synchronous.
      migrated = await module.migrateSettings(fromVersion, structuredClone(row.settings));
    } catch (error) {
      throw new Error(`plugin '${manifest.id}' ${manifest.version}: migrateSettings threw for stored settings ${row.id}: ${(error as Error).message}`);
    }
    validateSettings(manifest, { ...settingsDefaults(manifest.settings), ...migrated }, `settings[${row.id}]`);
    await tx.update(pluginConfigs).set({ settings: migrated }).where(eq(pluginConfigs.id, row.id));
  }
  return rows;
}

export async function restoreSettings(tx: Tx, snapshot: SettingsSnapshot): Promise<void> {
  for (const row of snapshot) await tx.update(pluginConfigs).set({ settings: row.settings }).where(eq(pluginConfigs.id, row.id));
}
