/**
 * The whole of most warning-rule plugins: each rule id of `contributes.warningRules` with the function
 * that builds its definition. A plugin that also adds fields or jobs writes its own `activate` instead.
 */
import { definePlugin, type WeixiPlugin } from './index.js';
import type { WarningRuleDefinition, WarningRuleInput } from './warnings.js';

/**
 * Defines a plugin that implements warning rules and nothing else.
 *
 * @example
 * ```ts
 * export default defineWarningRules<DeviceAgeSettings>({
 *   'device-age': ({ settings }) => deviceAgeRule(settings),
 * });
 * ```
 */
export function defineWarningRules<S>(rules: Record<string, (input: WarningRuleInput<S>) => WarningRuleDefinition>): WeixiPlugin<S> {
  if (Object.keys(rules).length === 0) throw new TypeError('defineWarningRules needs at least one rule: { "rule-id": (input) => definition }');
  return definePlugin<S>({
    activate(ctx) {
      for (const [ruleId, build] of Object.entries(rules)) ctx.subscriptions.push(ctx.warnings.defineRule(ruleId, build));
    },
  });
}
