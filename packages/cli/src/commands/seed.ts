import { DEFAULT_DEMO_SEED, DEFAULT_USAGE_MONTHS, MAX_DEMO_CUSTOMERS, MAX_USAGE_MONTHS, hasCustomers, seedDemoData } from '@weixi/demo';
import { sql } from 'drizzle-orm';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { format, parseOptions, wholeNumber } from '../arguments.js';
import { describeDatabase, withDatabase } from '../database.js';
import { applyMigrations } from '../migrations.js';
import { createProgressReporter } from '../progress.js';
import { describeMigrations } from './migrate.js';

export const seed: Command = {
  name: 'seed',
  summary: 'generate a demo population into an empty database',
  usage: `Usage: weixi seed --customers N [--seed S] [--months M]

Migrates the configured database, then generates N synthetic customers (regions, plans, households,
M months of usage, churn over the whole window with warning signals before each churn) into it. The
database must have no customers yet.

Options:
  -n, --customers N   how many customers (1 to ${format(MAX_DEMO_CUSTOMERS)})
      --seed S        generator seed (default ${DEFAULT_DEMO_SEED}); the same seed gives the same population
      --months M      complete months of usage before this month (1 to ${MAX_USAGE_MONTHS}, default ${DEFAULT_USAGE_MONTHS})
  -h, --help          show this help

Example: pnpm weixi seed --customers 20000`,
  async run(args) {
    const values = parseOptions('seed', args, {
      customers: { type: 'string', short: 'n' },
      seed: { type: 'string' },
      months: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${seed.usage}\n`);
      return 0;
    }
    const customers = wholeNumber('customers', values.customers, { min: 1, max: MAX_DEMO_CUSTOMERS });
    if (customers === undefined) throw new UsageError('--customers N is required (how many customers to generate)', 'seed');
    const months = wholeNumber('months', values.months, { min: 1, max: MAX_USAGE_MONTHS }) ?? DEFAULT_USAGE_MONTHS;
    const seedValue = wholeNumber('seed', values.seed, { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }) ?? DEFAULT_DEMO_SEED;

    await withDatabase(async (database) => {
      process.stdout.write(`${describeMigrations(await applyMigrations(database))}\n`);
      if (await hasCustomers(database)) {
        const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from customers`);
        throw new CliError(
          `${describeDatabase()} already has ${format(row?.n ?? 0)} customers: demo data is only seeded into an empty ` +
            'database. Point WEIXI_DATA_DIR or DATABASE_URL at a new one.',
        );
      }
      const started = Date.now();
      const progress = createProgressReporter();
      const result = await seedDemoData(database, { customers, seed: seedValue, months, onProgress: (p) => progress.update(p) })
        .finally(() => progress.stop());
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `Seeded ${format(result.customers)} customers, ${format(result.usageRows)} monthly usage rows and ` +
          `${result.regions} regions into ${describeDatabase()} in ${seconds} s (seed ${seedValue})\n`,
      );
    });
    return 0;
  },
};
