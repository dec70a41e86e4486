/**
 * Weixi's side: the platform as `pnpm start` builds it (plugin host, job runner), every warning-rule plugin
 * of the workspace loaded and enabled on every root region (as an operator would, at the provinces), and a
 * full run: every rule's job `warnings:<ruleId>` queued in every city where it runs, then the runner drained.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { warningJobId, type Clock } from '@weixi/core';
import type { Database } from '@weixi/db';
import { createLogger, loadPlugins, startPlatform, type Platform } from '@weixi/platform';
import { pgOf } from '../setup.js';

const PLUGINS_DIR = new URL('../../../plugins/', import.meta.url);

export interface WarningPlugin {
  id: string;
  rules: string[];
}

export interface WeixiSide {
  platform: Platform;
  plugins: WarningPlugin[];
  /** The root regions every plugin was enabled on. */
  roots: string[];
  close(): Promise<void>;
}

/** The workspace's plugin folders whose manifest contributes warning rules. */
function warningPluginFolders(): string[] {
  return readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => new URL(`${entry.name}/`, PLUGINS_DIR))
    .filter((dir) => {
      const manifest = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { weixi?: { contributes?: { warningRules?: unknown[] } } };
      return (manifest.weixi?.contributes?.warningRules?.length ?? 0) > 0;
    })
    .map((dir) => dir.pathname);
}

export async function startWeixi(database: Database, clock: Clock): Promise<WeixiSide> {
  const { plugins, refused } = await loadPlugins({ packages: warningPluginFolders(), baseDir: process.cwd(), logger: { warn: (m) => console.warn(`  ${m}`) } });
  if (refused.length > 0) throw new Error(`warning plugins refused: ${refused.map((r) => `${r.id}: ${r.reason}`).join('; ')}`);
  const sql = pgOf(database);
  // Default settings, enabled nowhere yet (a reused database keeps the previous run's enablement).
  await sql`delete from plugin_configs where plugin_id in ${sql(plugins.map((p) => p.manifest.id))}`;
  const platform = await startPlatform({ database, clock, plugins, runJobs: false, port: 0, host: '127.0.0.1', logger: createLogger('warn') });
  const roots = (await sql`select code from regions where parent_id is null order by code`).map((r) => r.code as string);
  for (const p of plugins) {
    for (const root of roots) {
      const state = await platform.plugins.enable(p.manifest.id, root);
      if (state.status === 'failed') throw new Error(`plugin ${p.manifest.id} failed to activate: ${state.error}`);
    }
  }
  return {
    platform,
    roots,
    plugins: plugins.map((p) => ({ id: p.manifest.id, rules: (p.manifest.contributes?.warningRules ?? []).map((r) => r.id) })),
    close: () => platform.close(),
  };
}

export interface FullRun {
  /** Job runs queued and finished. */
  jobs: number;
  /** Job runs that did not succeed, with their error. */
  failed: string[];
}

/** One full run: every rule's job in every city where its plugin runs, queued, then the runner drained. */
export async function weixiFullRun(side: WeixiSide, database: Database): Promise<FullRun> {
  const { plugins: host, jobs } = side.platform;
  const ids: number[] = [];
  for (const plugin of side.plugins) {
    const cities = await host.jobRegions(plugin.id);
    for (const rule of plugin.rules) for (const city of cities) ids.push(await jobs.runNow(plugin.id, warningJobId(rule), city.regionId));
  }
  await jobs.work();
  const sql = pgOf(database);
  const failed = await sql`select j.plugin_id, j.job_id, r.code, j.status, j.error from job_runs j join regions r on r.id = j.region_id
    where j.id in ${sql(ids)} and j.status <> 'succeeded' order by j.id`;
  return { jobs: ids.length, failed: failed.map((f) => `${f.plugin_id} ${f.job_id} in ${f.code}: ${f.status} ${f.error ?? ''}`) };
}
