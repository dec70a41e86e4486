export { buildSchema, type BuildSchemaOptions } from './schema.js';
export { createContext, type PluginRuntime, type PluginRuntimeFigures, type WeixiContext } from './context.js';
export { createLoaders, Loaders } from './loaders.js';
export { toClientError } from './errors.js';
export { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from './connections.js';
export type { LiveKind, LiveStreams } from './live.js';
