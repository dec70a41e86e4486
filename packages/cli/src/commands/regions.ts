/**
 * `weixi regions import FILE | list`: the region tree without SQL. An empty install (WEIXI_DEMO_CUSTOMERS=0)
 * has no regions, and customers can only be written into existing ones.
 */
import { eachRegion, InputError, upsertRegions, MAX_REGION_BATCH, type RegionWithParent } from '@weixi/core';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { format, parseOptions } from '../arguments.js';
import { csvField } from '../csv.js';
import { describeDatabase, withDatabase } from '../database.js';
import { applyMigrations } from '../migrations.js';
import { describeIssues, formatOfName, readRegionFile, REGION_FILE_FORMATS, type RegionFileFormat } from '../region-file.js';
import { describeMigrations } from './migrate.js';

const USAGE = `Usage: weixi regions import FILE [--format csv|json]
       weixi regions list [--format table|csv]

import creates or updates the regions of FILE by code, all or nothing: a file with any bad line writes
nothing, and importing the same file again changes nothing (it says so). A region may move to another
parent; its subtree moves with it. At most ${format(MAX_REGION_BATCH)} regions per file.

  CSV    a header line, then one region per line (lines starting with # are skipped):
           code,name,level,parentCode,timeZone
           JS,江苏省,province,,Asia/Shanghai
           JS-NJ,南京市,city,JS,
  JSON   an array: [{"code": "JS-NJ", "name": "南京市", "level": "city", "parentCode": "JS"}]

  level      province, city (under a province), district (under a city), grid (under a district or city)
  parentCode the parent's code, in the database or anywhere in the file; empty for a province
  timeZone   IANA zone; empty: a new region takes its parent's, an existing one keeps its own

The format comes from the file name (.csv, .json) unless --format says otherwise. list prints the tree in
path order; --format csv prints it as a file import reads back. The database is DATABASE_URL, else PGlite
at WEIXI_DATA_DIR or .weixi/data; import migrates it first.

Examples:
  pnpm weixi regions import examples/regions/china-provinces.csv
  pnpm weixi regions list --format csv > regions.csv`;

export const regionsCommand: Command = {
  name: 'regions',
  summary: 'import the region tree from CSV or JSON, list it',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'import') return importFile(rest);
    if (sub === 'list') return list(rest);
    if (sub === undefined) throw new UsageError('no subcommand given: use import or list', 'regions');
    throw new UsageError(`unknown subcommand '${sub}': use import or list`, 'regions');
  },
};

async function importFile(args: string[]): Promise<number> {
  // The file is the one argument that is neither an option nor --format's value.
  const files: string[] = [];
  const options: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--format' && i + 1 < args.length) options.push(args[i]!, args[++i]!);
    else (args[i]!.startsWith('-') ? options : files).push(args[i]!);
  }
  const values = parseOptions('regions', options, { format: { type: 'string' } });
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'import needs the file to read' : `import reads one file, got ${files.join(' ')}`, 'regions');
  const file = files[0]!;
  const fileFormat = values.format ?? formatOfName(file);
  if (fileFormat === undefined) throw new UsageError(`cannot tell the format of ${file} from its name: add --format csv or --format json`, 'regions');
  if (!(REGION_FILE_FORMATS as readonly string[]).includes(fileFormat)) throw new UsageError(`--format must be csv or json, got '${fileFormat}'`, 'regions');

  const read = await readRegionFile(file, fileFormat as RegionFileFormat);
  if (read.regions.length === 0) throw new CliError(`${file}: no regions in it`);
  process.stderr.write(`Read ${format(read.regions.length)} regions from ${file}; writing them to ${describeDatabase()}\n`);
  const result = await withDatabase(async (database) => {
    const report = await applyMigrations(database);
    if (report.applied.length > 0) process.stdout.write(`${describeMigrations(report)}\n`);
    try {
      return await upsertRegions(database.db, read.regions, { auditAs: 'regions.import' });
    } catch (error) {
      if (error instanceof InputError) throw new CliError(`${file}: nothing was imported. ${describeIssues(read, error.issues)}`);
      throw error;
    }
  });
  const total = read.regions.length;
  if (result.unchanged === total) {
    process.stdout.write(`Nothing changed: all ${format(total)} regions of ${file} are already stored as they are in the file.\n`);
  } else {
    const moved = result.moved > 0 ? ` (${format(result.moved)} moved to another parent)` : '';
    process.stdout.write(`Imported ${format(total)} regions from ${file}: ${format(result.created)} created, ${format(result.updated)} updated${moved}, ${format(result.unchanged)} unchanged.\n`);
  }
  return 0;
}

async function list(args: string[]): Promise<number> {
  const values = parseOptions('regions', args, { format: { type: 'string' } });
  const output = values.format ?? 'table';
  if (output !== 'table' && output !== 'csv') throw new UsageError(`--format must be table or csv, got '${output}'`, 'regions');
  const line = output === 'csv' ? csvLine : tableLine;
  const out = pipe(process.stdout);
  const count = await withDatabase(async (database) => {
    let n = 0;
    for await (const region of eachRegion(database.db)) {
      if (n === 0) await out.write(output === 'csv' ? 'code,name,level,parentCode,timeZone\n' : `${'CODE'.padEnd(30)}${'LEVEL'.padEnd(10)}${'PARENT'.padEnd(14)}${'TIME ZONE'.padEnd(18)}NAME\n`);
      if (out.closed) break;
      await out.write(`${line(region)}\n`);
      n++;
    }
    return n;
  });
  if (out.closed) return 0;
  if (count === 0) process.stderr.write(`No regions in ${describeDatabase()}. Import some: weixi regions import examples/regions/china-provinces.csv\n`);
  else if (output === 'table') process.stdout.write(`\n${format(count)} region${count === 1 ? '' : 's'}\n`);
  return 0;
}

/** Writes that wait when the reader is slow and stop quietly when it has gone (`weixi regions list | head`). */
function pipe(stream: NodeJS.WriteStream): { write(text: string): Promise<void>; readonly closed: boolean } {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return {
    get closed() {
      return closed;
    },
    async write(text) {
      if (!closed && !stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve).once('error', () => resolve()));
    },
  };
}

function tableLine(r: RegionWithParent): string {
  const depth = r.path.split('/').filter((c) => c !== '').length - 1;
  return `${`${'  '.repeat(depth)}${r.code}`.padEnd(30)}${r.level.padEnd(10)}${(r.parentCode ?? '-').padEnd(14)}${r.timeZone.padEnd(18)}${r.name}`;
}

function csvLine(r: RegionWithParent): string {
  return [r.code, r.name, r.level, r.parentCode ?? '', r.timeZone].map(csvField).join(',');
}
