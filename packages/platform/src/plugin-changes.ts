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

export const PLUGIN_CHANGES_CHANNEL = 'weixi_plugins';

export async function followPluginChanges(database: Database, host: PluginHost, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const onNotice = (pluginId: string) => {
    logger.debug('plugin change notice', { plugin: pluginId });
    host.reload(pluginId).catch((error: unknown) => logger.error('could not follow a plugin change', { plugin: pluginId, error }));
  };
  const client = database.client;
  if (client.kind === 'pglite') {
    const unlisten = await client.pglite.listen(PLUGIN_CHANGES_CHANNEL, onNotice);
    return { stop: () => unlisten() };
  }
  let connections = 0;
  const listening = await client.sql.listen(PLUGIN_CHANGES_CHANNEL, onNotice, () => {
    // The first call is the initial LISTEN; later ones follow a reconnect, after which notices may be missing.
    if (connections++ === 0) return;
    logger.warn('plugin change notices reconnected; re-reading every plugin');
    host.reloadAll().catch((error: unknown) => logger.error('could not re-read plugins', { error }));
  });
  return { stop: () => listening.unlisten() };
}
