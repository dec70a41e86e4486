/**
 * A CSV file of named columns (a header line, then one item per line; blank lines and lines starting with #
 * skipped), as the CLI's all-or-nothing imports read them: regions, teams, agents, consent, the
 * do-not-disturb list. Read line by line so every item keeps its line number for messages; every bad line
 * is reported, not just the first. Small files are held (`readCsvTable`); big ones are visited row by row.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { InputIssue } from '@weixi/core';
import { CliError } from './cli-error.js';
import { splitCsvLine } from './csv.js';

export interface TableSpec {
  columns: readonly string[];
  required: readonly string[];
  /** The most items one file may hold (one all-or-nothing batch), and what an item is called. */
  max: number;
  what: string;
}

export interface TableFile {
  /** Each line's values by column, trimmed; a column the header leaves out is absent. */
  rows: Array<Record<string, string>>;
  /** Where each row was read: `line 7`. */
  places: string[];
}

export async function readCsvTable(file: string, spec: TableSpec): Promise<TableFile> {
  const out: TableFile = { rows: [], places: [] };
  await eachCsvRow(file, spec, (row, place) => {
    if (out.rows.length === spec.max) throw new CliError(`${file}: more than ${spec.max} ${spec.what}; one import is one all-or-nothing batch of at most ${spec.max} (split the file)`);
    out.rows.push(row);
    out.places.push(place);
  });
  return out;
}

/**
 * Reads the file row by row without keeping it, for files too big to hold (a do-not-disturb list of a
 * million numbers): `visit` gets each row's values, its place (`line 7`) and the problem list to add the
 * row's own problems to (`line 7, msisdn: ...`); an async visitor is awaited before the next line. The
 * file's problems and the visitor's are thrown together at the end, in line order; resolves to the number
 * of rows when there are none.
 */
export async function eachCsvRow(file: string, spec: Pick<TableSpec, 'columns' | 'required' | 'what'>, visit: (row: Record<string, string>, place: string, problems: string[]) => void | Promise<void>): Promise<number> {
  try {
    return await readLines(file, spec, visit);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${file}: no such file`);
    if (code === 'EISDIR') throw new CliError(`${file} is a folder, not a CSV file`);
    throw error;
  }
}

async function readLines(file: string, spec: Pick<TableSpec, 'columns' | 'required' | 'what'>, visit: (row: Record<string, string>, place: string, problems: string[]) => void | Promise<void>): Promise<number> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header: string[] | undefined;
  let lineNo = 0;
  let rows = 0;
  const problems: string[] = [];
  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const cells = splitCsvLine(line);
    if (typeof cells === 'string') {
      problems.push(`line ${lineNo}: ${cells}`);
      continue;
    }
    if (!header) {
      header = cells.map((c) => c.trim());
      const unknown = header.filter((c) => !spec.columns.includes(c));
      const missing = spec.required.filter((c) => !header!.includes(c));
      if (unknown.length > 0 || missing.length > 0) {
        const what = [unknown.length > 0 ? `unknown column ${unknown.map((c) => JSON.stringify(c)).join(', ')}` : '', missing.length > 0 ? `missing column ${missing.join(', ')}` : ''].filter(Boolean).join('; ');
        throw new CliError(`${file}: line ${lineNo}, the header: ${what}. Columns: ${spec.columns.join(',')} (required: ${spec.required.join(', ')})`);
      }
      continue;
    }
    if (cells.length !== header.length) {
      problems.push(`line ${lineNo}: ${cells.length} values for ${header.length} columns (${header.join(',')})`);
      continue;
    }
    rows++;
    await visit(Object.fromEntries(header.map((column, i) => [column, cells[i]!.trim()])), `line ${lineNo}`, problems);
  }
  if (!header) throw new CliError(`${file}: no header line (${spec.columns.join(',')}) and no ${spec.what}`);
  if (problems.length > 0) throw new CliError(`${file}: ${listed(problems)}`);
  return rows;
}

/** Issues from the core (`input[3].parentCode`) told by place in the file: `line 5 (JS-NJ), parentCode: ...`. */
export function describeIssuesAt(places: readonly string[], labels: ReadonlyArray<string | undefined>, issues: readonly InputIssue[], path = 'input'): string {
  const pattern = new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}\\[(\\d+)\\](?:\\.(\\w+))?`);
  return listed(
    issues.map((issue) => {
      const m = pattern.exec(issue.path);
      if (!m) return issue.message;
      const index = Number(m[1]);
      const label = labels[index];
      return `${places[index] ?? `item ${index + 1}`}${label ? ` (${label})` : ''}${m[2] ? `, ${m[2]}` : ''}: ${issue.message}`;
    }),
  );
}

/** At most 20 problems, counted. */
export function listed(problems: readonly string[]): string {
  const shown = problems.slice(0, 20);
  return `${problems.length === 1 ? '' : `${problems.length} problems:\n  `}${shown.join('\n  ')}${problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : ''}`;
}
