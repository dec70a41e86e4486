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
  /** The records in the order of the file, a chunk at a time (whatever the parser has ready). */
  chunks: AsyncIterable<SourceRecord[]>;
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
  // Lines are counted here, not by csv-parse's `info` (an object per record, a tenth of the import's time):
  // a record starts on the line after the previous one ended, and spans one more line per newline inside
  // its quoted fields; empty lines come through as [''] and are counted and skipped.
  const parser = parse({ bom: true, skip_empty_lines: false, relax_column_count: true });
  const input = createReadStream(file);
  const text = (await isGzip(file)) ? input.pipe(counter).pipe(createGunzip()) : input.pipe(counter);
  input.on('error', (e) => parser.destroy(e));
  text.on('error', (e) => parser.destroy(e));
  text.pipe(parser);
  const chunks = readChunks(parser as unknown as Parser<string[]>);
  let lines = 0;
  /** The line `record` starts on, counting the lines it spans. */
  const place = (record: string[]): number => {
    const start = ++lines;
    for (const field of record) for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) lines++;
    return start;
  };
  const isEmpty = (record: string[]) => record.length === 1 && record[0] === '';
  // The header is the first record that is not an empty line; what follows it in its chunk is data.
  let header: string[] | undefined;
  let rest: string[][] = [];
  while (header === undefined) {
    const item = await chunks.next();
    if (item.done) break;
    const at = item.value.findIndex((record) => (place(record), !isEmpty(record)));
    if (at !== -1) [header, rest] = [item.value[at], item.value.slice(at + 1)];
  }
  if (!header) throw new CsvFormatError(1, 'the file is empty: a CSV file starts with a header row naming its columns');
  const columns = header.map((c) => c.trim());
  const toRecords = (records: string[][]): SourceRecord[] => {
    const out: SourceRecord[] = [];
    for (const record of records) {
      const line = place(record);
      if (isEmpty(record)) continue;
      const values: Record<string, string> = {};
      for (let i = 0; i < columns.length; i++) values[columns[i]!] = record[i] ?? '';
      out.push(record.length === columns.length ? { line, values } : { line, values, problem: `has ${record.length} fields; the header has ${columns.length}` });
    }
    return out;
  };
  return {
    columns,
    chunks: (async function* () {
      if (rest.length > 0) yield toRecords(rest);
      for (let item = await chunks.next(); !item.done; item = await chunks.next()) yield toRecords(item.value);
    })(),
    progress: () => ({ read, total }),
  };
}

/**
 * The parser's output a chunk at a time: everything readable is taken synchronously, so the per-record
 * cost is a function call, not an await (three times faster than iterating the stream record by record).
 */
interface Parser<T> {
  on(event: 'readable' | 'end' | 'error', listener: (error?: unknown) => void): unknown;
  read(): T | null;
}

async function* readChunks<T>(parser: Parser<T>): AsyncGenerator<T[]> {
  let ended = false;
  let failed: unknown;
  let wake: (() => void) | undefined;
  parser.on('readable', () => wake?.());
  parser.on('end', () => {
    ended = true;
    wake?.();
  });
  parser.on('error', (error?: unknown) => {
    failed = error;
    wake?.();
  });
  for (;;) {
    const chunk: T[] = [];
    for (let item = parser.read(); item !== null; item = parser.read()) chunk.push(item);
    if (failed) throw asFormatError(failed);
    if (chunk.length > 0) yield chunk;
    else if (ended) return;
    else await new Promise<void>((resolve) => (wake = resolve));
  }
}

function asFormatError(error: unknown): unknown {
  const e = error as { code?: string; lines?: number; message: string };
  return e.code?.startsWith('CSV_') ? new CsvFormatError(e.lines ?? 0, e.message) : error;
}
