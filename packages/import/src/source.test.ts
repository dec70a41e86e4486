import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { parseWithCsvParse, readRecords } from './source.js';

/** Whatever a reader gives for `chunks`: its records, or its error's message. */
async function outcome(records: AsyncIterable<string[][]>): Promise<{ records: string[][]; error?: string }> {
  const out: string[][] = [];
  try {
    for await (const chunk of records) out.push(...chunk);
  } catch (error) {
    return { records: out, error: `${(error as Error).name}: ${(error as Error).message}` };
  }
  return { records: out };
}

async function* stream(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk;
}

/** A small deterministic random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const PIECES = ['a', 'b1', ',', ',', '\n', '\n', '"', '""', '\r', '\r\n', ' ', 'é', '中', '\uFEFF', '13800000001', '2025-01'];

/** `text` as bytes cut at random places (through multi-byte characters too). */
function cut(bytes: Buffer, next: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * (next() < 0.5 ? 4 : 40));
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** The records csv-parse reads before it fails. */
function recordsBeforeError(bytes: Buffer): string[][] {
  const seen: string[][] = [];
  try {
    parse(bytes, { bom: true, skip_empty_lines: false, relax_column_count: true, on_record: (record: string[]) => (seen.push(record), record) });
  } catch {
    return seen;
  }
  throw new Error('expected csv-parse to fail');
}

describe('readRecords', () => {
  it('gives what csv-parse gives for the whole file: records, lines of errors, for any cut of the bytes', async () => {
    const next = random(11);
    for (let n = 0; n < 3000; n++) {
      // Mostly plain text, with a quote, a carriage return or a byte order mark now and then.
      const plain = next() < 0.5;
      const length = Math.floor(next() * 60);
      let text = '';
      for (let i = 0; i < length; i++) {
        const piece = PIECES[Math.floor(next() * PIECES.length)]!;
        text += plain && /["\r\uFEFF]/.test(piece) && next() < 0.95 ? 'x' : piece;
      }
      if (next() < 0.1) text = `\uFEFF${text}`;
      const bytes = next() < 0.03 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.from(text);
      const chunks = cut(bytes, next);
      const expected = await outcome(parseWithCsvParse(0, null, chunks));
      const got = await outcome(readRecords(stream(chunks)));
      if (expected.error === undefined) expect({ text, ...got }).toEqual({ text, ...expected });
      else {
        // The same error; the records before it that the reader gave out are the file's first ones.
        expect({ text, error: got.error }).toEqual({ text, error: expected.error });
        expect(got.records).toEqual(recordsBeforeError(bytes).slice(0, got.records.length));
      }
    }
  });

  it('reads invalid UTF-8 as csv-parse does, field by field', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n'), Buffer.from([0xe4, 0xb8]), Buffer.from(',x\n'), Buffer.from([0xff]), Buffer.from('\n"q",'), Buffer.from([0xe4])]);
    for (let size = 1; size < bytes.length; size++) {
      const chunks = cut(bytes, () => (size - 1) / 4);
      expect(await outcome(readRecords(stream(chunks)))).toEqual(await outcome(parseWithCsvParse(0, null, chunks)));
    }
  });
});
