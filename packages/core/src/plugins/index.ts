/** Plugins as data: manifest schemas and validation, discovery on disk, compatibility and activation order. */
export {
  ACTIVATION_EVENT,
  CHANNEL_SCHEMA,
  CONTRIBUTION_NOUNS,
  CONTRIBUTION_SCHEMAS,
  GRAPHQL_FIELD_SCHEMA,
  GRAPHQL_NAME,
  GRAPHQL_TYPE_SCHEMA,
  JOB_SCHEMA,
  KEBAB_CASE,
  MANIFEST_JSON_SCHEMA,
  MANIFEST_SCHEMA,
  SETTINGS_SCHEMA,
  TACTIC_SCHEMA,
  WARNING_RULE_SCHEMA,
  type ContributionKind,
} from './manifest-schema.js';
export { ManifestError, manifestIssues, validateManifest } from './manifest.js';
export { DOMAIN_EVENT_TYPES } from './manifest-rules.js';
export { cronProblem } from './cron.js';
export { SCALAR_TYPES, parseTypeReference, pluginNamespace, pluginTypeName, type TypeReference } from './graphql-types.js';
export {
  discoverPlugins,
  readPluginFolder,
  type DiscoverPluginsOptions,
  type DiscoveredPlugin,
  type InvalidPlugin,
  type SkippedPlugin,
  type ValidPlugin,
} from './discovery.js';
export { PLATFORM_SDK_VERSION, dependencyProblems, engineProblem, type CompatibilityProblem } from './compatibility.js';
export { planActivation, type ActivationPlan, type ActivationPlanOptions, type PluginRefusal } from './order.js';
