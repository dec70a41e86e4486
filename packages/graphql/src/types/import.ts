/**
 * `importFile`: the CSV import of `weixi import` for integrators, over GraphQL multipart upload. The file
 * is streamed to a temporary file and imported exactly as the CLI does (same checks, COPY batches,
 * idempotency); the answer carries the counts and the reject report (line, column, value, reason).
 * Region-scoped like every write: an operator or region-bound integrator names a region of its own.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputError } from '@weixi/core';
import { BatchFailedError, CsvFormatError, IMPORT_KINDS, importFile, type ImportReport, type MappingFile, type Reject, type WriteCounts } from '@weixi/import';
import type { WeixiBuilder } from '../builder.js';
import { regionToChange } from '../permissions.js';
import type { UploadedFile } from '../scalars.js';
import { enumOf } from './enums.js';

/** The largest upload accepted (bytes); bigger files go through `weixi import`. */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** Rejects returned in the answer; the count says how many there were in all. */
const MAX_REJECTS = 1000;

type Payload = ImportReport & { rejects: Reject[] };

export function registerImport(builder: WeixiBuilder): void {
  const Kind = enumOf(builder, 'ImportKind', IMPORT_KINDS, 'What a file holds: CUSTOMERS, USAGE (monthly) or EVENTS.');
  const Counts = builder.objectRef<WriteCounts>('ImportCounts').implement({
    fields: (t) => ({ created: t.exposeInt('created'), updated: t.exposeInt('updated'), unchanged: t.exposeInt('unchanged', { description: 'Already stored as the file has them.' }) }),
  });
  const RejectRef = builder.objectRef<Reject>('ImportReject').implement({
    description: 'A cell of the file that was refused: its row is not written.',
    fields: (t) => ({
      line: t.exposeInt('line', { description: 'Line of the file (the header is line 1).' }),
      column: t.exposeString('column', { description: 'The column; empty when the whole row is unreadable.' }),
      value: t.exposeString('value'),
      reason: t.exposeString('reason'),
    }),
  });
  const Result = builder.objectRef<Payload>('ImportFilePayload').implement({
    fields: (t) => ({
      fills: t.field({ type: [Kind], description: 'What the file filled (a preset may fill several kinds).', resolve: (r) => r.fills }),
      rows: t.exposeInt('rows'),
      accepted: t.exposeInt('accepted'),
      rejected: t.exposeInt('rejected', { description: 'Rows refused; `rejects` lists the first 1,000 of their cells.' }),
      batches: t.exposeInt('batches'),
      dryRun: t.exposeBoolean('dryRun', { description: 'Everything was checked and written, then rolled back.' }),
      customers: t.field({ type: Counts, resolve: (r) => r.customers }),
      usage: t.field({ type: Counts, resolve: (r) => r.usage }),
      events: t.field({ type: Counts, resolve: (r) => r.events }),
      rejects: t.field({ type: [RejectRef], resolve: (r) => r.rejects }),
    }),
  });
  builder.mutationField('importFile', (t) =>
    t.field({
      type: Result,
      description:
        'Imports a CSV file (gzip accepted, at most 200 MB) of customers, usage or events, sent as a multipart upload: every row checked as the other ingest mutations check it, written by COPY in all-or-nothing batches; a rerun of the same file changes nothing. Rows with a bad cell are not written and come back in `rejects`.',
      args: {
        kind: t.arg({ type: Kind, required: true }),
        file: t.arg({ type: 'File', required: true }),
        preset: t.arg.string({ description: 'A data set layout: ibm-telco or bigml.' }),
        mapping: t.arg({ type: 'JSONObject', description: 'Column of each field, constants, scales and extra columns, as the CLI mapping file.' }),
        regionCode: t.arg.string({ description: 'Write and reference only customers of this subtree; required unless the caller may write everywhere.' }),
        dryRun: t.arg.boolean({ description: 'Check and write everything, then roll back.' }),
      },
      resolve: async (_root, args, ctx) => {
        const region = await regionToChange(ctx, 'ingest', args.regionCode ?? null, 'regionCode');
        const file = args.file;
        if (file.size > MAX_IMPORT_BYTES) throw new InputError([{ path: 'file', message: `is ${file.size} bytes; at most ${MAX_IMPORT_BYTES} over HTTP (use weixi import for bigger files)` }]);
        const dir = await mkdtemp(join(tmpdir(), 'weixi-upload-'));
        const rejects: Reject[] = [];
        try {
          const path = join(dir, 'upload.csv');
          await pipeline(chunksOf(file), createWriteStream(path));
          const report = await importFile(ctx.database, {
            kind: args.kind as (typeof IMPORT_KINDS)[number],
            file: path,
            ...(args.preset != null ? { preset: args.preset } : {}),
            ...(args.mapping != null ? { mapping: args.mapping as MappingFile } : {}),
            regionCode: region?.code ?? null,
            dryRun: args.dryRun ?? false,
            rejectFile: join(dir, 'rejects.csv'),
            onRejects: (found) => void rejects.push(...found.slice(0, MAX_REJECTS - rejects.length)),
            now: ctx.clock.now(),
          }).catch((error: unknown) => {
            if (error instanceof CsvFormatError || error instanceof BatchFailedError) throw new InputError([{ path: 'file', message: error.message }]);
            throw error;
          });
          return { ...report, rejects };
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    }),
  );
}

/** The upload's bytes (the server's File may be a ponyfill, so read through its reader, not Readable.fromWeb). */
async function* chunksOf(file: UploadedFile): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    reader.releaseLock();
  }
}
