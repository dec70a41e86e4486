import { InputError, monthStart } from '@weixi/core';
import { regions } from '@weixi/db';
import { createTestDatabase, type TestDatabase } from '@weixi/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCalendar } from './calendar.js';
import { DatabaseNotEmptyError, hasCustomers, seedDemoData, type SeedProgress } from './index.js';

const CUSTOMERS = 3000;
const now = new Date('2026-03-15T04:00:00Z');
const calendar = demoCalendar(now);

let main: TestDatabase;
let sameSeed: TestDatabase;
let otherSeed: TestDatabase;
const progress: SeedProgress[] = [];
let result: Awaited<ReturnType<typeof seedDemoData>>;

beforeAll(async () => {
  [main, sameSeed, otherSeed] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase()]);
  // A region that already exists with another name: the seed must update it, not duplicate it.
  await otherSeed.db.insert(regions).values({ code: 'JS', name: 'old name', level: 'province', timeZone: 'UTC', path: '/JS/' });
  result = await seedDemoData(main, { customers: CUSTOMERS, now, chunkSize: 1000, onProgress: (p) => progress.push(p) });
  // Another chunking must not change the population: draws depend on row numbers only.
  await seedDemoData(sameSeed, { customers: CUSTOMERS, now, chunkSize: CUSTOMERS });
  await seedDemoData(otherSeed, { customers: CUSTOMERS, now, seed: 7 });
});
afterAll(() => Promise.all([main, sameSeed, otherSeed].map((d) => d?.close())));

async function one<T extends Record<string, unknown>>(database: TestDatabase, query: string): Promise<T> {
  const [row] = await database.rows<T>(sql.raw(query));
  return row!;
}

async function checksums(database: TestDatabase): Promise<{ customers: string; usage: string }> {
  return one(database, `select
    (select md5(string_agg(concat_ws('|', c.msisdn, c.name, r.code, c.joined_on, c.plan, c.payment_type, c.balance_cents,
       c.credit_limit_cents, c.points, c.contract_ends_on, c.device, c.birthday, c.group_id, c.group_kind, c.is_campus,
       c.account_manager, c.consent::text, c.status, c.churned_on), ',' order by c.msisdn))
     from customers c join regions r on r.id = c.region_id) as customers,
    (select md5(string_agg(concat_ws('|', c.msisdn, u.month, u.revenue_cents, u.voice_minutes, u.data_mb, u.sms,
       u.recharge_cents, u.active_days, u.complaints, u.competitor_contacts), ',' order by c.msisdn, u.month))
     from monthly_usage u join customers c on c.id = u.customer_id) as usage`);
}

