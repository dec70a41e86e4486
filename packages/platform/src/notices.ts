import type { Database } from '@weixi/db';
import type { Logger } from './log.js';

/**
 * LISTENs on a channel of the database (PGlite or PostgreSQL) and calls `onNotice` with each payload.
 * `onReconnect` runs after the PostgreSQL connection was lost and re-established, when notices sent in
 * between may be missing (the first LISTEN does not count).
 */
export async function listenNotices(database: Database, channel: string, onNotice: (payload: string) => void, onReconnect: () => void): Promise<{ stop(): Promise<void> }> {
  const client = database.client;
  if (client.kind === 'pglite') {
    const unlisten = await client.pglite.listen(channel, onNotice);
    return { stop: () => unlisten() };
  }
  let connections = 0;
  const listening = await client.sql.listen(channel, onNotice, () => {
    if (connections++ > 0) onReconnect();
  });
  return { stop: () => listening.unlisten() };
}

/**
 * Follows a channel whose payload is a plugin id: `one(pluginId)` for each notice, `all()` after a
 * reconnect (notices may have been missed), each failure logged with `what` ("plugin change", ...).
 */
export function followPluginNotices(
  database: Database,
  channel: string,
  logger: Logger,
  what: string,
  follow: { one(pluginId: string): Promise<unknown>; all(): Promise<unknown> },
): Promise<{ stop(): Promise<void> }> {
  const onNotice = (pluginId: string) => {
    logger.debug(`${what} notice`, { plugin: pluginId });
    follow.one(pluginId).catch((error: unknown) => logger.error(`could not follow a ${what}`, { plugin: pluginId, error }));
  };
  return listenNotices(database, channel, onNotice, () => {
    logger.warn(`${what} notices reconnected; following every plugin again`);
    follow.all().catch((error: unknown) => logger.error(`could not follow every ${what} again`, { error }));
  });
}
