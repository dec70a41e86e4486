/**
 * Finds plugins on disk and reads their manifests without importing any plugin code: the folders under
 * `<workspace>/plugins/`, plus packages named by the operator (npm names, resolved through node_modules,
 * or paths to plugin folders). A bad plugin becomes an `invalid` entry; it never hides the others.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { PluginManifest } from '@weixi/sdk';
import type { InputIssue } from '../errors.js';
import { ManifestError, validateManifest } from './manifest.js';

export interface DiscoverPluginsOptions {
  /** Scans `<workspaceDir>/plugins/*`. */
  workspaceDir?: string;
  /** npm package names (resolved through node_modules from `baseDir` upwards) or paths to plugin folders. */
  packages?: string[];
  /** Where relative paths and package names are resolved from. */
  baseDir: string;
  /** Export conditions tried before `import`, `node` and `default`; default: Node's `--conditions`. */
  conditions?: string[];
}

interface Located {
  /** The plugin folder (absolute). */
  dir: string;
  /** Its package.json (absolute). */
  packageJsonPath: string;
  /** The npm package name, when package.json has one. */
  packageName?: string;
  /** How it was found: `workspace`, or the package name or path it was asked for by. */
  from: string;
}

/** A plugin whose manifest is valid; `entry` is the module to import when it is activated. */
export interface ValidPlugin extends Located {
  status: 'valid';
  id: string;
  version: string;
  manifest: PluginManifest;
  /** Absolute path of the entry module: package `exports["."]`, else `main`, else `src/index.ts`. */
  entry: string;
}

/** A plugin that cannot be used as it is; `error.issues` says what to change. */
export interface InvalidPlugin extends Located {
  status: 'invalid';
  /** The id, when the manifest has a readable one. */
  id?: string;
  version?: string;
  /** The manifest, when it is valid and something else is wrong (a duplicate id, a missing entry module). */
  manifest?: PluginManifest;
  error: ManifestError;
}

/** A folder that is not a Weixi plugin (no package.json, or no `"weixi"` key in it). */
export interface SkippedPlugin extends Located {
  status: 'skipped';
  reason: string;
}

export type DiscoveredPlugin = ValidPlugin | InvalidPlugin | SkippedPlugin;

/** Discovers plugins: the workspace's folders first (by name), then `packages` in the order given. */
export async function discoverPlugins(options: DiscoverPluginsOptions): Promise<DiscoveredPlugin[]> {
  const locations: Array<Located | InvalidPlugin> = [
    ...(options.workspaceDir === undefined ? [] : await workspaceFolders(resolve(options.baseDir, options.workspaceDir))),
    ...(await Promise.all((options.packages ?? []).map((spec) => locatePackage(spec, options.baseDir)))),
  ];
  const conditions = options.conditions ?? nodeConditions();
  const found = await Promise.all(locations.map((l) => (isInvalid(l) ? l : readPlugin(l, conditions))));
  return markDuplicateIds(await dropRepeatedFolders(found));
}

/** Reads one plugin folder; the `CLI validate [path]` entry point. */
export async function readPluginFolder(dir: string, from = dir): Promise<DiscoveredPlugin> {
  const absolute = resolve(dir);
  return readPlugin({ dir: absolute, packageJsonPath: join(absolute, 'package.json'), from }, nodeConditions());
}

async function workspaceFolders(workspaceDir: string): Promise<Located[]> {
  const pluginsDir = join(workspaceDir, 'plugins');
  const entries = await readdir(pluginsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .map((name) => ({ dir: join(pluginsDir, name), packageJsonPath: join(pluginsDir, name, 'package.json'), from: 'workspace' }));
}

/** A path when it looks like one (`./x`, `../x`, `/x`), else an npm package name. */
function isPath(spec: string): boolean {
  return isAbsolute(spec) || /^\.\.?([/\\]|$)/.test(spec);
}

async function locatePackage(spec: string, baseDir: string): Promise<Located | InvalidPlugin> {
  if (isPath(spec)) {
    const dir = resolve(baseDir, spec);
    return { dir, packageJsonPath: join(dir, 'package.json'), from: spec };
  }
  // Node's lookup for a bare name, without `exports` (which may hide package.json) and without importing it.
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', spec);
    if (await isDirectory(candidate)) return { dir: candidate, packageJsonPath: join(candidate, 'package.json'), packageName: spec, from: spec };
    if (dirname(dir) === dir) break;
  }
  const dir = join(resolve(baseDir), 'node_modules', spec);
  return invalid({ dir, packageJsonPath: join(dir, 'package.json'), packageName: spec, from: spec }, [
    { path: 'package', message: `no package '${spec}' in node_modules from ${baseDir} upwards; install it, or give the path to the plugin folder (starting with ./ or /)` },
  ]);
}

