/**
 * The live notices a server's subscriptions stream from: by default it follows the database's
 * `weixi_live` channel itself (`@weixi/live`), so every API process on one database hears of every task,
 * job run and warning change, wherever it was made; a caller may hand in its own bus, or `false` for none.
 */
import { listenLive, type LiveEvents } from '@weixi/live';
import type { Database } from '@weixi/db';
import type { Logger } from './log.js';

export interface LiveUpdates {
  events?: LiveEvents;
  close(): Promise<void>;
}

export async function startLiveUpdates(database: Database, logger: Logger, given: LiveEvents | false | undefined): Promise<LiveUpdates> {
  if (given !== undefined) return { events: given || undefined, close: async () => {} };
  const listener = await listenLive(database, {
    onReconnect: () => logger.warn('live notices reconnected; changes made meanwhile were not delivered to subscribers'),
  });
  return { events: listener.bus, close: () => listener.stop() };
}
