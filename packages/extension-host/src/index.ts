export { ExtensionHost, DEFAULT_LIMITS, HOST_ENV, type ExtensionHostLimits, type ExtensionHostOptions, type PluginFigures } from './supervisor.js';
export { Endpoint, RpcClosedError, type EndpointOptions, type Port } from './rpc.js';
export type { Batch, Frame, HostUsage, PluginUsage } from './protocol.js';
export { DEFAULT_GROUP, ExtensionHosts, groupOf, parsePluginGroups, type PluginGroups } from './groups.js';
