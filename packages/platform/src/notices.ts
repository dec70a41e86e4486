import type { Database } from '@weixi/db';

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
