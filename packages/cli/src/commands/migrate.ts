import type { Command } from '../command.js';
import { parseOptions } from '../arguments.js';
import { describeDatabase, withDatabase } from '../database.js';
import { applyMigrations, type MigrationReport } from '../migrations.js';

export const migrate: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations',
  usage: `Usage: weixi migrate

Applies the pending migrations to the configured database (DATABASE_URL, else PGlite at
WEIXI_DATA_DIR or .weixi/data) and prints which ones it applied. Safe to run again.`,
  async run(args) {
    parseOptions('migrate', args, {});
    const report = await withDatabase(applyMigrations);
    process.stdout.write(`${describeMigrations(report)}\n`);
    return 0;
  },
};

export function describeMigrations(report: MigrationReport): string {
  const where = describeDatabase();
  if (report.applied.length === 0) {
    return `${where} is up to date (${report.total} migration${report.total === 1 ? '' : 's'} applied earlier)`;
  }
  const count = `${report.applied.length} migration${report.applied.length === 1 ? '' : 's'}`;
  return `Applied ${count} to ${where}: ${report.applied.join(', ')}`;
}
