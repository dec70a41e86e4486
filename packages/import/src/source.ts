/**
 * A CSV file as a stream of records: gzip is recognised by its magic bytes, csv-parse reads each record
 * with the line it started on, and the bytes read so far feed the progress bar. Nothing but the current
 * chunk is held in memory. A record whose field count differs from the header's is yielded with `problem`
 * set, so the import rejects that row and goes on.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';

export interface SourceRecord {
  /** The 1-based line of the file the record starts on (the header is line 1). */
  line: number;
  values: Record<string, string>;
  /** Why the record cannot be read as a row (a wrong number of fields). */
  problem?: string;
}

export interface Source {
  /** The header's column names, in order (trimmed). */
  columns: string[];
  records: AsyncIterable<SourceRecord>;
  /** Bytes of the file read so far, and its size (compressed, for a .gz). */
  progress(): { read: number; total: number };
}

/** The file is not CSV this import can read (no header, an unterminated quote, ...). */
export class CsvFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvFormatError';
  }
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export async function openSource(file: string): Promise<Source> {
  const total = (await stat(file)).size;
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read += chunk.length;
      done(null, chunk);
    },
  });
  const parser = parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: true });
  const input = createReadStream(file);
  const text = (await isGzip(file)) ? input.pipe(counter).pipe(createGunzip()) : input.pipe(counter);
  input.on('error', (e) => parser.destroy(e));
  text.on('error', (e) => parser.destroy(e));
  text.pipe(parser);
  const iterator = (parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)[Symbol.asyncIterator]();
  const first = await next(iterator);
  if (first.done) throw new CsvFormatError(1, 'the file is empty: a CSV file starts with a header row naming its columns');
  const columns = first.value.record.map((c) => c.trim());
  return {
    columns,
    records: (async function* () {
      for (let item = await next(iterator); !item.done; item = await next(iterator)) {
        const { record, info } = item.value;
        const values: Record<string, string> = {};
        columns.forEach((c, i) => (values[c] = record[i] ?? ''));
        const problem = record.length === columns.length ? undefined : `has ${record.length} fields; the header has ${columns.length}`;
        yield { line: info.lines, values, ...(problem ? { problem } : {}) };
      }
    })(),
    progress: () => ({ read, total }),
  };
}

async function next<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> {
  try {
    return await iterator.next();
  } catch (error) {
    const e = error as { code?: string; lines?: number; message: string };
    if (e.code?.startsWith('CSV_')) throw new CsvFormatError(e.lines ?? 0, e.message);
    throw error;
  }
}
