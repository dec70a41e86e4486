/**
 * The activation plan: which valid plugins can run and in what order. A plugin is refused when its engine
 * range excludes this SDK (unless overridden), when a dependency is missing, invalid or out of range, when it
 * sits on a dependency cycle, or when anything it depends on is refused. The rest are ordered so every
 * dependency comes first, alphabetically among plugins that could go in either order, so the plan is stable.
 */
import semver from 'semver';
import type { PluginLogger } from '@weixi/sdk';
import { dependencyProblems, engineProblem, type CompatibilityProblem } from './compatibility.js';
import type { DiscoveredPlugin, ValidPlugin } from './discovery.js';

export interface ActivationPlanOptions {
  /** The platform's SDK version (`SDK_VERSION` from `@weixi/sdk`). */
  sdkVersion: string;
  /** Plugin ids allowed to run although their `engines.weixi` range excludes `sdkVersion`; each use is logged. */
  overrides?: string[];
  /** Where overrides are reported; defaults to console.warn. */
  logger?: Pick<PluginLogger, 'warn'>;
}

export interface PluginRefusal {
  plugin: ValidPlugin;
  /** Every reason, joined with '; '. */
  reason: string;
  /** The manifest key of the first reason, e.g. `weixi.engines.weixi`. */
  path: string;
}

export interface ActivationPlan {
  /** Plugins to activate, each after the plugins it depends on. */
  order: ValidPlugin[];
  /** Valid plugins that cannot run here, by id. */
  refused: PluginRefusal[];
  /** Plugins running despite an engine mismatch, because `overrides` names them. */
  overridden: Array<{ plugin: ValidPlugin; reason: string }>;
}

const consoleLogger: Pick<PluginLogger, 'warn'> = { warn: (message) => console.warn(message) };

export function planActivation(plugins: readonly DiscoveredPlugin[], options: ActivationPlanOptions): ActivationPlan {
  if (semver.valid(options.sdkVersion) === null) throw new TypeError(`sdkVersion '${options.sdkVersion}' is not a semver version`);
  const logger = options.logger ?? consoleLogger;
  const overrides = new Set(options.overrides ?? []);
  const valid = plugins.filter((p): p is ValidPlugin => p.status === 'valid').sort((a, b) => compareIds(a.id, b.id));
  const installed = groupById(plugins);
  const problems = new Map<ValidPlugin, CompatibilityProblem[]>();
  const refuse = (plugin: ValidPlugin, problem: CompatibilityProblem) => problems.set(plugin, [...(problems.get(plugin) ?? []), problem]);
  const overridden: ActivationPlan['overridden'] = [];

  for (const plugin of valid) {
    const copies = (installed.get(plugin.id) ?? []).filter((p) => p.status === 'valid');
    if (copies.length > 1) {
      refuse(plugin, { path: 'weixi.id', reason: `plugin id '${plugin.id}' is declared by both ${copies.map((c) => c.packageJsonPath).join(' and ')}; rename one or remove the copy` });
    }
    const engine = engineProblem(plugin, options.sdkVersion);
    if (engine && overrides.has(plugin.id)) {
      logger.warn(`${engine.reason}; activating it anyway because it is overridden`, { pluginId: plugin.id });
      overridden.push({ plugin, reason: engine.reason });
    } else if (engine) {
      refuse(plugin, engine);
    }
    for (const problem of dependencyProblems(plugin, installed)) refuse(plugin, problem);
  }
  for (const id of overrides) {
    if (!valid.some((p) => p.id === id)) logger.warn(`override for plugin '${id}' has no effect: no valid plugin has that id`);
  }

  // Copies of one id are all refused above, so whichever copy an edge reaches is refused too.
  const byId = new Map(valid.map((p) => [p.id, p]));
  const dependencies = (plugin: ValidPlugin) =>
    Object.keys(plugin.manifest.dependencies ?? {}).sort(compareIds).flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));

  for (const cycle of dependencyCycles([...byId.values()], dependencies)) {
    const named = [...cycle, cycle[0]!].map((p) => p.id).join(' → ');
    for (const plugin of cycle) refuse(plugin, { path: 'weixi.dependencies', reason: `dependency cycle ${named}; remove one of these dependencies` });
  }
  refuseDependents(valid, dependencies, problems, refuse);

  const accepted = valid.filter((p) => !problems.has(p));
  return {
    order: topologicalOrder(accepted, dependencies),
    refused: valid.filter((p) => problems.has(p)).map((plugin) => {
      const list = problems.get(plugin)!;
      return { plugin, reason: list.map((p) => p.reason).join('; '), path: list[0]!.path };
    }),
    overridden,
  };
}

