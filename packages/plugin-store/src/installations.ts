/**
 * Plugins installed at runtime: install, upgrade, uninstall and purge, recorded in `installed_plugins`,
 * and every process following that table. A change is made here in one process; the row's change notice
 * reaches every API and worker process, each of which makes sure its own store holds the version (the
 * same download and checks, pinned to the recorded integrity) and adds, replaces or removes the plugin in
 * its running host, with no restart.
 */
import { and, eq, inArray } from 'drizzle-orm';
import semver from 'semver';
import { NotFoundError, recordAudit, WeixiError, type Clock, type PluginHost, type PluginState } from '@weixi/core';
import { installedPlugins, pluginConfigs, pluginHealth, pluginStorage, type Database } from '@weixi/db';
import type { PluginLogger, WeixiPlugin } from '@weixi/sdk';
import { PluginRefusedError } from './errors.js';
import { fetchPackument } from './registry.js';
import { migrateSettings, restoreSettings } from './settings-migration.js';
import type { PluginStore, StoredPlugin } from './store.js';
import { trustedKeys } from './trust.js';

export type InstalledPluginRow = typeof installedPlugins.$inferSelect;

/** Who asks, for `installed_by` and the audit log. */
export interface Installer {
  actor: string;
  role: string | null;
}

export interface InstallRequest {
  /** npm package name. */
  name: string;
  /** semver range or dist-tag; default `latest`. */
  range?: string;
  /** Registry URL; default the installations' `defaultRegistry` (`WEIXI_PLUGIN_REGISTRY`). */
  registry?: string;
  allowUnsigned?: boolean;
  by: Installer;
  onProgress?(step: string, fields?: Record<string, unknown>): void;
}

export interface Installed {
  row: InstalledPluginRow;
  /** The plugin in this process's host after the change. */
  state: PluginState | undefined;
}

export interface PluginInstallationsOptions {
  database: Database;
  host: PluginHost;
  store: PluginStore;
  clock: Clock;
  defaultRegistry?: string;
  /** Bearer token for registries that require a login to read (`WEIXI_PLUGIN_REGISTRY_TOKEN`). */
  token?: string;
  logger?: PluginLogger;
  /** The longest wait between two tries of a plugin that could not be loaded (default 60 s). */
  maxRetryMs?: number;
}

