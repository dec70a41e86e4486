/**
 * A file's rows as a preset or mapping reads them, without writing anything: for scoring a campaign list
 * with a churn model (`weixi model score --file`). The same parser and mappers as the import, so a row is
 * read exactly as importing it would read it.
 */
import type { Database } from '@weixi/db';
import { mapperFor, type ImportOptions } from './import.js';
import type { Reject } from './mapping.js';
import type { ImportRow } from './rows.js';
import { openSource } from './source.js';

export interface ReadRecord {
  line: number;
  /** The record's cells by column. */
  values: Record<string, string>;
  row: ImportRow;
  /** Why the row could not be read (then `row` is incomplete). */
  rejects: Reject[];
}

export async function readMappedFile(
  database: Database,
  options: Pick<ImportOptions, 'file' | 'preset' | 'mapping'> & { kind?: ImportOptions['kind'] },
): Promise<{ columns: string[]; chunks: AsyncIterable<ReadRecord[]> }> {
  const source = await openSource(options.file);
  const mapper = await mapperFor(database, { kind: 'customers', ...options }, source.columns);
  async function* chunks(): AsyncGenerator<ReadRecord[]> {
    for await (const chunk of source.chunks) {
      yield chunk.map((record) => {
        if (record.problem) return { line: record.line, values: record.values, row: {}, rejects: [{ line: record.line, column: '', value: '', reason: record.problem }] };
        const { row, rejects } = mapper.map(record);
        return { line: record.line, values: record.values, row, rejects };
      });
    }
  }
  return { columns: source.columns, chunks: chunks() };
}
