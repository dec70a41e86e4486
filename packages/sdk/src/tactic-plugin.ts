/**
 * The whole of most tactic plugins: each tactic id of `contributes.tactics` with its implementation. A
 * plugin that also adds fields or jobs writes its own `activate` instead.
 */
import { definePlugin, type PluginContext, type WeixiPlugin } from './index.js';
import type { TacticImplementation } from './tactics.js';

type Tactics<S> = Record<string, TacticImplementation<S>>;
const NONE = 'defineTactics needs at least one tactic: { "tactic-id": { build } }';

/**
 * Defines a plugin that implements tactics and nothing else. Pass a function of the context when an
 * implementation reads through `ctx.services` (a `refine` that reads usage).
 *
 * @example
 * ```ts
 * export default defineTactics<PrepaidBoostSettings>({
 *   'prepaid-boost': { build: ({ settings }) => prepaidBoost(settings) },
 * });
 * export default defineTactics<PlanMigrationSettings>((ctx) => ({ 'plan-migration': planMigration(ctx.services) }));
 * ```
 */
export function defineTactics<S>(tactics: Tactics<S> | ((ctx: PluginContext<S>) => Tactics<S>)): WeixiPlugin<S> {
  if (typeof tactics !== 'function' && Object.keys(tactics).length === 0) throw new TypeError(NONE);
  return definePlugin<S>({
    activate(ctx) {
      const implementations = typeof tactics === 'function' ? tactics(ctx) : tactics;
      if (Object.keys(implementations).length === 0) throw new TypeError(NONE);
      for (const [tacticId, implementation] of Object.entries(implementations)) ctx.subscriptions.push(ctx.tactics.define(tacticId, implementation));
    },
  });
}