describe('seedDemoData', () => {
  it('reports what it wrote and its progress per chunk', async () => {
    const counts = await one<{ customers: number; usage: number; regions: number }>(main,
      `select (select count(*) from customers)::int as customers, (select count(*) from monthly_usage)::int as usage,
        (select count(*) from regions)::int as regions`);
    expect(result).toEqual({ customers: CUSTOMERS, usageRows: counts.usage, regions: 23 });
    expect(counts).toMatchObject({ customers: CUSTOMERS, regions: 23 });
    const customerSteps = progress.filter((p) => p.phase === 'customers').map((p) => p.done);
    expect(customerSteps).toEqual([0, 1000, 2000, 3000]);
    expect(progress.at(-1)).toEqual({ phase: 'statistics', done: 1, total: 1 });
  });

  it('is deterministic for a seed and differs for another', async () => {
    const [a, b, c] = await Promise.all([checksums(main), checksums(sameSeed), checksums(otherSeed)]);
    expect(b).toEqual(a);
    expect(c.customers).not.toBe(a.customers);
    expect(c.usage).not.toBe(a.usage);
  });

  it('puts about 80% of revenue on the top 20% of customers', async () => {
    const { share } = await one<{ share: number }>(main, `
      with revenue as (
        select c.id, coalesce(sum(u.revenue_cents), 0)::float8 as cents
        from customers c left join monthly_usage u on u.customer_id = c.id group by c.id),
      ranked as (select cents, row_number() over (order by cents desc) as rank from revenue)
      select (sum(cents) filter (where rank <= ${CUSTOMERS * 0.2}) / sum(cents))::float8 as share from ranked`);
    expect(share).toBeGreaterThanOrEqual(0.75);
    expect(share).toBeLessThanOrEqual(0.85);
  });

  it('writes exactly the six complete months before the month of now', async () => {
    const rows = await main.rows<{ month: string }>(sql`select distinct month::text as month from monthly_usage order by 1`);
    expect(rows.map((r) => r.month)).toEqual(calendar.months);
    expect(calendar.months.every((m) => m < monthStart(now))).toBe(true);
    expect(calendar.months[0]).toBe('2025-09-01');
  });

  it('builds the whole region tree and spreads customers over every district', async () => {
    const levels = await main.rows<{ level: string; n: number; zones: string }>(sql`
      select level, count(*)::int as n, string_agg(distinct time_zone, ',') as zones from regions group by level order by level`);
    expect(levels).toEqual([
      { level: 'city', n: 6, zones: 'Asia/Shanghai' },
      { level: 'district', n: 15, zones: 'Asia/Shanghai' },
      { level: 'province', n: 2, zones: 'Asia/Shanghai' },
    ]);
    const tree = await one<{ bad_paths: number; empty_districts: number; outside: number; gl: string }>(main, `select
      (select count(*) from regions r join regions p on p.id = r.parent_id
        where r.path <> p.path || r.code || '/')::int as bad_paths,
      (select count(*) from regions r where r.level = 'district'
        and not exists (select 1 from customers c where c.region_id = r.id))::int as empty_districts,
      (select count(*) from customers c join regions r on r.id = c.region_id where r.level <> 'district')::int as outside,
      (select path from regions where code = 'JS-NJ-GL') as gl`);
    expect(tree).toEqual({ bad_paths: 0, empty_districts: 0, outside: 0, gl: '/JS/JS-NJ/JS-NJ-GL/' });
    const [big, small] = await Promise.all(['/JS/JS-SZ/', '/JS/JS-WX/'].map((path) =>
      one<{ n: number }>(main, `select count(*)::int as n from customers c join regions r on r.id = c.region_id where r.path like '${path}%'`)));
    expect(big!.n).toBeGreaterThan(small!.n);
    const upserted = await otherSeed.rows<{ n: number; name: string }>(sql`
      select (select count(*) from regions)::int as n, (select name from regions where code = 'JS') as name`);
    expect(upserted).toEqual([{ n: 23, name: '江苏省' }]);
  });

  it('spreads contract ends over the coming year, with some already past', async () => {
    const contracts = await one<{ future_months: number; past: number; total: number }>(main, `select
      count(distinct date_trunc('month', contract_ends_on)) filter (where contract_ends_on > date '${calendar.today}')::int as future_months,
      count(*) filter (where contract_ends_on <= date '${calendar.today}')::int as past,
      count(contract_ends_on)::int as total from customers`);
    expect(contracts.future_months).toBeGreaterThanOrEqual(10);
    expect(contracts.past).toBeGreaterThan(0);
    expect(contracts.total / CUSTOMERS).toBeGreaterThan(0.2);
  });

  it('has a churn-prone share whose revenue falls or goes silent, with the complaints', async () => {
    const rows = await main.rows<{ falling: boolean; n: number; complaints: number; competitors: number }>(sql.raw(`
      with history as (
        select c.id,
          sum(u.revenue_cents) filter (where u.month in ('${calendar.months[0]}', '${calendar.months[1]}')) as first_two,
          sum(u.revenue_cents) filter (where u.month in ('${calendar.months[4]}', '${calendar.months[5]}')) as last_two,
          bool_or(u.month = '${calendar.months[5]}' and u.active_days = 0) as silent,
          count(*) as months, sum(u.complaints) as complaints, sum(u.competitor_contacts) as competitors
        from customers c join monthly_usage u on u.customer_id = c.id
        where c.status <> 'churned' group by c.id)
      select (last_two < 0.7 * first_two or silent) as falling, count(*)::int as n,
        avg(complaints)::float8 as complaints, avg(competitors)::float8 as competitors
      from history where months = 6 group by 1 order by 1`));
    const [steady, falling] = rows;
    const share = falling!.n / (falling!.n + steady!.n);
    expect(share).toBeGreaterThanOrEqual(0.05);
    expect(share).toBeLessThanOrEqual(0.2);
    expect(falling!.complaints).toBeGreaterThan(5 * steady!.complaints);
    expect(falling!.competitors).toBeGreaterThan(5 * steady!.competitors);
  });

  it('gives unique 11-digit numbers and consistent statuses', async () => {
    const checks = await one<Record<string, number>>(main, `select
      count(distinct msisdn)::int as distinct_numbers,
      count(*) filter (where msisdn !~ '^1[358][0-9]{9}$')::int as malformed,
      count(*) filter (where (status = 'churned') <> (churned_on is not null))::int as inconsistent,
      count(*) filter (where churned_on > date '${calendar.today}' or churned_on <= joined_on)::int as bad_churn_dates,
      count(*) filter (where status = 'churned')::int as churned,
      count(*) filter (where status = 'suspended')::int as suspended,
      count(*) filter (where payment_type = 'prepaid')::int as prepaid,
      count(*) filter (where is_campus)::int as campus,
      (select count(*) from monthly_usage u join customers c on c.id = u.customer_id
        where u.month > c.churned_on or u.month < date_trunc('month', c.joined_on))::int as usage_outside_tenure,
      count(*) filter (where joined_on > date '${calendar.today}' - 92)::int as recent,
      count(*) filter (where joined_on < date '${calendar.today}' - 3000)::int as veterans,
      count(*) filter (where to_char(birthday, 'MM-DD') = to_char(date '${calendar.today}', 'MM-DD'))::int as birthday_today,
      count(*) filter (where consent->>'sms' = 'false' or consent->>'call' = 'false')::int as opted_out,
      count(*) filter (where consent ?& array['sms', 'call', 'app', 'email'])::int as full_consent_map,
      count(*) filter (where payment_type = 'postpaid' and credit_limit_cents = 0)::int as postpaid_without_credit,
      count(account_manager)::int as managed,
      count(device)::int as with_device
      from customers`);
    expect(checks).toMatchObject({
      distinct_numbers: CUSTOMERS, malformed: 0, inconsistent: 0, bad_churn_dates: 0, usage_outside_tenure: 0,
      full_consent_map: CUSTOMERS, postpaid_without_credit: 0,
    });
    expect(checks.churned! / CUSTOMERS).toBeGreaterThan(0.01);
    expect(checks.churned! / CUSTOMERS).toBeLessThan(0.035);
    expect(checks.suspended! / CUSTOMERS).toBeGreaterThan(0.02);
    expect(checks.suspended! / CUSTOMERS).toBeLessThan(0.045);
    expect(checks.prepaid! / CUSTOMERS).toBeGreaterThan(0.5);
    expect(checks.prepaid! / CUSTOMERS).toBeLessThan(0.7);
    expect(checks.campus! / CUSTOMERS).toBeGreaterThan(0.03);
    expect(checks.campus! / CUSTOMERS).toBeLessThan(0.07);
    for (const key of ['recent', 'veterans', 'birthday_today', 'opted_out', 'managed', 'with_device']) {
      expect(checks[key], key).toBeGreaterThan(0);
    }
  });

  it('forms households of 2 to 4 members who live in the same district', async () => {
    const groups = await main.rows<{ kind: string; min: number; max: number; districts: number; groups: number }>(sql`
      select group_kind as kind, min(size)::int as min, max(size)::int as max, max(districts)::int as districts,
        count(*)::int as groups
      from (select group_kind, group_id, count(*) as size, count(distinct region_id) as districts
            from customers where group_id is not null group by 1, 2) g
      group by 1 order by 1`);
    const household = groups.find((g) => g.kind === 'household');
    expect(household).toMatchObject({ min: 2, max: 4, districts: 1 });
    expect(household!.groups).toBeGreaterThan(CUSTOMERS * 0.05);
    const enterprise = groups.find((g) => g.kind === 'enterprise');
    expect(enterprise?.min).toBeGreaterThanOrEqual(12);
  });

  it('refuses a database that already has customers, and bad options', async () => {
    expect(await hasCustomers(main)).toBe(true);
    await expect(seedDemoData(main, { customers: 10, now })).rejects.toBeInstanceOf(DatabaseNotEmptyError);
    expect(await one<{ n: number }>(main, 'select count(*)::int as n from customers')).toEqual({ n: CUSTOMERS });
    await expect(seedDemoData(main, { customers: -5 })).rejects.toBeInstanceOf(InputError);
    await expect(seedDemoData(main, { customers: 1.5 })).rejects.toThrow(/customers/);
  });
});
