/**
 * The churn-warning engine (流失预警): compiles a plugin's WarningRuleDefinition (data, from the SDK) to
 * one set-based statement and runs it over a region subtree as of a month. See README.md.
 */
export { writeScoredWarnings, type ScoredWarning, type ScoredWarningsInput } from './report.js';
export {
  raisedWarnings,
  runWarningRule,
  runWarningRules,
  WarningRuleError,
  type RaisedWarning,
  type WarningBatchInput,
  type WarningBatchResult,
  type WarningRulePart,
  type WarningRunInput,
  type WarningRunResult,
} from './run.js';
export { RuleCompiler, levelOf, type AsOf } from './compile.js';
export { firstDay, isMonth, monthIndex } from './months.js';
export {
  backtestWarnings,
  horizonOf,
  withoutRevenue,
  MAX_HORIZON_MONTHS,
  type BacktestFigures,
  type BacktestInput,
  type BacktestPart,
  type BacktestResult,
  type BacktestRule,
  type ChurnDefinition,
} from './backtest.js';
