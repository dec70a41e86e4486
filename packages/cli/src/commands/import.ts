/**
 * `weixi import customers|usage|events FILE`: streams a CSV export (gzip accepted) into the database by
 * COPY, batch by batch, through a preset or a mapping file; rejected rows go to a reject file and make the
 * command exit 1 naming how many. Progress on stderr: a bar on a terminal, a line every few seconds otherwise.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { InputError } from '@weixi/core';
import { BatchFailedError, CsvFormatError, IMPORT_KINDS, importFile, PRESETS, type ImportKind, type ImportProgress, type ImportReport, type WriteCounts } from '@weixi/import';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { format, parseCommandLine, wholeNumber } from '../arguments.js';
import { describeDatabase, withDatabase } from '../database.js';
import { applyMigrations } from '../migrations.js';

const USAGE = `Usage: weixi import customers|usage|events FILE [--preset NAME | --mapping FILE.json]
                    [--region CODE] [--dry-run] [--rejects FILE] [--batch N]

Streams FILE (CSV with a header row; .gz or not) into the database: every row is checked with the same
rules as the API, and the good ones are written by COPY in batches, each all or nothing. Customers are
matched by MSISDN, usage by MSISDN and month, events by their idempotency key: importing a file again
changes nothing. Rejected rows go to FILE.rejects.csv (line, column, value, reason) and the command exits
1 naming how many.

Options:
      --preset NAME      a data set's layout: ${PRESETS.map((p) => p.name).join(', ')} (may fill several kinds)
      --mapping FILE     JSON naming the column of each field (see packages/import/README.md); without it
                         or a preset, columns named like the fields (msisdn, joined_on, ...) are used
      --region CODE      write and reference only customers of this region's subtree
      --dry-run          check and write everything, then roll back: nothing is kept
      --rejects FILE     where the rejected rows go (default FILE.rejects.csv)
      --batch N          rows per batch (default 5,000 on PGlite, 100,000 on PostgreSQL)
  -h, --help             show this help

Presets:
${PRESETS.map((p) => `  ${p.name.padEnd(12)} ${p.description}`).join('\n')}

Examples:
  pnpm weixi import customers ../shared/datasets/WA_Fn-UseC_-Telco-Customer-Churn.csv --preset ibm-telco
  pnpm weixi import usage usage-2026-10.csv.gz --mapping bss-usage.json --region JS`;

export const importCommand: Command = {
  name: 'import',
  summary: 'stream a CSV file of customers, usage or events into the database',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandLine('import', args, {
      preset: { type: 'string' },
      mapping: { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean' },
      rejects: { type: 'string' },
      batch: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [kind, file, ...rest] = positionals;
    if (kind === undefined || !IMPORT_KINDS.includes(kind as ImportKind)) throw new UsageError(`say what the file holds: ${IMPORT_KINDS.join(', ')}${kind ? ` (not '${kind}')` : ''}`, 'import');
    if (file === undefined) throw new UsageError('name the CSV file to import', 'import');
    if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`, 'import');
    if (!existsSync(file)) throw new CliError(`${file}: no such file`);
    if (values.preset && values.mapping) throw new UsageError('give --preset or --mapping, not both', 'import');
    const batchSize = wholeNumber('batch', values.batch, { min: 1, max: 1_000_000 });
    const mapping = values.mapping === undefined ? undefined : await readMapping(values.mapping);

    const report = await withDatabase(async (database) => {
      const migrated = await applyMigrations(database);
      if (migrated.applied.length > 0) process.stderr.write(`Applied ${migrated.applied.length} migrations to ${describeDatabase()}\n`);
      const progress = progressReporter(process.stderr);
      try {
        return await importFile(database, {
          kind: kind as ImportKind,
          file,
          preset: values.preset,
          mapping,
          regionCode: values.region ?? null,
          dryRun: values['dry-run'] ?? false,
          rejectFile: values.rejects,
          batchSize,
          onProgress: (p) => progress.update(p),
        });
      } catch (error) {
        if (error instanceof InputError) throw new CliError(error.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
        if (error instanceof CsvFormatError || error instanceof BatchFailedError) throw new CliError(`${file}: ${error.message}`);
        throw error;
      } finally {
        progress.stop();
      }
    });
    process.stdout.write(summary(file, report));
    if (report.rejected === 0) return 0;
    process.stderr.write(`${format(report.rejected)} rows rejected; see ${report.rejectFile} (line, column, value, reason)\n`);
    return 1;
  },
};

async function readMapping(path: string): Promise<never> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CliError(`${path}: cannot read the mapping file`);
  }
  try {
    return JSON.parse(text) as never;
  } catch (error) {
    throw new CliError(`${path}: not JSON (${(error as Error).message})`);
  }
}

const counts = (name: string, c: WriteCounts) => `${name}: ${format(c.created)} created, ${format(c.updated)} updated, ${format(c.unchanged)} unchanged`;

function summary(file: string, r: ImportReport): string {
  const written = r.fills.map((kind) => counts(kind, r[kind]));
  return [
    `${r.dryRun ? 'Checked (dry run, nothing kept)' : 'Imported'} ${file} into ${describeDatabase()}: ${format(r.rows)} rows, ${format(r.accepted)} accepted, ${format(r.rejected)} rejected, ${format(r.batches)} batches`,
    ...written.map((w) => `  ${w}`),
    '',
  ].join('\n');
}

interface ImportProgressReporter {
  update(p: ImportProgress): void;
  stop(): void;
}

function progressReporter(stream: NodeJS.WriteStream): ImportProgressReporter {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ stream, format: '  {bar} {percentage}% | {rows} rows, {rejected} rejected | ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update(p) {
        if (!started) bar.start(p.bytesTotal, 0, { rows: 0, rejected: 0 });
        started = true;
        bar.update(p.bytesRead, { rows: format(p.rows), rejected: format(p.rejected) });
      },
      stop: () => void (started && bar.stop()),
    };
  }
  let last = 0;
  return {
    update(p) {
      if (Date.now() - last < 2000) return;
      last = Date.now();
      stream.write(`importing: ${format(p.rows)} rows read, ${format(p.rejected)} rejected, ${Math.floor((100 * p.bytesRead) / Math.max(1, p.bytesTotal))}% of the file\n`);
    },
    stop() {},
  };
}
