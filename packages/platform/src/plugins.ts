import type { InstalledPlugin, PluginHostOptions } from '@weixi/core';
import { discoverPlugins, planActivation } from '@weixi/core/plugins';
import { SDK_VERSION, type PluginLogger } from '@weixi/sdk';

export interface LoadPluginsOptions {
  /** Scans `<workspaceDir>/plugins/*`. */
  workspaceDir?: string;
  /** Further plugins: npm package names or folder paths (the operator's `WEIXI_PLUGINS`). */
  packages?: string[];
  baseDir: string;
  /** Plugin ids allowed to run despite an engine mismatch (logged). */
  overrides?: string[];
  logger?: Pick<PluginLogger, 'warn'>;
}

/**
 * Finds plugins on disk (reading manifests only), checks engines and dependencies, and returns the ones to
 * host in activation order plus every refused or invalid one with its reason, for `plugins` to show.
 */
export async function loadPlugins(options: LoadPluginsOptions): Promise<{ plugins: InstalledPlugin[]; refused: NonNullable<PluginHostOptions['refused']> }> {
  const found = await discoverPlugins({ workspaceDir: options.workspaceDir, packages: options.packages, baseDir: options.baseDir });
  const plan = planActivation(found, { sdkVersion: SDK_VERSION, overrides: options.overrides, logger: options.logger });
  const invalid = found.flatMap((p) => (p.status === 'invalid' ? [{ id: p.id ?? p.from, reason: p.error.message }] : []));
  return {
    plugins: plan.order.map((p) => ({ manifest: p.manifest, entry: p.entry })),
    refused: [...plan.refused.map((r) => ({ id: r.plugin.id, reason: r.reason })), ...invalid],
  };
}
