export { startPlatform, type Platform, type PlatformOptions } from './platform.js';
export { startServer, type WeixiServer, type WeixiServerOptions } from './server.js';
export { createLogger, isClientError, type Logger } from './log.js';
export { loadPlugins, type LoadPluginsOptions } from './plugins.js';
export { accessGraphQLError, type AuthOptions } from './auth.js';
