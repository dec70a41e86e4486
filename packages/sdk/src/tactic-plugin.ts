/**
 * The whole of most tactic plugins: each tactic id of `contributes.tactics` with its implementation. A
 * plugin that also adds fields or jobs writes its own `activate` instead.
 */
import { definePlugin, type WeixiPlugin } from './index.js';
import type { TacticImplementation } from './tactics.js';

/**
 * Defines a plugin that implements tactics and nothing else.
 *
 * @example
 * ```ts
 * export default defineTactics<PrepaidBoostSettings>({
 *   'prepaid-boost': { build: ({ settings }) => prepaidBoost(settings) },
 * });
 * ```
 */
export function defineTactics<S>(tactics: Record<string, TacticImplementation<S>>): WeixiPlugin<S> {
  if (Object.keys(tactics).length === 0) throw new TypeError('defineTactics needs at least one tactic: { "tactic-id": { build } }');
  return definePlugin<S>({
    activate(ctx) {
      for (const [tacticId, implementation] of Object.entries(tactics)) ctx.subscriptions.push(ctx.tactics.define(tacticId, implementation));
    },
  });
}
