export { PluginHost, type InstalledPlugin, type JobRegistrar, type PluginHostOptions, type PluginState, type PluginStatus } from './host.js';
export { FieldRegistry, type FieldRegistration } from './fields.js';
export { TypeRegistry, type TypeRegistration } from './declared-types.js';
export { EventBus } from './events.js';
export { mergeSettings, settingsDefaults } from './scope.js';
export { Enablement, PluginNotEnabledError, type EnabledRegion } from './enablement.js';
export { warningJobId, warningRuleOfJob } from './warning-rules.js';
export { churnDefinitionFrom, DEFAULT_CHURN, type ChurnDefinition, type WarningBacktest, type WarningBacktestFigures, type WarningBacktestRequest } from './warning-backtest.js';