/** Refuses, until nothing changes, every plugin that depends on a refused one, saying which and why. */
function refuseDependents(
  plugins: readonly ValidPlugin[],
  dependencies: (p: ValidPlugin) => ValidPlugin[],
  problems: ReadonlyMap<ValidPlugin, CompatibilityProblem[]>,
  refuse: (plugin: ValidPlugin, problem: CompatibilityProblem) => void,
): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const plugin of plugins) {
      if (problems.has(plugin)) continue;
      const refusedDependency = dependencies(plugin).find((d) => problems.has(d));
      if (!refusedDependency) continue;
      const why = problems.get(refusedDependency)!.map((p) => p.reason).join('; ');
      refuse(plugin, { path: `weixi.dependencies.${refusedDependency.id}`, reason: `plugin '${plugin.id}' needs plugin '${refusedDependency.id}', which is refused (${why})` });
      changed = true;
    }
  }
}

/**
 * The cycles among the plugins (Tarjan's strongly connected components), each as the shortest loop through
 * its alphabetically first member, so `a → b → c → a` reads the same every time.
 */
export function dependencyCycles(plugins: readonly ValidPlugin[], dependencies: (p: ValidPlugin) => ValidPlugin[]): ValidPlugin[][] {
  const index = new Map<ValidPlugin, number>();
  const low = new Map<ValidPlugin, number>();
  const stack: ValidPlugin[] = [];
  const components: ValidPlugin[][] = [];
  const visit = (plugin: ValidPlugin) => {
    index.set(plugin, index.size);
    low.set(plugin, index.get(plugin)!);
    stack.push(plugin);
    for (const next of dependencies(plugin)) {
      if (!index.has(next)) {
        visit(next);
        low.set(plugin, Math.min(low.get(plugin)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(plugin, Math.min(low.get(plugin)!, index.get(next)!));
      }
    }
    if (low.get(plugin) !== index.get(plugin)) return;
    const component: ValidPlugin[] = [];
    for (let member = stack.pop(); member !== undefined; member = member === plugin ? undefined : stack.pop()) component.push(member);
    if (component.length > 1 || dependencies(plugin).includes(plugin)) components.push(component);
  };
  for (const plugin of plugins) if (!index.has(plugin)) visit(plugin);
  return components.map((component) => shortestLoop(component, dependencies)).sort((a, b) => compareIds(a[0]!.id, b[0]!.id));
}

function shortestLoop(component: ValidPlugin[], dependencies: (p: ValidPlugin) => ValidPlugin[]): ValidPlugin[] {
  const members = new Set(component);
  const start = [...component].sort((a, b) => compareIds(a.id, b.id))[0]!;
  const previous = new Map<ValidPlugin, ValidPlugin>();
  const queue = [start];
  search: while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of dependencies(current)) {
      if (!members.has(next) || previous.has(next)) continue;
      previous.set(next, current);
      if (next === start) break search;
      queue.push(next);
    }
  }
  const loop: ValidPlugin[] = [];
  for (let at = previous.get(start)!; at !== start; at = previous.get(at)!) loop.unshift(at);
  return [start, ...loop];
}

/** Kahn's algorithm, taking the alphabetically first ready plugin each time. */
function topologicalOrder(plugins: readonly ValidPlugin[], dependencies: (p: ValidPlugin) => ValidPlugin[]): ValidPlugin[] {
  const remaining = new Set(plugins);
  const order: ValidPlugin[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter((p) => dependencies(p).every((d) => !remaining.has(d)));
    // Cycles were refused before, so something is always ready.
    const next = ready.sort((a, b) => compareIds(a.id, b.id))[0]!;
    order.push(next);
    remaining.delete(next);
  }
  return order;
}

function groupById(plugins: readonly DiscoveredPlugin[]): Map<string, DiscoveredPlugin[]> {
  const byId = new Map<string, DiscoveredPlugin[]>();
  for (const plugin of plugins) {
    if (plugin.status === 'skipped' || plugin.id === undefined) continue;
    byId.set(plugin.id, [...(byId.get(plugin.id) ?? []), plugin]);
  }
  return byId;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
