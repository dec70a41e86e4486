/**
 * `weixi kpis --region CODE --month YYYY-MM [--by DIMENSION] [--csv] [--refresh]`: the KPIs the `kpis` query
 * gives, as a table or CSV. `--refresh` first recomputes the region's churn facts for the 12 months up to
 * the month (what the daily churn-facts job does), for a database the job has not run on.
 */
import { regionsByCode } from '@weixi/core';
import { addMonths, computeChurnFacts, KPI_DIMENSIONS, kpisOf, type Interval, type KpiDimension, type KpiRow } from '@weixi/kpis';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../cli-error.js';
import { format, parseOptions } from '../arguments.js';
import { csvField } from '../csv.js';
import { describeDatabase, withDatabase } from '../database.js';

const USAGE = `Usage: weixi kpis --region CODE --month YYYY-MM [--by ${KPI_DIMENSIONS.join('|')}] [--csv] [--refresh]

Prints the KPIs of a region and the regions below it for a month: customers at its start, churned,
retention rate (保有率) and churn rate (离网率), warning precision and recall, tasks created, completion,
success and reach rates, cost per retained customer, and uplift: treated against the control group held
out of the same tactics, retention difference with its 95% interval, revenue difference, sample sizes.
With --by, one row per child region (roll-up), tier, tactic, channel, team or agent.

Options:
      --region CODE     the region (its subtree counts)
      --month YYYY-MM   the month
      --by DIMENSION    split the rows: ${KPI_DIMENSIONS.join(', ')}
      --csv             print CSV (every figure, rates as fractions, money in cents)
      --refresh         recompute the region's churn facts for the 12 months up to --month first
  -h, --help            show this help

Churn figures come from the churn facts the daily churn-facts job computes. The database is DATABASE_URL,
else PGlite at WEIXI_DATA_DIR or .weixi/data (stop a server using it first).

Example: pnpm weixi kpis --region JS --month 2026-10 --by tactic`;

export const kpis: Command = {
  name: 'kpis',
  summary: 'retention, churn, warning, task and uplift figures of a region for a month',
  usage: USAGE,
  async run(args) {
    const values = parseOptions('kpis', args, {
      region: { type: 'string' },
      month: { type: 'string' },
      by: { type: 'string' },
      csv: { type: 'boolean' },
      refresh: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const { region: code, month } = values;
    if (code === undefined) throw new UsageError('--region CODE is required', 'kpis');
    if (month === undefined) throw new UsageError('--month YYYY-MM is required', 'kpis');
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UsageError(`--month must be a month YYYY-MM, got '${month}'`, 'kpis');
    const by = values.by ?? null;
    if (by !== null && !(KPI_DIMENSIONS as readonly string[]).includes(by)) throw new UsageError(`--by must be one of ${KPI_DIMENSIONS.join(', ')}, got '${by}'`, 'kpis');
    const report = await withDatabase(async (database) => {
      const region = (await regionsByCode(database.db, [code])).get(code);
      if (!region) throw new CliError(`no region ${JSON.stringify(code)} in ${describeDatabase()}; weixi regions list shows the codes`);
      if (values.refresh) {
        const done = await computeChurnFacts(database.db, { region, from: addMonths(month, -11), to: month });
        process.stderr.write(`Churn facts of ${code} for ${addMonths(month, -11)}..${month}: ${format(done.rows)} customer months written, ${format(done.churned)} of them churned\n`);
      }
      return kpisOf(database.db, region, month, by as KpiDimension | null);
    });
    if (report.rows.every((r) => !r.customers) && report.rows.every((r) => r.tasks === 0)) {
      process.stderr.write(`No churn facts or tasks for ${month} in ${code}: the churn-facts job computes the facts daily (or use --refresh).\n`);
    }
    process.stdout.write(values.csv ? csv(report.rows) : table(report.rows, `KPIs of ${code} for ${month}${by ? ` by ${by}` : ''}, horizon ${report.horizonMonths} months`));
    return 0;
  },
};

const percent = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const points = (i: Interval | null): string => (i === null ? '-' : `${(i.difference * 100).toFixed(1)} pts [${(i.low * 100).toFixed(1)}, ${(i.high * 100).toFixed(1)}]`);
const yuan = (cents: number | null): string => (cents === null ? '-' : (cents / 100).toFixed(2));
const count = (v: number | null): string => (v === null ? '-' : format(v));

function table(rows: KpiRow[], title: string): string {
  const header = ['', 'CUSTOMERS', 'CHURNED', 'RETENTION', 'CHURN', 'PRECISION', 'RECALL', 'TASKS', 'DONE', 'SUCCESS', 'REACH', 'COST/RETAINED', 'TREATED', 'CONTROL', 'UPLIFT (95% CI)', 'REVENUE Δ'];
  const cells = rows.map((r) => [
    r.key,
    count(r.customers),
    count(r.churned),
    percent(r.retentionRate),
    percent(r.churnRate),
    percent(r.warningPrecision),
    percent(r.warningRecall),
    format(r.tasks),
    percent(r.completionRate),
    percent(r.successRate),
    percent(r.reachRate),
    yuan(r.costPerRetainedCents),
    r.uplift ? format(r.uplift.treated) : '-',
    r.uplift ? format(r.uplift.control) : '-',
    points(r.uplift?.retention ?? null),
    yuan(r.uplift?.revenueCents?.difference ?? null),
  ]);
  const all = [header, ...cells];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const lines = all.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
  return `${title}\n\n${lines.join('\n')}\n`;
}

const CSV_COLUMNS = [
  'key', 'customers', 'churned', 'retentionRate', 'churnRate', 'warned', 'warnedChurned', 'churnedWarned', 'warningPrecision', 'warningRecall',
  'tasks', 'done', 'retained', 'attempted', 'reached', 'completionRate', 'successRate', 'reachRate', 'costCents', 'costPerRetainedCents',
] as const;
const UPLIFT_COLUMNS = ['treated', 'control', 'treatedRetentionRate', 'controlRetentionRate', 'retentionDifference', 'retentionLow', 'retentionHigh', 'treatedRevenueCents', 'controlRevenueCents', 'revenueDifferenceCents', 'revenueLowCents', 'revenueHighCents'];

function csv(rows: KpiRow[]): string {
  const text = (v: unknown) => (v === null || v === undefined ? '' : csvField(String(v)));
  const lines = [[...CSV_COLUMNS, ...UPLIFT_COLUMNS].join(',')];
  for (const r of rows) {
    const u = r.uplift;
    const uplift = u
      ? [u.treated, u.control, u.treatedRetentionRate, u.controlRetentionRate, u.retention?.difference, u.retention?.low, u.retention?.high, u.treatedRevenueCents, u.controlRevenueCents, u.revenueCents?.difference, u.revenueCents?.low, u.revenueCents?.high]
      : UPLIFT_COLUMNS.map(() => null);
    lines.push([...CSV_COLUMNS.map((c) => r[c]), ...uplift].map(text).join(','));
  }
  return `${lines.join('\n')}\n`;
}
