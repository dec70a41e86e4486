/**
 * `weixi warnings backtest`: how often each warning rule enabled in a region would have been right as of
 * a past month. Activates the installed plugins (as the server does) so their rules are built with each
 * city's settings, then runs the read-only backtest of `PluginHost.backtestWarnings`.
 */
import { churnDefinitionFrom, InputError, NotFoundError, type WarningBacktest, type WarningBacktestFigures } from '@weixi/core';
import { withPluginHost } from '../plugin-host.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { format, parseOptions, wholeNumber } from '../arguments.js';
import { describeDatabase, withDatabase } from '../database.js';

const USAGE = `Usage: weixi warnings backtest --as-of YYYY-MM --horizon N [--region CODE]
                               [--months-without-revenue N] [--json]

Evaluates every warning rule whose plugin is enabled in the region (with each city's settings) as of
the month --as-of, over the customers active at its end, and compares the flags with who churned in
the N months after it: per rule and for the combined risk score, customers flagged, how many churned,
precision, recall, lift over the base churn rate, and precision and lift in the top 10% by score.
Nothing is written. Churned means status churned, or WEIXI_CHURN_MONTHS_WITHOUT_REVENUE months in a
row without revenue (default 3; 0: status only).

Options:
      --as-of YYYY-MM               the last complete month the rules count (usage recorded for it)
      --horizon N                   months after it in which a churn counts (1 to 12; must have ended)
      --region CODE                 the region judged (default: every region)
      --months-without-revenue N    override the churn definition (0: status churned only)
      --json                        print the figures as JSON
  -h, --help                        show this help

The database is DATABASE_URL, else PGlite at WEIXI_DATA_DIR or .weixi/data (stop a server using it
first); plugins are the workspace's plugins/* and WEIXI_PLUGINS.

Example: pnpm weixi warnings backtest --as-of 2026-06 --horizon 3 --region JS`;

export const warnings: Command = {
  name: 'warnings',
  summary: 'backtest the churn-warning rules against real churn',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === '-h' || sub === '--help') return help();
    if (sub !== 'backtest') throw new UsageError(sub === undefined ? 'no subcommand given: use backtest' : `unknown subcommand '${sub}': use backtest`, 'warnings');
    const values = parseOptions('warnings', rest, {
      'as-of': { type: 'string' },
      horizon: { type: 'string' },
      region: { type: 'string' },
      'months-without-revenue': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return help();
    const asOfMonth = values['as-of'];
    if (asOfMonth === undefined) throw new UsageError('--as-of YYYY-MM is required (the month the rules are judged as of)', 'warnings');
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(asOfMonth)) throw new UsageError(`--as-of must be a month YYYY-MM, got '${asOfMonth}'`, 'warnings');
    const horizonMonths = wholeNumber('horizon', values.horizon, { min: 1, max: 12 });
    if (horizonMonths === undefined) throw new UsageError('--horizon N is required (months after --as-of in which a churn counts)', 'warnings');
    const monthsWithoutRevenue = wholeNumber('months-without-revenue', values['months-without-revenue'], { min: 0, max: 12 });
    churnDefinitionFrom(process.env); // a bad WEIXI_CHURN_MONTHS_WITHOUT_REVENUE fails before the database opens

    const result = await withDatabase(async (database) => {
      return withPluginHost(database, async (host) => {
        try {
          process.stderr.write(`Backtesting the warning rules in ${describeDatabase()} as of ${asOfMonth}, horizon ${horizonMonths} months...\n`);
          return await host.backtestWarnings({ regionCode: values.region ?? null, asOfMonth, horizonMonths, ...(monthsWithoutRevenue === undefined ? {} : { monthsWithoutRevenue }) });
        } catch (error) {
          if (error instanceof InputError || error instanceof NotFoundError) throw new CliError(error.message);
          throw error;
        }
      });
    });
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : report(result));
    return 0;
  },
};

function help(): number {
  process.stdout.write(`${USAGE}\n`);
  return 0;
}

const percent = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const times = (v: number | null): string => (v === null ? '-' : `${v.toFixed(2)}x`);

function report(b: WarningBacktest): string {
  const churn = b.churn.monthsWithoutRevenue === null ? 'status churned' : `status churned, or ${b.churn.monthsWithoutRevenue} months in a row without revenue`;
  const lines = [
    `Warning backtest of ${b.regionCode ?? 'every region'} as of ${b.asOfMonth}, horizon ${b.horizonMonths} months (churned: ${churn})`,
    `${format(b.population)} customers active at the end of ${b.asOfMonth}; ${format(b.churned)} churned within the horizon (base rate ${percent(b.baseRate)}).`,
    `Top 10%: the ${format(b.topSize)} highest-scored flagged customers.`,
    '',
  ];
  const header = ['RULE', 'FLAGGED', 'CHURNED', 'PRECISION', 'RECALL', 'LIFT', 'TOP', 'TOP PRECISION', 'TOP LIFT'];
  const row = (name: string, f: WarningBacktestFigures) => [name, format(f.flagged), format(f.churned), percent(f.precision), percent(f.recall), times(f.lift), format(f.top.customers), percent(f.top.precision), times(f.top.lift)];
  const rows = [...b.rules.map((r) => row(`${r.pluginId}/${r.ruleId}`, r)), row('combined risk', b.combined)];
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  lines.push(...table.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')));
  if (b.rules.length === 0) lines.push('', 'No warning rule plugin is enabled in this region: enable one with the enablePlugin mutation.');
  return `${lines.join('\n')}\n`;
}
