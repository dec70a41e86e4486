export { startPlatform, type Platform, type PlatformOptions } from './platform.js';
export { startServer, type WeixiServer, type WeixiServerOptions } from './server.js';
export { createLogger, isClientError, type Logger } from './log.js';
export { loadPlugins, type LoadPluginsOptions } from './plugins.js';
export { accessGraphQLError, type AuthOptions } from './auth.js';
export type { HardeningOptions } from './hardening.js';
export { DEFAULT_QUERY_LIMITS, type QueryLimits } from './limits/options.js';
export { RateLimiter, type RateLimitOptions } from './limits/rate-limit.js';
export type { PersistedOperationsOptions, PersistedOperationStore } from './persisted-operations.js';
