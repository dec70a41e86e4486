/**
 * Whether a plugin can run here: its `engines.weixi` range against the platform's SDK version, and each
 * plugin it depends on present, valid and within the range it asks for. Ranges follow npm's semver.
 */
import semver from 'semver';
import { SDK_VERSION } from '@weixi/sdk';
import type { DiscoveredPlugin, ValidPlugin } from './discovery.js';

/** A reason a plugin cannot be activated, with the manifest key it concerns. */
export interface CompatibilityProblem {
  /** e.g. `weixi.engines.weixi`, `weixi.dependencies.warning-silent`. */
  path: string;
  reason: string;
}

/** The SDK version this platform provides, which `engines.weixi` ranges are checked against. */
export const PLATFORM_SDK_VERSION: string = SDK_VERSION;

const RANGE_OPTIONS = { includePrerelease: true };

/** Why the plugin does not work with this SDK, or undefined when it does. */
export function engineProblem(plugin: ValidPlugin, sdkVersion: string): CompatibilityProblem | undefined {
  const range = plugin.manifest.engines.weixi;
  if (semver.satisfies(sdkVersion, range, RANGE_OPTIONS)) return undefined;
  return { path: 'weixi.engines.weixi', reason: `plugin '${plugin.id}' ${plugin.version} needs Weixi SDK ${range}; this platform provides ${sdkVersion}` };
}

/**
 * What is wrong with the plugins this one depends on, as found: missing, invalid, or out of range.
 * `installed` maps each id to the plugins that declare it (valid ones first).
 */
export function dependencyProblems(plugin: ValidPlugin, installed: ReadonlyMap<string, readonly DiscoveredPlugin[]>): CompatibilityProblem[] {
  const problems: CompatibilityProblem[] = [];
  for (const [id, range] of Object.entries(plugin.manifest.dependencies ?? {})) {
    const path = `weixi.dependencies.${id}`;
    const needs = `plugin '${plugin.id}' needs plugin '${id}' ${range}`;
    const candidates = installed.get(id) ?? [];
    const dependency = candidates.find((c): c is ValidPlugin => c.status === 'valid');
    if (!dependency) {
      const broken = candidates.find((c) => c.status === 'invalid');
      problems.push({ path, reason: broken ? `${needs}, whose manifest in ${broken.packageJsonPath} is invalid` : `${needs}, which is not installed` });
    } else if (!semver.satisfies(dependency.version, range, RANGE_OPTIONS)) {
      problems.push({ path, reason: `${needs}; installed is ${dependency.version}` });
    }
  }
  return problems;
}
