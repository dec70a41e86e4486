/**
 * What is checked before any of a plugin's code runs, reading only its package.json: a valid manifest, the
 * package it was asked for, an engine range this platform satisfies, and the plugins it depends on present.
 */
import type { PluginManifest } from '@weixi/sdk';
import { dependencyProblems, engineProblem, readPluginFolder, type DiscoveredPlugin, type ValidPlugin } from '@weixi/core/plugins';
import { PluginRefusedError } from './errors.js';

/** A plugin the platform has (a workspace plugin or an installed one), for dependency checks. */
export interface PresentPlugin {
  manifest: PluginManifest;
}

export async function checkPluginFolder(dir: string, options: { packageName: string; sdkVersion: string; present: readonly PresentPlugin[] }): Promise<ValidPlugin> {
  const found = await readPluginFolder(dir, options.packageName);
  if (found.status === 'skipped') throw new PluginRefusedError('INVALID_MANIFEST', `package '${options.packageName}' is not a Weixi plugin: ${found.reason}`, [{ path: 'package.json', message: found.reason }]);
  if (found.status === 'invalid') {
    const issues = found.error.issues.map((i) => ({ path: i.path, message: i.message }));
    throw new PluginRefusedError('INVALID_MANIFEST', `package '${options.packageName}' has an invalid Weixi manifest: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  if (found.packageName !== options.packageName) {
    throw new PluginRefusedError('INVALID_MANIFEST', `the tarball of '${options.packageName}' holds package '${found.packageName}'`, [{ path: 'package.json.name', message: `is '${found.packageName}'` }]);
  }
  const engine = engineProblem(found, options.sdkVersion);
  if (engine) throw new PluginRefusedError('ENGINE_MISMATCH', engine.reason, [{ path: engine.path, message: engine.reason }]);
  const byId = new Map<string, DiscoveredPlugin[]>();
  for (const p of options.present) {
    if (p.manifest.id === found.id) continue;
    byId.set(p.manifest.id, [{ status: 'valid', id: p.manifest.id, version: p.manifest.version, manifest: p.manifest, entry: '', dir: '', packageJsonPath: '', from: 'platform' }]);
  }
  const problems = dependencyProblems(found, byId);
  if (problems.length > 0) throw new PluginRefusedError('MISSING_DEPENDENCY', problems.map((p) => p.reason).join('; '), problems.map((p) => ({ path: p.path, message: p.reason })));
  return found;
}
