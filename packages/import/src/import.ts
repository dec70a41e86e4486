/**
 * `importFile`: streams a CSV file through a mapper, checks every row, and writes the accepted ones batch
 * by batch (each batch one transaction, by COPY). Rejected rows go to the reject file with their line,
 * column, value and reason; a batch the database refuses stops the import with the lines it held (the
 * batches before it stay written, and a rerun of the file skips what is already there).
 */
import { InputError, normaliseMsisdn, type InputIssue } from '@weixi/core';
import { queryRows, type Database } from '@weixi/db';
import { sql } from 'drizzle-orm';
import { defaultMapping, mappingMapper, type MappingFile, type Reject, type RowMapper } from './mapping.js';
import { findPreset } from './presets/index.js';
import { RejectFile } from './rejects.js';
import { rowChecker, type ImportKind, type ImportRow } from './rows.js';
import { openSource } from './source.js';
import { Batch, writeBatch, type WriteCounts } from './write.js';

export interface ImportOptions {
  kind: ImportKind;
  file: string;
  /** A preset by name (`ibm-telco`, `bigml`); it may fill several kinds from one file. */
  preset?: string;
  /** A mapping file's content; without it or a preset, columns named like the fields map themselves. */
  mapping?: MappingFile;
  /** Only this region's subtree is written or referenced. */
  regionCode?: string | null;
  /** Check and write everything, then roll each batch back. */
  dryRun?: boolean;
  /** Rows per batch (default 5,000 on PGlite, 100,000 on PostgreSQL). */
  batchSize?: number;
  /** Where rejected rows go (default `<file>.rejects.csv`); created only when a row is rejected. */
  rejectFile?: string;
  /** Told of every reject as it is found (the reject file gets them too). */
  onRejects?(rejects: readonly Reject[]): void;
  /** Bounds months and instants (nothing in the future); default now. */
  now?: Date;
  onProgress?(progress: ImportProgress): void;
}

export interface ImportProgress {
  bytesRead: number;
  bytesTotal: number;
  rows: number;
  rejected: number;
}

export interface ImportReport {
  kind: ImportKind;
  /** What the file filled (a preset may fill customers, usage and events from one file). */
  fills: ImportKind[];
  rows: number;
  accepted: number;
  rejected: number;
  batches: number;
  customers: WriteCounts;
  usage: WriteCounts;
  events: WriteCounts;
  rejectFile: string | null;
  dryRun: boolean;
}

/** A batch the database refused: which lines it held and why. */
export class BatchFailedError extends Error {
  constructor(
    readonly firstLine: number,
    readonly lastLine: number,
    readonly committedBatches: number,
    cause: unknown,
  ) {
    super(`the batch of lines ${firstLine} to ${lastLine} was not written (${cause instanceof Error ? cause.message : String(cause)}); the ${committedBatches} batches before it were; rerun the file once the cause is fixed`);
    this.name = 'BatchFailedError';
  }
}

const zero = (): WriteCounts => ({ created: 0, updated: 0, unchanged: 0 });
const add = (a: WriteCounts, b: WriteCounts) => ({ created: a.created + b.created, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged });

export async function importFile(database: Database, options: ImportOptions): Promise<ImportReport> {
  const now = options.now ?? new Date();
  // Large batches on PostgreSQL: each costs a transaction, a staging table and a join, about 0.1 s.
  const batchSize = options.batchSize ?? (database.kind === 'pglite' ? 5_000 : 100_000);
  const source = await openSource(options.file);
  const mapper = await mapperFor(database, options, source.columns);
  if (!mapper.fills.includes(options.kind)) {
    throw new InputError([{ path: 'kind', message: `this ${options.preset ? `preset (${options.preset})` : 'mapping'} fills ${mapper.fills.join(', ')}, not ${options.kind}` }]);
  }
  const regions = new Map((await queryRows<{ code: string; path: string }>(database.db, sql`select code, path from regions`)).map((r) => [r.code, r.path]));
  const scopePath = options.regionCode == null ? null : regions.get(options.regionCode);
  if (scopePath === undefined) throw new InputError([{ path: 'region', message: `region ${JSON.stringify(options.regionCode)} does not exist` }]);
  const rejects = new RejectFile(options.rejectFile ?? `${options.file}.rejects.csv`, options.onRejects);
  const report: ImportReport = {
    kind: options.kind,
    fills: mapper.fills,
    rows: 0,
    accepted: 0,
    rejected: 0,
    batches: 0,
    customers: zero(),
    usage: zero(),
    events: zero(),
    rejectFile: null,
    dryRun: options.dryRun ?? false,
  };
  const customerFields = new Set(mapper.customerFields);
  const rowIssues = rowChecker(now);
  const progress = () => options.onProgress?.({ bytesRead: source.progress().read, bytesTotal: source.progress().total, rows: report.rows, rejected: rejects.count });
  let batch = new Batch();
  let keys = new Map<string, number>();

  // One batch is written while the next is read and checked: the database and the parser overlap. Rows
  // of a batch never depend on a later batch (a row's usage and events follow its own customer), so the
  // order in which batches commit does not matter; at most one is in flight.
  let inFlight: Promise<void> = Promise.resolve();
  const write = async (items: Batch) => {
    let result;
    try {
      result = await writeBatch(database, items, { scopePath, customerFields, dryRun: report.dryRun });
    } catch (error) {
      throw new BatchFailedError(items.firstLine, items.lastLine, report.batches, error);
    }
    await rejects.add(result.rejects.map((r) => ({ ...r, column: mapper.columnOf(r.column) ?? r.column })));
    report.batches++;
    report.accepted += items.size - new Set(result.rejects.map((r) => r.line)).size;
    report.customers = add(report.customers, result.customers);
    report.usage = add(report.usage, result.usage);
    report.events = add(report.events, result.events);
    progress();
  };
  const flush = async () => {
    if (batch.size === 0) return;
    const items = batch;
    batch = new Batch();
    keys = new Map();
    await inFlight;
    inFlight = write(items);
    // A failed write is reported by the next flush (or the last one); keep it from being unhandled meanwhile.
    inFlight.catch(() => undefined);
  };

  try {
    for await (const chunk of source.chunks) for (const record of chunk) {
      report.rows++;
      if (record.problem) {
        await rejects.add([{ line: record.line, column: '', value: '', reason: `the row ${record.problem}` }]);
        continue;
      }
      const { row, rejects: unreadable } = mapper.map(record);
      // The cells that could not be read, else the fields that fail their checks, else region and key.
      let found: readonly Reject[] = unreadable;
      if (unreadable.length === 0) {
        const issues = rowIssues(row);
        found =
          issues.length > 0
            ? issues.map((issue) => ({ line: record.line, column: mapper.columnOf(issue.field) ?? issue.field, value: cell(issue.value), reason: `${issue.field}: ${issue.reason}` }))
            : placeAndKey(row, record.line, regions, scopePath, keys, mapper);
      }
      if (found.length > 0) {
        await rejects.add(found);
        continue;
      }
      batch.add(record.line, row);
      if (batch.size >= batchSize) await flush();
      else if (report.rows % 1000 === 0) progress();
    }
    await flush();
    await inFlight;
  } finally {
    await inFlight.catch(() => undefined);
    await rejects.close();
  }
  report.rejected = rejects.count;
  report.rejectFile = rejects.written ? rejects.path : null;
  return report;
}