async function readPlugin(location: Located, conditions: string[]): Promise<DiscoveredPlugin> {
  let text: string;
  try {
    text = await readFile(location.packageJsonPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (location.from === 'workspace' && code === 'ENOENT') return { ...location, status: 'skipped', reason: 'no package.json' };
    const what = code === 'ENOENT' ? `does not exist; point at a plugin folder with a package.json` : `cannot be read: ${(error as Error).message}`;
    return invalid(location, [{ path: 'package.json', message: what }]);
  }
  let pkg: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('it is not a JSON object');
    pkg = parsed as Record<string, unknown>;
  } catch (error) {
    return invalid(location, [{ path: 'package.json', message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  const located = { ...location, ...(typeof pkg.name === 'string' ? { packageName: pkg.name } : {}) };
  if (!('weixi' in pkg)) return { ...located, status: 'skipped', reason: 'package.json has no "weixi" key, so it is not a Weixi plugin' };

  const raw = pkg.weixi;
  const withVersion = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !('version' in raw) && typeof pkg.version === 'string' ? { ...raw, version: pkg.version } : raw;
  let manifest: PluginManifest;
  try {
    manifest = validateManifest(withVersion, location.packageJsonPath);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    const id = error.pluginId;
    const version = (withVersion as { version?: unknown } | null)?.version;
    return { ...located, status: 'invalid', error, ...(id === undefined ? {} : { id }), ...(typeof version === 'string' ? { version } : {}) };
  }
  const entry = entryModule(pkg, conditions);
  const entryPath = resolve(location.dir, entry.file);
  if (!(await isFile(entryPath))) {
    return invalid({ ...located }, [{ path: entry.key, message: `the entry module ${entry.file} does not exist in ${location.dir}; build the plugin or point ${entry.key} at its source` }], manifest);
  }
  return { ...located, status: 'valid', id: manifest.id, version: manifest.version, manifest, entry: entryPath };
}

/**
 * The export conditions Node was started with (`--conditions=weixi-built`, also through NODE_OPTIONS), so a
 * plugin's entry is the file Node itself would load: the built server takes `dist/`, tsx the sources.
 */
export function nodeConditions(argv: readonly string[] = [...(process.env.NODE_OPTIONS?.split(/\s+/) ?? []), ...process.execArgv]): string[] {
  return argv.flatMap((arg, i) => {
    const joined = /^(?:--conditions|-C)=(.+)$/.exec(arg)?.[1];
    if (joined !== undefined) return [joined];
    return arg === '--conditions' || arg === '-C' ? (argv[i + 1] === undefined ? [] : [argv[i + 1]!]) : [];
  });
}

/** The module to import: `exports["."]` (a string, or the first of `conditions`, import, node, default), else `main`, else src/index.ts. */
function entryModule(pkg: Record<string, unknown>, conditions: string[]): { file: string; key: string } {
  const exportsField = pkg.exports;
  const dot = typeof exportsField === 'string' ? exportsField : isRecord(exportsField) ? ('.' in exportsField ? exportsField['.'] : Object.keys(exportsField).some((k) => k.startsWith('.')) ? undefined : exportsField) : undefined;
  const fromExports = conditionTarget(dot, [...conditions, 'import', 'node', 'default']);
  if (fromExports !== undefined) return { file: fromExports, key: 'exports["."]' };
  if (typeof pkg.main === 'string') return { file: pkg.main, key: 'main' };
  return { file: 'src/index.ts', key: 'src/index.ts' };
}

/** Node's rule: the first key of the object, in its own order, that is an active condition. */
function conditionTarget(target: unknown, conditions: string[]): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return target.map((t) => conditionTarget(t, conditions)).find((t) => t !== undefined);
  if (!isRecord(target)) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (!conditions.includes(condition)) continue;
    const found = conditionTarget(value, conditions);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The same folder reached twice (the workspace and WEIXI_PLUGINS, or a symlink) is one plugin. */
async function dropRepeatedFolders(found: DiscoveredPlugin[]): Promise<DiscoveredPlugin[]> {
  const real = await Promise.all(found.map((p) => realpath(p.dir).catch(() => p.dir)));
  return found.filter((_, i) => real.indexOf(real[i]!) === i);
}

/** Two folders declaring one id: neither is used, and each says where the other is. */
function markDuplicateIds(found: DiscoveredPlugin[]): DiscoveredPlugin[] {
  const byId = new Map<string, DiscoveredPlugin[]>();
  for (const plugin of found) {
    if (plugin.status !== 'valid') continue;
    byId.set(plugin.id, [...(byId.get(plugin.id) ?? []), plugin]);
  }
  return found.map((plugin) => {
    if (plugin.status !== 'valid') return plugin;
    const others = (byId.get(plugin.id) ?? []).filter((p) => p !== plugin);
    if (others.length === 0) return plugin;
    const elsewhere = others.map((o) => o.packageJsonPath).join(' and ');
    return invalid(plugin, [{ path: 'weixi.id', message: `plugin id '${plugin.id}' is declared by both ${plugin.packageJsonPath} and ${elsewhere}; plugin ids must be unique: rename one or remove the copy` }], plugin.manifest);
  });
}

function invalid(location: Located, issues: InputIssue[], manifest?: PluginManifest): InvalidPlugin {
  const { dir, packageJsonPath, packageName, from } = location;
  const id = manifest?.id;
  return {
    dir,
    packageJsonPath,
    ...(packageName === undefined ? {} : { packageName }),
    from,
    status: 'invalid',
    error: new ManifestError(packageJsonPath, issues, id),
    ...(manifest ? { id: manifest.id, version: manifest.version, manifest } : {}),
  };
}

const isInvalid = (l: Located | InvalidPlugin): l is InvalidPlugin => 'status' in l;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDirectory = (path: string) => stat(path).then((s) => s.isDirectory(), () => false);
const isFile = (path: string) => stat(path).then((s) => s.isFile(), () => false);
