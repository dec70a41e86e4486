/**
 * The installed plugins activated as the server activates them (workspace `plugins/*`, WEIXI_PLUGINS,
 * WEIXI_PLUGIN_OVERRIDES), for the commands that need their rules: a host started for `work`, then stopped.
 */
import { churnDefinitionFrom, PluginHost, systemClock } from '@weixi/core';
import type { Database } from '@weixi/db';
import { loadPlugins, type Logger } from '@weixi/platform';
import { workspaceRoot } from './plugin-survey.js';

const list = (raw: string | undefined): string[] => (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The plugins the server would load, and those it would refuse. */
export function installedPlugins(logger?: Logger) {
  return loadPlugins({ workspaceDir: workspaceRoot(), packages: list(process.env.WEIXI_PLUGINS), baseDir: process.cwd(), overrides: list(process.env.WEIXI_PLUGIN_OVERRIDES), logger });
}

export async function withPluginHost<T>(database: Database, work: (host: PluginHost) => Promise<T>): Promise<T> {
  const { plugins, refused } = await installedPlugins();
  const host = new PluginHost({ database, clock: systemClock, plugins, refused, churn: churnDefinitionFrom(process.env) });
  await host.start();
  try {
    return await work(host);
  } finally {
    await host.stop();
  }
}
