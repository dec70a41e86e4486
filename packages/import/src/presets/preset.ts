/** The shape of a preset: one data set's layout, filling its kinds from one file. */
import { InputError } from '@weixi/core';
import type { Database } from '@weixi/db';
import type { RowMapper } from '../mapping.js';
import type { ImportKind } from '../rows.js';

export interface Preset {
  name: string;
  description: string;
  fills: ImportKind[];
  /** Checks the file's columns, creates the preset's sample regions when absent, and returns the mapper. */
  prepare(database: Database, columns: string[]): Promise<RowMapper>;
}

/** Throws InputError when the file lacks a column the preset reads. */
export function requireColumns(preset: string, columns: readonly string[], needed: readonly string[]): void {
  const missing = needed.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new InputError([{ path: 'file', message: `not a ${preset} file: it has no column ${missing.map((m) => JSON.stringify(m)).join(', ')}` }]);
}
