/**
 * One batch's transaction with COPY, on either driver: rows go into a staging table by `COPY … FROM STDIN`
 * (postgres) or `COPY … FROM '/dev/blob'` (PGlite, its fastest path), then set-based statements move them.
 * Everything in `work` commits together or not at all.
 */
import type { Database } from '@weixi/db';

export interface CopySession {
  /** Runs a statement with `$1`-style parameters; returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Loads CSV (no header; text, or bytes in chunks) into `table (columns)`. */
  copy(table: string, columns: readonly string[], csv: string | readonly Buffer[]): Promise<void>;
}

export async function inCopyTransaction<T>(database: Database, work: (session: CopySession) => Promise<T>): Promise<T> {
  const client = database.client;
  if (client.kind === 'postgres') {
    return client.sql.begin(async (tx) => {
      const session: CopySession = {
        query: async <R>(text: string, params: unknown[] = []) => [...(await tx.unsafe(text, params as never[]))] as R[],
        async copy(table, columns, csv) {
          const stream = await tx.unsafe(`copy ${table} (${columns.join(', ')}) from stdin with (format csv)`).writable();
          await new Promise<void>((resolve, reject) => {
            stream.once('error', reject);
            stream.once('finish', resolve);
            if (typeof csv === 'string') stream.end(csv);
            else {
              for (const chunk of csv) stream.write(chunk);
              stream.end();
            }
          });
        },
      };
      return work(session);
    }) as Promise<T>;
  }
  return client.pglite.transaction(async (tx) => {
    const session: CopySession = {
      query: async <R>(text: string, params: unknown[] = []) => (await tx.query<R>(text, params)).rows,
      async copy(table, columns, csv) {
        await tx.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob' with (format csv)`, [], { blob: new Blob(typeof csv === 'string' ? [csv] : (csv as unknown as BlobPart[])) });
      },
    };
    return work(session);
  });
}

/** A CSV field for COPY: null is an unquoted empty field, every text is quoted (so '' stays a text). */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  return value.includes('"') ? `"${value.replace(/"/g, '""')}"` : `"${value}"`;
}
