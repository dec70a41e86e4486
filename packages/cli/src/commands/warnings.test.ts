/**
 * `weixi warnings backtest`, spawned as a user runs it, on a demo population the CLI seeded itself, with
 * the silent-customer rule enabled in one city (as the enablePlugin mutation would store it).
 */
import type { Database } from '@weixi/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, runWeixi, type CliDatabase } from '../spawn-cli.test-support.js';

const SLOW = 180_000;
let cli: CliDatabase;

// The seed generates usage for the months before today's: judge the one four months back, horizon 3.
const now = new Date();
const month = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
const AS_OF = month(-4);

const inspect = <T,>(read: (database: Database) => Promise<T>) => cli.inspect(read);
const weixi = (...args: string[]) => runWeixi(args, cli.env);

beforeAll(async () => {
  cli = await cliDatabase('warnings', ['WEIXI_CHURN_MONTHS_WITHOUT_REVENUE']);
  const seeded = await weixi('seed', '--customers', '1500');
  expect(seeded.code, seeded.stderr).toBe(0);
  await inspect((database) => database.rows(sql`insert into plugin_configs (plugin_id, region_id, enabled) select 'warning-silent-customers', id, true from regions where code = 'JS-NJ'`));
}, SLOW);
afterAll(() => cli?.close());

describe('weixi warnings backtest', () => {
  it('prints each enabled rule and the combined score against the churn of the horizon', async () => {
    const json = await weixi('warnings', 'backtest', '--as-of', AS_OF, '--horizon', '3', '--region', 'JS', '--json');
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout);
    const [expected] = await inspect((database) =>
      database.rows<{ population: number; churned: number }>(sql`
        select count(*)::int as population, (count(*) filter (where c.churned_on < ${`${month(0)}-01`}::date))::int as churned
        from customers c join regions r on r.id = c.region_id
        where starts_with(r.path, '/JS/') and c.joined_on < ${`${month(-3)}-01`}::date and (c.churned_on is null or c.churned_on >= ${`${month(-3)}-01`}::date)`),
    );
    // Churn by status only here: three months without revenue can only add to it.
    expect(result).toMatchObject({ asOfMonth: AS_OF, horizonMonths: 3, regionCode: 'JS', population: expected!.population, churn: { monthsWithoutRevenue: 3 } });
    expect(result.churned).toBeGreaterThanOrEqual(expected!.churned);
    expect(result.rules.map((r: { pluginId: string; ruleId: string; cities: string[] }) => [r.pluginId, r.ruleId, r.cities])).toEqual([['warning-silent-customers', 'silent-customer', ['JS-NJ']]]);

    const text = await weixi('warnings', 'backtest', '--as-of', AS_OF, '--horizon', '3', '--region', 'JS', '--months-without-revenue', '0');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Warning backtest of JS as of ${AS_OF}, horizon 3 months (churned: status churned)`);
    expect(text.stdout).toContain(`${expected!.population.toLocaleString('en-US')} customers active at the end of ${AS_OF}; ${expected!.churned.toLocaleString('en-US')} churned`);
    expect(text.stdout).toMatch(/warning-silent-customers\/silent-customer\s+[\d,]+\s+[\d,]+/);
    expect(text.stdout).toMatch(/combined risk\s+[\d,]+/);
  }, SLOW);

  it('names what is wrong and exits non-zero', async () => {
    const missing = await weixi('warnings', 'backtest', '--horizon', '3');
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('--as-of YYYY-MM is required');
    const open = await weixi('warnings', 'backtest', '--as-of', month(-1), '--horizon', '3');
    expect(open.code).toBe(1);
    expect(open.stderr).toContain(`horizon: as of ${month(-1)}, 3 months run to ${month(2)}, which has not ended`);
    const region = await weixi('warnings', 'backtest', '--as-of', AS_OF, '--horizon', '3', '--region', 'XX');
    expect(region.code).toBe(1);
    expect(region.stderr).toContain('region "XX" does not exist');
    const subcommand = await weixi('warnings', 'run');
    expect(subcommand).toMatchObject({ code: 2 });
    expect(subcommand.stderr).toContain("unknown subcommand 'run': use backtest");
  }, SLOW);
});
