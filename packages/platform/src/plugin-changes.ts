/**
 * Plugin state across server processes. Every change to `plugin_configs` (enable, disable, settings, a
 * tripped circuit breaker) is announced by a trigger on the channel `weixi_plugins` with the plugin's id
 * (migration 0007); each process LISTENs and re-reads that plugin's state, so enablement and the jobs it
 * registers follow within moments wherever the change was made. PGlite takes the same path (one process,
 * but a change made with SQL or the CLI still reaches the server). A lost connection may have missed
 * notices, so on reconnecting every plugin is re-read.
 */
import type { PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import type { Logger } from './log.js';
import { followPluginNotices } from './notices.js';

export const PLUGIN_CHANGES_CHANNEL = 'weixi_plugins';

export function followPluginChanges(database: Database, host: PluginHost, logger: Logger): Promise<{ stop(): Promise<void> }> {
  return followPluginNotices(database, PLUGIN_CHANGES_CHANNEL, logger, 'plugin change', { one: (id) => host.reload(id), all: () => host.reloadAll() });
}
