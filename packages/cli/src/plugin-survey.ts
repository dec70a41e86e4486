/**
 * The plugins a command works on: the workspace's `plugins/*` and WEIXI_PLUGINS (comma-separated package
 * names or paths), found and planned from their manifests alone.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLATFORM_SDK_VERSION, discoverPlugins, planActivation, type ActivationPlan, type DiscoveredPlugin } from '@weixi/core/plugins';

export interface Survey {
  root: string;
  found: DiscoveredPlugin[];
  plan: ActivationPlan;
}

export async function survey(extra: string[] = []): Promise<Survey> {
  const root = workspaceRoot();
  const requested = (process.env.WEIXI_PLUGINS ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  // Paths in WEIXI_PLUGINS are the user's, relative to where they are; package names resolve from the workspace.
  const packages = [...requested, ...extra].map((s) => (isAbsolute(s) || /^\.\.?([/\\]|$)/.test(s) ? resolve(s) : s));
  const found = await discoverPlugins({ workspaceDir: root, packages, baseDir: root });
  const plan = planActivation(found, { sdkVersion: PLATFORM_SDK_VERSION, logger: { warn: () => {} } });
  return { root, found, plan };
}

/** The nearest folder up from the working directory with pnpm-workspace.yaml, else this checkout's root. */
export function workspaceRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) break;
  }
  return fileURLToPath(new URL('../../../', import.meta.url));
}

