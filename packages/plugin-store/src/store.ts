/**
 * The plugin store: a folder holding each installed plugin version at `<store>/<pluginId>/<version>/`.
 * A version is placed only after every check passed (integrity, signature, manifest, engine, plugin
 * dependencies, its own npm dependencies installed without lifecycle scripts); it is unpacked in a private
 * folder first and renamed into place, so processes sharing one store never see half a plugin.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readPluginFolder } from '@weixi/core/plugins';
import type { PluginManifest } from '@weixi/sdk';
import { checkPluginFolder, type PresentPlugin } from './checks.js';
import { PluginRefusedError } from './errors.js';
import { checkIntegrity } from './integrity.js';
import { downloadTarball, fetchPackument, resolveVersion, type RegistryOptions } from './registry.js';
import { checkSignature, refuseUnverified, type SignatureCheck, type TrustedPublisher } from './signature.js';
import { unpackTarball } from './unpack.js';

const run = promisify(execFile);

/** Written beside a placed version: what it was installed from, so a later process can trust the folder. */
const RECEIPT = '.weixi-store.json';

export interface StoredPlugin {
  id: string;
  packageName: string;
  version: string;
  integrity: string;
  manifest: PluginManifest;
  /** The unpacked package. */
  dir: string;
  /** The module to import to activate it. */
  entry: string;
  signature: SignatureCheck;
}

export interface FetchRequest extends RegistryOptions {
  /** npm package name. */
  name: string;
  /** semver range or dist-tag; default `latest`. */
  range?: string;
  trusted: readonly TrustedPublisher[];
  /** Install although the signature is missing, unknown or bad (the caller audits it). */
  allowUnsigned?: boolean;
  /** The other plugins the platform has, for the dependency check. */
  present: readonly PresentPlugin[];
  /** When following an install made elsewhere: the integrity recorded there, which the tarball must have. */
  integrity?: string;
  onProgress?(step: string, fields?: Record<string, unknown>): void;
}

export interface PluginStoreOptions {
  /** The store folder (`WEIXI_PLUGIN_STORE`). */
  dir: string;
  /** The SDK version `engines.weixi` is checked against. */
  sdkVersion: string;
  /** Packages the platform provides to plugins (`@weixi/sdk`): name to folder, linked at the store root. */
  provided?: Record<string, string>;
  /** The npm executable, for plugins' own dependencies; default `npm`. */
  npm?: string;
}

export class PluginStore {
  constructor(private readonly options: PluginStoreOptions) {}

  get dir(): string {
    return this.options.dir;
  }

  pathOf(pluginId: string, version: string): string {
    return join(this.options.dir, pluginId, version);
  }

  /** Resolves `name@range` on the registry, verifies it and places it in the store (once per version). */
  async fetch(request: FetchRequest): Promise<StoredPlugin> {
    const progress = request.onProgress ?? (() => {});
    const what = `${request.name}@${request.range ?? 'latest'}`;
    progress('resolving', { package: request.name, range: request.range ?? 'latest' });
    const version = resolveVersion(await fetchPackument(request.name, request), request.range);
    const integrity = version.integrity ?? '';
    if (request.integrity !== undefined && request.integrity !== integrity) {
      throw new PluginRefusedError('INTEGRITY_MISMATCH', `${request.name}@${version.version} on the registry has integrity ${integrity}, not the ${request.integrity} it was installed with`);
    }
    await this.linkProvided();
    const staging = join(this.options.dir, '.incoming', randomUUID());
    await mkdir(staging, { recursive: true });
    try {
      progress('downloading', { package: request.name, version: version.version });
      const bytes = await downloadTarball(version, request);
      checkIntegrity(bytes, version.integrity, `${request.name}@${version.version}`);
      await unpackTarball(bytes, staging);
      progress('verifying', { package: request.name, version: version.version });
      const signature = await checkSignature(staging, request.trusted);
      if (!request.allowUnsigned) refuseUnverified(signature, `${request.name}@${version.version}`);
      const plugin = await checkPluginFolder(staging, { packageName: request.name, sdkVersion: this.options.sdkVersion, present: request.present });
      const placed = this.pathOf(plugin.id, version.version);
      const existing = await this.read(placed, integrity);
      if (existing) return { ...existing, signature };
      await this.installDependencies(staging, request, progress);
      await writeFile(join(staging, RECEIPT), JSON.stringify({ packageName: request.name, version: version.version, integrity, signature }));
      await mkdir(join(this.options.dir, plugin.id), { recursive: true });
      if (await exists(placed)) {
        // Another process sharing the store placed this very build meanwhile: it stays (it may be loading it).
        const raced = await this.read(placed, integrity);
        if (raced) return { ...raced, signature };
        // A folder of this version from another package or build (an earlier install of the same id) is moved aside.
        await rename(placed, `${staging}-replaced`).catch(() => undefined);
      }
      await rename(staging, placed).catch(async (error: NodeJS.ErrnoException) => {
        // Another process sharing the store placed the same version first.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
        if (!(await this.read(placed, integrity))) throw new Error(`${placed} exists but holds another build of ${request.name}@${version.version}`);
      });
      progress('placed', { package: request.name, version: version.version, dir: placed });
      return { ...(await this.read(placed, integrity))!, signature };
    } catch (error) {
      if (error instanceof PluginRefusedError) progress('refused', { package: what, reason: error.reason });
      throw error;
    } finally {
      for (const leftover of [staging, `${staging}.tgz`, `${staging}.npmrc`, `${staging}-replaced`]) await rm(leftover, { recursive: true, force: true });
    }
  }