export class PluginInstallations {
  /** What this process's host runs of each installed plugin. */
  private readonly loaded = new Map<string, { version: string; integrity: string }>();
  /** Syncs run one at a time: a local change and its own notice may cross. */
  private syncing: Promise<unknown> = Promise.resolve();
  /** Plugins whose last sync failed (the registry unreachable, say): failures in a row, and the timer of the next try. */
  private readonly attempts = new Map<string, number>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: PluginInstallationsOptions) {}

  private get db() {
    return this.options.database.db;
  }

  /**
   * Loads every installed plugin into the host (at boot, and after missed notices). A plugin that cannot
   * be loaded now (its registry down while this process starts) does not stop the others or the boot:
   * it is tried again in the background, as `follow` does.
   */
  async start(): Promise<void> {
    const rows = await this.db.select({ pluginId: installedPlugins.pluginId }).from(installedPlugins);
    for (const row of rows) await this.follow(row.pluginId);
  }

  /**
   * Brings one plugin in line with its row (`sync`) after a change notice; when that fails, tries again
   * after 1 s, then doubling up to `maxRetryMs`, until it succeeds, a newer notice takes over or `stop()`.
   */
  async follow(pluginId: string): Promise<void> {
    clearTimeout(this.retries.get(pluginId));
    this.retries.delete(pluginId);
    try {
      await this.sync(pluginId);
      this.attempts.delete(pluginId);
    } catch (error) {
      if (this.stopped) return;
      const attempt = (this.attempts.get(pluginId) ?? 0) + 1;
      this.attempts.set(pluginId, attempt);
      const retryInMs = Math.min(this.options.maxRetryMs ?? 60_000, 1000 * 2 ** (attempt - 1));
      this.options.logger?.error('could not load an installed plugin; trying again', { plugin: pluginId, attempt, retryInMs, error: String(error) });
      this.retries.set(pluginId, setTimeout(() => void this.follow(pluginId), retryInMs).unref());
    }
  }

  /** Plugins this process could not load yet, with the failed attempts so far. */
  get pending(): ReadonlyMap<string, number> {
    return this.attempts;
  }

  /** Stops trying again (the process is closing). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
  }

  async list(): Promise<InstalledPluginRow[]> {
    return this.db.select().from(installedPlugins).orderBy(installedPlugins.pluginId);
  }

  /** Versions the registry has of an installed plugin's package, oldest first. */
  async availableVersions(row: Pick<InstalledPluginRow, 'packageName' | 'registry'>): Promise<string[]> {
    return (await fetchPackument(row.packageName, { registry: row.registry, ...this.auth() })).versions.map((v) => v.version);
  }

  async install(request: InstallRequest): Promise<Installed> {
    const registry = this.registry(request.registry);
    const stored = await this.fetch(request, registry);
    const id = stored.id;
    const [existing] = await this.db.select().from(installedPlugins).where(eq(installedPlugins.pluginId, id));
    if (existing) throw new WeixiError('CONFLICT', `plugin '${id}' is installed already (${existing.packageName}@${existing.version}); use upgradePlugin`, [{ path: 'name', message: `plugin '${id}' is installed` }]);
    if (this.options.host.state(id)) throw new WeixiError('CONFLICT', `plugin '${id}' is a workspace plugin (plugins/ or WEIXI_PLUGINS) here; remove it there before installing it from a registry`, [{ path: 'name', message: `plugin '${id}' exists` }]);
    const [row] = await this.db
      .insert(installedPlugins)
      .values({ ...this.rowOf(stored, registry, request.by), installedAt: this.options.clock.now() })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new WeixiError('CONFLICT', `plugin '${id}' or package '${stored.packageName}' was installed meanwhile`);
    await this.auditUnsigned(stored, request.by, 'plugin.installUnsigned');
    return { row, state: await this.sync(id) };
  }

  /**
   * Upgrades to the highest version in `range` (default: latest): settings stay and pass through the new
   * version's `migrateSettings`; if the new version fails to activate, row, settings and store are rolled back
   * and the activation error is reported.
   */
  async upgrade(request: Omit<InstallRequest, 'name'> & { id: string }): Promise<Installed> {
    const current = await this.row(request.id);
    const registry = this.registry(request.registry ?? current.registry);
    const stored = await this.fetch({ ...request, name: current.packageName }, registry);
    if (stored.id !== current.pluginId) throw new PluginRefusedError('INVALID_MANIFEST', `${current.packageName}@${stored.version} declares plugin id '${stored.id}', not '${current.pluginId}'`);
    if (!semver.gt(stored.version, current.version)) {
      throw new WeixiError('CONFLICT', `plugin '${current.pluginId}' is at ${current.version}; the registry's newest in '${request.range ?? 'latest'}' is ${stored.version}`, [{ path: 'range', message: `no version above ${current.version}` }]);
    }
    const broken = this.dependents(current.pluginId).filter((d) => !semver.satisfies(stored.version, d.range, { includePrerelease: true }));
    if (broken.length > 0) {
      const names = broken.map((d) => `'${d.id}' (needs ${d.range})`).join(', ');
      throw new WeixiError('CONFLICT', `plugin '${current.pluginId}' ${stored.version} would break ${names}; upgrade them first or choose a range they accept`, [{ path: 'range', message: `breaks ${names}` }]);
    }
    const module = await this.loadPlugin(stored);
    const snapshot = await this.db.transaction(async (tx) => {
      // Only from the version read above: two upgrades at once from two processes, one wins.
      const moved = await tx
        .update(installedPlugins)
        .set({ ...this.rowOf(stored, registry, request.by), previousVersion: current.version })
        .where(and(eq(installedPlugins.pluginId, current.pluginId), eq(installedPlugins.version, current.version)))
        .returning({ version: installedPlugins.version });
      if (moved.length === 0) throw new WeixiError('CONFLICT', `plugin '${current.pluginId}' was upgraded or uninstalled meanwhile; look at installedPlugins and try again`);
      return migrateSettings(tx, stored.manifest, module, current.version);
    });
    await this.auditUnsigned(stored, request.by, 'plugin.upgradeUnsigned');
    const state = await this.sync(current.pluginId);
    if (state?.status !== 'failed') return { row: await this.row(current.pluginId), state };
    this.options.logger?.error('plugin upgrade failed to activate; rolling back', { plugin: current.pluginId, from: current.version, to: stored.version, error: state.error });
    await this.db.transaction(async (tx) => {
      await restoreSettings(tx, snapshot);
      await tx.update(installedPlugins).set(current).where(eq(installedPlugins.pluginId, current.pluginId));
    });
    await this.sync(current.pluginId);
    await this.options.store.remove(current.pluginId, stored.version);
    throw new WeixiError('CONFLICT', `plugin '${current.pluginId}' ${stored.version} failed to activate (${state.error}); rolled back to ${current.version}, settings restored`, [{ path: 'id', message: `${stored.version} failed to activate` }]);
  }

  /** Uninstalls a plugin disabled everywhere; its settings and storage stay until `purge`. */
  async uninstall(pluginId: string): Promise<InstalledPluginRow> {
    const row = await this.row(pluginId);
    const dependents = this.dependents(pluginId);
    if (dependents.length > 0) {
      const names = dependents.map((d) => `'${d.id}'`).join(', ');
      throw new WeixiError('CONFLICT', `plugin '${pluginId}' is needed by ${names}; uninstall them first`, [{ path: 'id', message: `needed by ${names}` }]);
    }
    const enabled = await this.options.host.enabledRegionCodes(pluginId);
    if (enabled.length > 0) {
      throw new WeixiError('CONFLICT', `plugin '${pluginId}' is enabled in ${enabled.join(', ')}; disable it everywhere before uninstalling`, [{ path: 'id', message: `enabled in ${enabled.join(', ')}` }]);
    }
    await this.db.delete(installedPlugins).where(eq(installedPlugins.pluginId, pluginId));
    await this.sync(pluginId);
    return row;
  }

  /** Deletes what an uninstalled plugin left: its settings, storage and health rows. */
  async purge(pluginId: string): Promise<{ settings: number; storage: number }> {
    const [row] = await this.db.select({ version: installedPlugins.version }).from(installedPlugins).where(eq(installedPlugins.pluginId, pluginId));
    if (row || this.options.host.state(pluginId)) throw new WeixiError('CONFLICT', `plugin '${pluginId}' is installed; uninstall it before purging its data`, [{ path: 'id', message: 'is installed' }]);
    return this.db.transaction(async (tx) => {
      const settings = await tx.delete(pluginConfigs).where(eq(pluginConfigs.pluginId, pluginId)).returning({ id: pluginConfigs.id });
      const storage = await tx.delete(pluginStorage).where(eq(pluginStorage.pluginId, pluginId)).returning({ id: pluginStorage.id });
      await tx.delete(pluginHealth).where(inArray(pluginHealth.pluginId, [pluginId]));
      if (settings.length + storage.length === 0) throw new NotFoundError('data of plugin', pluginId, 'id');
      return { settings: settings.length, storage: storage.length };
    });
  }

  /**
   * Brings this process's host in line with the plugin's row: loads the recorded version (from this
   * process's store, fetching it if needed, pinned to the recorded integrity), replaces another version, or
   * removes a plugin no longer installed. Called after a change here and on every change notice.
   */
  sync(pluginId: string): Promise<PluginState | undefined> {
    const next = this.syncing.then(() => this.apply(pluginId));
    this.syncing = next.catch(() => undefined);
    return next;
  }

  private async apply(pluginId: string): Promise<PluginState | undefined> {
    const { host, store } = this.options;
    const [row] = await this.db.select().from(installedPlugins).where(eq(installedPlugins.pluginId, pluginId));
    const loaded = this.loaded.get(pluginId);
    if (!row) {
      if (!loaded) return host.state(pluginId);
      await host.removePlugin(pluginId);
      this.loaded.delete(pluginId);
      await store.remove(pluginId);
      this.options.logger?.info('plugin uninstalled', { plugin: pluginId, version: loaded.version });
      return undefined;
    }
    if (loaded?.version === row.version && loaded.integrity === row.integrity) return host.state(pluginId);
    // The installing process verified the signature; the integrity pin makes this copy the same bytes.
    const stored = await store.fetch({
      name: row.packageName,
      range: row.version,
      registry: row.registry,
      ...this.auth(),
      integrity: row.integrity,
      trusted: [],
      allowUnsigned: true,
      present: this.present(pluginId),
    });
    const plugin = { manifest: stored.manifest, entry: stored.entry };
    const state = loaded ? await host.replacePlugin(plugin) : await host.addPlugin(plugin);
    this.loaded.set(pluginId, { version: row.version, integrity: row.integrity });
    this.options.logger?.info(loaded ? 'plugin version replaced' : 'plugin loaded from the store', { plugin: pluginId, version: row.version, from: loaded?.version, status: state.status });
    return state;
  }

  private async fetch(request: Omit<InstallRequest, 'by'>, registry: string): Promise<StoredPlugin> {
    const onProgress = (step: string, fields?: Record<string, unknown>) => {
      this.options.logger?.info(`plugin install: ${step}`, fields);
      request.onProgress?.(step, fields);
    };
    return this.options.store.fetch({
      name: request.name,
      range: request.range,
      registry,
      ...this.auth(),
      trusted: await trustedKeys(this.db),
      allowUnsigned: request.allowUnsigned,
      present: this.present(),
      onProgress,
    });
  }

  private auth(): { token?: string } {
    return this.options.token ? { token: this.options.token } : {};
  }

  /** The plugins here that declare a dependency on `pluginId`, with the range they need. */
  /** The new version's module through the host's loader: in the extension host when plugins run out of process. */
  private async loadPlugin(stored: StoredPlugin): Promise<WeixiPlugin<never>> {
    const module = await this.options.host.load({ manifest: stored.manifest, entry: stored.entry });
    if (!module || typeof module.activate !== 'function') throw new PluginRefusedError('INVALID_MANIFEST', `${stored.entry} has no default export made with definePlugin({ activate })`);
    return module;
  }

  private dependents(pluginId: string): Array<{ id: string; range: string }> {
    return this.options.host.list().flatMap((s) => {
      const range = s.manifest?.dependencies?.[pluginId];
      return range !== undefined && s.id !== pluginId ? [{ id: s.id, range }] : [];
    });
  }

  /** The plugins the host has (but `except`), for dependency checks. */
  private present(except?: string) {
    return this.options.host.list().flatMap((s) => (s.manifest && s.id !== except && s.status !== 'refused' ? [{ manifest: s.manifest }] : []));
  }

  private registry(given: string | undefined): string {
    const registry = given ?? this.options.defaultRegistry;
    if (!registry) throw new WeixiError('BAD_USER_INPUT', 'no registry given and WEIXI_PLUGIN_REGISTRY is not set', [{ path: 'registry', message: 'give the registry URL' }]);
    try {
      const url = new URL(registry);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new WeixiError('BAD_USER_INPUT', `registry ${JSON.stringify(registry)} is not an http(s) URL`, [{ path: 'registry', message: 'is not an http(s) URL' }]);
    }
    return registry;
  }

  private async row(pluginId: string): Promise<InstalledPluginRow> {
    const [row] = await this.db.select().from(installedPlugins).where(eq(installedPlugins.pluginId, pluginId));
    if (!row) throw new NotFoundError('installed plugin', pluginId, 'id');
    return row;
  }

  private rowOf(stored: StoredPlugin, registry: string, by: Installer) {
    return {
      pluginId: stored.id,
      packageName: stored.packageName,
      version: stored.version,
      integrity: stored.integrity,
      registry,
      publisher: stored.signature.publisher ?? null,
      keyId: stored.signature.keyId ?? null,
      signatureState: stored.signature.state,
      installedBy: by.actor,
      updatedAt: this.options.clock.now(),
    };
  }

  /** An install allowed despite its signature leaves its own audit row, saying what was wrong. */
  private async auditUnsigned(stored: StoredPlugin, by: Installer, operation: string): Promise<void> {
    if (stored.signature.state === 'verified') return;
    await recordAudit(this.db, {
      at: this.options.clock.now(),
      actor: by.actor,
      role: by.role,
      operation,
      objects: [`plugin:${stored.id}@${stored.version}`],
      pluginId: stored.id,
      outcome: 'ok',
      detail: { message: `allowUnsigned: signature ${stored.signature.state}: ${stored.signature.problem ?? ''}` },
    });
  }
}
