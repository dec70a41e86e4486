import { DEFAULT_DEMO_SEED, MAX_DEMO_CUSTOMERS, hasCustomers, seedDemoData } from '@weixi/demo';
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
  usage: `Usage: weixi seed --customers N [--seed S]

Migrates the configured database, then generates N synthetic customers (regions, plans, households,
six months of usage with a churn-prone share) into it. The database must have no customers yet.

Options:
  -n, --customers N   how many customers (1 to ${format(MAX_DEMO_CUSTOMERS)})
      --seed S        generator seed (default ${DEFAULT_DEMO_SEED}); the same seed gives the same population
  -h, --help          show this help

Example: pnpm weixi seed --customers 20000`,
  async run(args) {
    const values = parseOptions('seed', args, {
      customers: { type: 'string', short: 'n' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${seed.usage}\n`);
      return 0;
    }
    const customers = wholeNumber('customers', values.customers, { min: 1, max: MAX_DEMO_CUSTOMERS });
    if (customers === undefined) throw new UsageError('--customers N is required (how many customers to generate)', 'seed');
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
      const result = await seedDemoData(database, { customers, seed: seedValue, onProgress: (p) => progress.update(p) })
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
