/**
 * A CSV file as a stream of records: gzip is recognised by its magic bytes, each record comes with the line
 * it started on, and the bytes read so far feed the progress bar. Nothing but the current chunk is held in
 * memory. A record whose field count differs from the header's is yielded with `problem` set, so the import
 * rejects that row and goes on.
 *
 * Two readers, one result: text without quotes or carriage returns (most exports) is split on newlines and
 * commas by a scanner of its own, a fraction of csv-parse's cost; from the first record holding a quote or a
 * carriage return on, csv-parse reads the rest, told the line it starts on, so its records and its errors
 * are the ones it would have given for the whole file.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { parse, type Options } from 'csv-parse';

/** One record: its fields in the header's order (as many as the file has), read by name through `values`. */
export class SourceRecord {
  constructor(
    /** The 1-based line of the file the record starts on (the header is line 1). */
    readonly line: number,
    readonly fields: readonly string[],
    private readonly columns: readonly string[],
    /** Why the record cannot be read as a row (a wrong number of fields). */
    readonly problem?: string,
  ) {}

  /** The fields by column name ('' for a missing one); built on each call. */
  get values(): Record<string, string> {
    const values: Record<string, string> = {};
    for (let i = 0; i < this.columns.length; i++) values[this.columns[i]!] = this.fields[i] ?? '';
    return values;
  }
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
  const input = createReadStream(file, { highWaterMark: 64 * 1024 });
  const bytes = (await isGzip(file)) ? input.pipe(createGunzip()) : input;
  if (bytes !== input) input.on('error', (e) => bytes.destroy(e));
  const chunks = readRecords(bytes)[Symbol.asyncIterator]();
  // Lines are counted here: a record starts on the line after the previous one ended, and spans one more
  // line per newline inside its quoted fields; empty lines come through as [''] and are counted and skipped.
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
    if (at !== -1) [header, rest] = [item.value[at]!, item.value.slice(at + 1)];
  }
  if (!header) {
    input.destroy();
    throw new CsvFormatError(1, 'the file is empty: a CSV file starts with a header row naming its columns');
  }
  const columns = header.map((c) => c.trim());
  const count = columns.length;
  const toRecords = (records: string[][]): SourceRecord[] => {
    const out: SourceRecord[] = [];
    for (const record of records) {
      const line = place(record);
      if (isEmpty(record)) continue;
      out.push(new SourceRecord(line, record, columns, record.length === count ? undefined : `has ${record.length} fields; the header has ${count}`));
    }
    return out;
  };
  return {
    columns,
    chunks: (async function* () {
      try {
        if (rest.length > 0) yield toRecords(rest);
        for (let item = await chunks.next(); !item.done; item = await chunks.next()) yield toRecords(item.value);
      } finally {
        input.destroy();
      }
    })(),
    progress: () => ({ read: input.bytesRead, total }),
  };
}

/** csv-parse's options for these files; `record_delimiter` is set when the scanner has seen the first one. */
const CSV_OPTIONS: Options = { bom: true, skip_empty_lines: false, relax_column_count: true };

/**
 * The records of a byte stream, a chunk at a time: split by the scanner while the text is plain (no `"`,
 * no `\r`), by csv-parse from the first record that is not.
 */
export async function* readRecords(bytes: AsyncIterable<Buffer>): AsyncGenerator<string[][]> {
  const iterator = bytes[Symbol.asyncIterator]();
  const decoder = new StringDecoder('utf8');
  let pending = '';
  /** Records the scanner has taken, each ended by one `\n`: csv-parse would be on line `taken + 1`. */
  let taken = 0;
  let started = false;
  let bomChecked = false;
  /** The byte order mark the scanner took off, given back to csv-parse if it reads from the start. */
  let bom = '';
  for (;;) {
    let item = await iterator.next();
    if (!started) {
      // A UTF-16 byte order mark: csv-parse reads the whole file in that encoding.
      let head = Buffer.alloc(0);
      while (!item.done && head.length + item.value.length < 2) [head, item] = [Buffer.concat([head, item.value]), await iterator.next()];
      if (!item.done) item = { done: false, value: head.length === 0 ? item.value : Buffer.concat([head, item.value]) };
      else if (head.length > 0) [item, pending] = [{ done: true, value: undefined }, decoder.write(head)];
      started = true;
      if (!item.done && item.value[0] === 0xff && item.value[1] === 0xfe) return yield* parseWithCsvParse(0, null, prepend(item.value, iterator));
    }
    let text = item.done ? pending + decoder.end() : pending + decoder.write(item.value);
    if (!bomChecked && text.length > 0) {
      bomChecked = true;
      if (text.charCodeAt(0) === 0xfeff) [bom, text] = ['\uFEFF', text.slice(1)];
    }
    let plainTo = text.length;
    const quote = text.indexOf('"');
    const cr = text.indexOf('\r');
    if (quote !== -1 || cr !== -1) plainTo = text.lastIndexOf('\n', Math.min(quote === -1 ? cr : quote, cr === -1 ? quote : cr)) + 1;
    // Whole lines of plain text are the scanner's; the rest waits for more (or goes to csv-parse).
    const end = plainTo === text.length && !item.done ? text.lastIndexOf('\n') + 1 : plainTo;
    if (end > 0) {
      const lines = text.slice(0, end === text.length && text.charCodeAt(end - 1) !== 10 ? end : end - 1).split('\n');
      const records: string[][] = new Array(lines.length);
      for (let i = 0; i < lines.length; i++) records[i] = lines[i]!.split(',');
      taken += lines.length;
      yield records;
    }
    if (plainTo < text.length) {
      const rest = taken === 0 ? bom + text.slice(plainTo) : text.slice(plainTo);
      return yield* parseWithCsvParse(taken, taken > 0 ? '\n' : null, item.done ? [rest] : decoded(rest, iterator, decoder));
    }
    if (item.done) return;
    pending = text.slice(end);
  }
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (let item = await rest.next(); !item.done; item = await rest.next()) yield item.value;
}

async function* decoded(first: string, rest: AsyncIterator<Buffer>, decoder: StringDecoder): AsyncGenerator<string> {
  yield first;
  for (let item = await rest.next(); !item.done; item = await rest.next()) yield decoder.write(item.value);
  yield decoder.end();
}

/** csv-parse reading `input` as if the scanner's `taken` lines (each ended by `delimiter`) had been its own. */
export async function* parseWithCsvParse(taken: number, delimiter: string | null, input: Iterable<string | Buffer> | AsyncIterable<string | Buffer>): AsyncGenerator<string[][]> {
  // Past the start, a byte order mark is text, as it would have been for csv-parse reading the whole file.
  const parser = parse(taken === 0 ? CSV_OPTIONS : { ...CSV_OPTIONS, bom: false, record_delimiter: delimiter ?? undefined });
  (parser as unknown as { info: { lines: number } }).info.lines = taken + 1;
  const source = Readable.from(input);
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    yield* readChunks(parser as unknown as Parser<string[]>);
  } finally {
    source.destroy();
  }
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