/**
 * Normalises the row's MSISDNs, checks its region against the scope, and rejects a second row of the same
 * key in a batch. Plain loops, no closures: it runs once per row of files of millions.
 */
function placeAndKey(row: ImportRow, line: number, regions: Map<string, string>, scopePath: string | null, keys: Map<string, number>, mapper: RowMapper): Reject[] {
  // A row of one month of usage and nothing else (a usage file): the same, without the lists.
  if (row.customer === undefined && row.events === undefined && row.usage?.length === 1) {
    const u = row.usage[0]!;
    u.msisdn = normaliseMsisdn(u.msisdn)!;
    const key = `usage:${u.msisdn}:${u.month}`;
    const first = keys.get(key);
    if (first === undefined) {
      keys.set(key, line);
      return NO_REJECTS;
    }
    return [{ line, column: mapper.columnOf('usage[0].month') ?? 'usage[0].month', value: u.month, reason: `usage[0].month: repeats line ${first} (the same usage twice in one batch)` }];
  }
  const found: Array<[field: string, value: string, reason: string]> = [];
  const wanted: string[] = [];
  const c = row.customer;
  if (c) {
    c.msisdn = normaliseMsisdn(c.msisdn)!;
    const path = regions.get(c.regionCode);
    if (path === undefined) found.push(['customer.regionCode', c.regionCode, `region ${JSON.stringify(c.regionCode)} does not exist`]);
    else if (scopePath !== null && !path.startsWith(scopePath)) found.push(['customer.regionCode', c.regionCode, `${c.regionCode} is outside the import region`]);
    wanted.push(`customer:${c.msisdn}`, 'customer.msisdn', c.msisdn);
  }
  const usage = row.usage ?? [];
  for (let i = 0; i < usage.length; i++) {
    const u = usage[i]!;
    u.msisdn = normaliseMsisdn(u.msisdn)!;
    wanted.push(`usage:${u.msisdn}:${u.month}`, `usage[${i}].month`, u.month);
  }
  const events = row.events ?? [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    e.msisdn = normaliseMsisdn(e.msisdn)!;
    wanted.push(`event:${e.msisdn}:${e.idempotencyKey}`, `events[${i}].idempotencyKey`, e.idempotencyKey);
  }
  // wanted holds (key, field, value) triples.
  for (let k = 0; k < wanted.length; k += 3) {
    const first = keys.get(wanted[k]!);
    if (first !== undefined) found.push([wanted[k + 1]!, wanted[k + 2]!, `repeats line ${first} (the same ${wanted[k]!.split(':')[0]} twice in one batch)`]);
  }
  if (found.length === 0) {
    for (let k = 0; k < wanted.length; k += 3) keys.set(wanted[k]!, line);
    return NO_REJECTS;
  }
  return found.map(([field, value, reason]) => ({ line, column: mapper.columnOf(field) ?? field, value, reason: `${field}: ${reason}` }));
}

const NO_REJECTS: Reject[] = [];

export async function mapperFor(database: Database, options: ImportOptions, columns: string[]): Promise<RowMapper> {
  if (options.preset !== undefined && options.mapping !== undefined) throw new InputError([{ path: 'mapping', message: 'give a preset or a mapping, not both' }]);
  if (options.preset !== undefined) {
    const preset = findPreset(options.preset);
    return preset.prepare(database, columns);
  }
  return mappingMapper(options.mapping ?? defaultMapping(options.kind, columns), columns);
}

const cell = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

export type { InputIssue };