  /** A placed version, if the store holds it with this integrity. */
  async read(dir: string, integrity?: string): Promise<Omit<StoredPlugin, 'signature'> | undefined> {
    let receipt: { packageName: string; version: string; integrity: string };
    try {
      receipt = JSON.parse(await readFile(join(dir, RECEIPT), 'utf8')) as typeof receipt;
    } catch {
      return undefined;
    }
    if (integrity !== undefined && receipt.integrity !== integrity) return undefined;
    const plugin = await readPluginFolder(dir, receipt.packageName);
    if (plugin.status !== 'valid') return undefined;
    return { id: plugin.id, packageName: receipt.packageName, version: receipt.version, integrity: receipt.integrity, manifest: plugin.manifest, dir, entry: plugin.entry };
  }

  /** Deletes a placed version (a rolled-back upgrade), or every version of the plugin (an uninstall). */
  async remove(pluginId: string, version?: string): Promise<void> {
    await rm(version === undefined ? join(this.options.dir, pluginId) : this.pathOf(pluginId, version), { recursive: true, force: true });
  }

  /** The plugin's own npm dependencies, production only, with no lifecycle scripts run. */
  private async installDependencies(dir: string, request: FetchRequest, progress: NonNullable<FetchRequest['onProgress']>): Promise<void> {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version?: string; dependencies?: Record<string, string> };
    if (Object.keys(pkg.dependencies ?? {}).length === 0) return;
    progress('installing dependencies', { package: request.name, version: pkg.version, dependencies: Object.keys(pkg.dependencies ?? {}) });
    const args = ['install', '--omit=dev', '--omit=peer', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', `--registry=${request.registry}`];
    // npm reads only this file, not the operator's ~/.npmrc: the registry's token, when there is one.
    const npmrc = `${dir}.npmrc`;
    await writeFile(npmrc, request.token ? `${registryAuthKey(request.registry)}=${request.token}\n` : '', { mode: 0o600 });
    const env = { ...process.env, npm_config_userconfig: npmrc };
    try {
      await run(this.options.npm ?? 'npm', args, { cwd: dir, env, timeout: 300_000 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ') ?? String(error);
      throw new PluginRefusedError('DEPENDENCY_INSTALL_FAILED', `the npm dependencies of ${request.name} could not be installed: ${stderr}`);
    }
  }

  /** Links the packages the platform provides (`@weixi/sdk`) into `<store>/node_modules`, where plugins resolve them. */
  private async linkProvided(): Promise<void> {
    for (const [name, target] of Object.entries(this.options.provided ?? {})) {
      const link = join(this.options.dir, 'node_modules', name);
      if (await exists(link)) continue;
      await mkdir(join(link, '..'), { recursive: true });
      await symlink(target, link, 'dir').catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
  }
}

const exists = (path: string) => stat(path).then(() => true, () => false);

/** npm's per-registry auth key: `//host/path/:_authToken`. */
function registryAuthKey(registry: string): string {
  const url = new URL(registry);
  return `//${url.host}${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}:_authToken`;
}
