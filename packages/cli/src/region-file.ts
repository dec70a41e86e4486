/**
 * Reads a region file for `weixi regions import`: CSV (a header line naming the columns, then one region
 * per line) or JSON (an array of region objects). CSV is read line by line; JSON, which has to be parsed
 * whole, is refused above a size no region tree reaches. Every item remembers where it came from, so an
 * issue the core reports at `input[3].parentCode` is told as `line 5 (JS-NJ), parentCode: ...`.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { MAX_REGION_BATCH, type InputIssue, type RegionInput } from '@weixi/core';
import { CliError } from './cli-error.js';
import { describeIssuesAt, listed, readCsvTable } from './table-file.js';

export const REGION_FILE_FORMATS = ['csv', 'json'] as const;
export type RegionFileFormat = (typeof REGION_FILE_FORMATS)[number];

const COLUMNS = ['code', 'name', 'level', 'parentCode', 'timeZone'] as const;
const REQUIRED = ['code', 'name', 'level'] as const;
const MAX_JSON_BYTES = 8 * 1024 * 1024;

export interface RegionFile {
  regions: RegionInput[];
  /** Where each region was read: `line 7`, `item 3`. */
  places: string[];
}

/** The format a file's name says it has, or undefined. */
export function formatOfName(file: string): RegionFileFormat | undefined {
  const ext = extname(file).slice(1).toLowerCase();
  return (REGION_FILE_FORMATS as readonly string[]).includes(ext) ? (ext as RegionFileFormat) : undefined;
}

export async function readRegionFile(file: string, format: RegionFileFormat): Promise<RegionFile> {
  try {
    return format === 'csv' ? await readCsv(file) : await readJson(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${file}: no such file`);
    if (code === 'EISDIR') throw new CliError(`${file} is a folder, not a region file`);
    throw error;
  }
}

function tooMany(file: string): CliError {
  return new CliError(`${file}: more than ${MAX_REGION_BATCH} regions; one import is one all-or-nothing batch of at most ${MAX_REGION_BATCH} (split the file by province)`);
}

async function readCsv(file: string): Promise<RegionFile> {
  const table = await readCsvTable(file, { columns: COLUMNS, required: REQUIRED, max: MAX_REGION_BATCH, what: 'regions' });
  const regions = table.rows.map((row) => ({ code: row.code!, name: row.name!, level: row.level!.toLowerCase(), parentCode: row.parentCode || null, timeZone: row.timeZone || null }));
  return { regions, places: table.places };
}

async function readJson(file: string): Promise<RegionFile> {
  const { size } = await stat(file);
  if (size > MAX_JSON_BYTES) throw new CliError(`${file}: ${size} bytes; a JSON region file may have at most ${MAX_JSON_BYTES} (use CSV, which is read line by line)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CliError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new CliError(`${file}: expected a JSON array of regions ({"code", "name", "level", "parentCode", "timeZone"})`);
  if (parsed.length > MAX_REGION_BATCH) throw tooMany(file);
  const out: RegionFile = { regions: [], places: [] };
  const problems: string[] = [];
  parsed.forEach((item: unknown, index) => {
    const place = `item ${index + 1}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`${place}: expected an object, got ${JSON.stringify(item)}`);
      return;
    }
    const record = item as Record<string, unknown>;
    const wrong = Object.keys(record).filter((k) => !(COLUMNS as readonly string[]).includes(k)).map((k) => `unknown field ${JSON.stringify(k)}`);
    for (const field of COLUMNS) {
      const value = record[field];
      const required = (REQUIRED as readonly string[]).includes(field);
      if ((value === undefined || value === null) && !required) continue;
      if (typeof value !== 'string') wrong.push(`${field} must be a string, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
    }
    if (wrong.length > 0) {
      problems.push(`${place}: ${wrong.join('; ')}`);
      return;
    }
    const text = (field: string) => (typeof record[field] === 'string' && (record[field] as string).trim() !== '' ? (record[field] as string).trim() : null);
    out.regions.push({ code: text('code') ?? '', name: (record.name as string).trim(), level: (record.level as string).trim().toLowerCase(), parentCode: text('parentCode'), timeZone: text('timeZone') });
    out.places.push(place);
  });
  if (problems.length > 0) throw new CliError(`${file}: ${listed(problems)}`);
  return out;
}

/** Issues from the core (`input[3].parentCode`) told by place in the file: `line 5 (JS-NJ), parentCode: ...`. */
export function describeIssues(file: RegionFile, issues: readonly InputIssue[]): string {
  return describeIssuesAt(file.places, file.regions.map((r) => r.code), issues);
}
