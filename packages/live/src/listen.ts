/**
 * Follows the `weixi_live` channel of the database and publishes its notices on a `LiveBus`: on
 * PostgreSQL through a LISTEN connection of the pool (the notices of every server process on the same
 * database), on PGlite through its own listener (one process, but writes by jobs, the CLI or plain SQL
 * still arrive). A lost connection may have missed notices; `onReconnect` is told so.
 */
import type { Database } from '@weixi/db';
import { LiveBus } from './bus.js';
import { LIVE_CHANNEL, parseLiveNotice } from './notices.js';

export interface LiveListenerOptions {
  /** Called after the LISTEN connection came back (notices in between are lost). */
  onReconnect?: () => void;
}

export interface LiveListener {
  bus: LiveBus;
  stop(): Promise<void>;
}

export async function listenLive(database: Database, options: LiveListenerOptions = {}): Promise<LiveListener> {
  const bus = new LiveBus();
  const onNotice = (payload: string) => {
    const notice = parseLiveNotice(payload);
    if (notice) bus.publish(notice);
  };
  const client = database.client;
  if (client.kind === 'pglite') {
    const unlisten = await client.pglite.listen(LIVE_CHANNEL, onNotice);
    return { bus, stop: () => unlisten() };
  }
  let connections = 0;
  const listening = await client.sql.listen(LIVE_CHANNEL, onNotice, () => {
    if (connections++ > 0) options.onReconnect?.();
  });
  return { bus, stop: () => listening.unlisten() };
}
