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
let short: TestDatabase;
const progress: SeedProgress[] = [];
let result: Awaited<ReturnType<typeof seedDemoData>>;

beforeAll(async () => {
  [main, sameSeed, otherSeed, short] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase(), createTestDatabase()]);
  // A region that already exists with another name: the seed must update it, not duplicate it.
  await otherSeed.db.insert(regions).values({ code: 'JS', name: 'old name', level: 'province', timeZone: 'UTC', path: '/JS/' });
  result = await seedDemoData(main, { customers: CUSTOMERS, now, chunkSize: 1000, onProgress: (p) => progress.push(p) });
  // Another chunking must not change the population: draws depend on row numbers only.
  await seedDemoData(sameSeed, { customers: CUSTOMERS, now, chunkSize: CUSTOMERS });
  await seedDemoData(otherSeed, { customers: CUSTOMERS, now, seed: 7 });
  await seedDemoData(short, { customers: 500, now, months: 3 });
});
afterAll(() => Promise.all([main, sameSeed, otherSeed, short].map((d) => d?.close())));

async function one<T extends Record<string, unknown>>(database: TestDatabase, query: string): Promise<T> {
  const [row] = await database.rows<T>(sql.raw(query));
  return row!;
}

async function checksums(database: TestDatabase): Promise<{ customers: string; usage: string; events: string }> {
  return one(database, `select
    (select md5(string_agg(concat_ws('|', c.msisdn, c.name, r.code, c.joined_on, c.plan, c.payment_type, c.balance_cents,
       c.credit_limit_cents, c.points, c.contract_ends_on, c.device, c.birthday, c.group_id, c.group_kind, c.is_campus,
       c.account_manager, c.consent::text, c.status, c.churned_on, c.attributes::text), ',' order by c.msisdn))
     from customers c join regions r on r.id = c.region_id) as customers,
    (select md5(string_agg(concat_ws('|', c.msisdn, e.type, e.occurred_at, e.payload::text, e.idempotency_key), ','
       order by c.msisdn, e.idempotency_key))
     from customer_events e join customers c on c.id = e.customer_id) as events,
    (select md5(string_agg(concat_ws('|', c.msisdn, u.month, u.revenue_cents, u.voice_minutes, u.data_mb, u.sms,
       u.recharge_cents, u.active_days, u.complaints, u.competitor_contacts), ',' order by c.msisdn, u.month))
     from monthly_usage u join customers c on c.id = u.customer_id) as usage`);
}

describe('seedDemoData', () => {
  it('reports what it wrote and its progress per chunk', async () => {
    const counts = await one<{ customers: number; usage: number; events: number; regions: number }>(main,
      `select (select count(*) from customers)::int as customers, (select count(*) from monthly_usage)::int as usage,
        (select count(*) from customer_events)::int as events, (select count(*) from regions)::int as regions`);
    expect(result).toEqual({ customers: CUSTOMERS, usageRows: counts.usage, events: counts.events, regions: 23 });
    expect(counts.events).toBeGreaterThan(0);
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
    expect(c.events).not.toBe(a.events);
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

  it('writes exactly the twelve complete months before the month of now, or the months asked for', async () => {
    const months = (database: TestDatabase) =>
      database.rows<{ month: string }>(sql`select distinct month::text as month from monthly_usage order by 1`).then((rows) => rows.map((r) => r.month));
    expect(await months(main)).toEqual(calendar.months);
    expect(calendar.months).toHaveLength(12);
    expect(calendar.months.every((m) => m < monthStart(now))).toBe(true);
    expect(calendar.months[0]).toBe('2025-03-01');
    expect(await months(short)).toEqual(['2025-12-01', '2026-01-01', '2026-02-01']);
    // Churn is spread over the window it was asked for, today included.
    const { first } = await one<{ first: string }>(short, 'select min(churned_on)::text as first from customers');
    expect(first >= '2025-12-01' && first < '2025-12-15').toBe(true);
  });

  it('spreads churn evenly over every month of the window, up to today', async () => {
    const rows = await main.rows<{ month: string; n: number }>(sql`
      select to_char(churned_on, 'YYYY-MM-01') as month, count(*)::int as n from customers where churned_on is not null group by 1 order by 1`);
    expect(rows.map((r) => r.month)).toEqual([...calendar.months, calendar.currentMonth]);
    const full = rows.slice(0, -1).map((r) => r.n);
    const mean = full.reduce((a, b) => a + b, 0) / full.length;
    for (const n of full) expect(Math.abs(n - mean) / mean).toBeLessThan(0.45);
    expect(rows.at(-1)!.n).toBeLessThan(mean);
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

  it('raises complaints in the three months before a churn, and a little among those who stay', async () => {
    const rows = await main.rows<{ churner: boolean; rate: number; months: number }>(sql.raw(`
      select c.churned_on is not null as churner, avg((u.complaints > 0)::int)::float8 as rate, count(*)::int as months
      from customers c join monthly_usage u on u.customer_id = c.id
      where c.churned_on is null or (u.month >= date_trunc('month', c.churned_on) - interval '3 months' and u.month < date_trunc('month', c.churned_on))
      group by 1 order by 1`));
    const [stay, churner] = rows;
    expect(churner!.months).toBeGreaterThan(300);
    expect(churner!.rate).toBeGreaterThan(4 * stay!.rate);
    expect(stay!.rate).toBeGreaterThan(0);
  });

  it('lets revenue, voice and data fall and lines go silent before a churn, each on some churners only', async () => {
    // The month before the churn month against the average of the three before that.
    const s = await one<Record<string, number>>(main, `
      with runs as (
        select c.id, c.churned_on is not null as churner,
          sum(u.revenue_cents) filter (where u.month = r.last) as revenue, sum(u.revenue_cents) filter (where u.month < r.last) / 3.0 as revenue3,
          sum(u.voice_minutes) filter (where u.month = r.last) as voice, sum(u.voice_minutes) filter (where u.month < r.last) / 3.0 as voice3,
          sum(u.data_mb) filter (where u.month = r.last) as data, sum(u.data_mb) filter (where u.month < r.last) / 3.0 as data3,
          count(*) filter (where u.active_days = 0 and u.month >= r.last - interval '1 month') as silent, count(*) as months
        from customers c
        cross join lateral (select (date_trunc('month', coalesce(c.churned_on, date '${calendar.currentMonth}')) - interval '1 month')::date as last) r
        join monthly_usage u on u.customer_id = c.id and u.month between r.last - interval '3 months' and r.last
        where c.status <> 'suspended' group by c.id, c.churned_on)
      select ${['churner', 'not churner'].map((who, i) => {
        const where = `where ${i === 0 ? '' : 'not '}churner and months = 4`;
        return `(select avg((revenue < 0.7 * revenue3)::int) from runs ${where})::float8 as "${who} revenue",
          (select avg((voice < 0.5 * voice3)::int) from runs ${where})::float8 as "${who} voice",
          (select avg((data < 0.5 * data3)::int) from runs ${where})::float8 as "${who} data",
          (select avg((silent = 2)::int) from runs ${where})::float8 as "${who} silent"`;
      }).join(', ')}`);
    for (const signal of ['revenue', 'voice', 'data', 'silent']) {
      expect(s[`churner ${signal}`], signal).toBeGreaterThan(3 * s[`not churner ${signal}`]!);
      expect(s[`churner ${signal}`], signal).toBeLessThan(0.6);
      expect(s[`not churner ${signal}`], signal).toBeGreaterThan(0);
    }
  });

  it('records port-out inquiries as events, mostly in the 90 days before a churn', async () => {
    const e = await one<Record<string, number>>(main, `select
      count(*)::int as events,
      count(*) filter (where e.type <> 'port_out.inquiry'
        or e.idempotency_key !~ '^demo:port_out[.]inquiry:[0-9]+:[12]$')::int as malformed,
      count(*) filter (where e.occurred_at < c.joined_on or e.occurred_at >= date '${calendar.today}'
        or e.occurred_at >= c.churned_on)::int as outside_tenure,
      count(*) filter (where c.churned_on is not null and e.occurred_at >= c.churned_on - 90)::int as before_churn,
      count(distinct e.customer_id) filter (where c.churned_on is not null)::int as churners_asking,
      count(distinct e.customer_id) filter (where c.churned_on is null)::int as others_asking,
      (select count(*) from customers where churned_on is not null)::int as churners,
      (select count(*) from customers where churned_on is null)::int as others
      from customer_events e join customers c on c.id = e.customer_id`);
    expect(e).toMatchObject({ malformed: 0, outside_tenure: 0 });
    expect(e.before_churn! / e.events!).toBeGreaterThan(0.5);
    const churnerShare = e.churners_asking! / e.churners!;
    expect(churnerShare).toBeGreaterThan(0.1);
    expect(churnerShare).toBeLessThan(0.5);
    expect(e.others_asking).toBeGreaterThan(0);
    expect(churnerShare).toBeGreaterThan(5 * (e.others_asking! / e.others!));
  });

  it('gives every handset a purchase date, older among churners', async () => {
    const d = await one<Record<string, number>>(main, `select
      count(*) filter (where (device is not null) <> (attributes ? 'devicePurchasedOn'))::int as mismatched,
      count(*) filter (where attributes->>'devicePurchasedOn' !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
        or to_char((attributes->>'devicePurchasedOn')::date, 'YYYY-MM-DD') <> attributes->>'devicePurchasedOn'
        or (attributes->>'devicePurchasedOn')::date > date '${calendar.today}')::int as invalid,
      avg((coalesce(churned_on, date '${calendar.today}') - (attributes->>'devicePurchasedOn')::date > 913)::int)
        filter (where churned_on is not null)::float8 as churners_old,
      avg((date '${calendar.today}' - (attributes->>'devicePurchasedOn')::date > 913)::int)
        filter (where churned_on is null)::float8 as others_old
      from customers`);
    expect(d).toMatchObject({ mismatched: 0, invalid: 0 });
    expect(d.churners_old).toBeGreaterThan(2 * d.others_old!);
    expect(d.others_old).toBeGreaterThan(0);
  });

  it('has household members follow a leaver, new lines leave early, and postpaid churners leave arrears', async () => {
    const h = await one<Record<string, number>>(main, `
      with firsts as (select group_id, min(churned_on) as first from customers where group_kind = 'household' group by 1),
      members as (
        select c.churned_on, f.first from customers c join firsts f using (group_id)
        where f.first is not null and f.first < date '${calendar.today}' - 90 and c.churned_on is distinct from f.first)
      select
        (select avg((churned_on > first and churned_on <= first + 90)::int) from members)::float8 as followed,
        (select count(*) from members)::int as members,
        (select avg((churned_on is not null and churned_on - joined_on <= 120)::int) from customers
          where joined_on >= date '${calendar.months[0]}' and joined_on < date '${calendar.months[6]}')::float8 as early_churn,
        (select avg((churned_on < date '${calendar.today}' and churned_on - joined_on <= 120)::int) from customers
          where joined_on < date '${calendar.months[0]}' - 365 and (churned_on is null or churned_on >= joined_on + 365))::float8 as later_churn,
        (select avg((balance_cents <= -1000)::int) from customers where status = 'churned' and payment_type = 'postpaid')::float8 as churner_arrears,
        (select avg((balance_cents <= -1000)::int) from customers where status = 'active' and payment_type = 'postpaid')::float8 as active_arrears`);
    expect(h.members).toBeGreaterThan(30);
    expect(h.followed).toBeGreaterThan(0.2);
    expect(h.followed).toBeLessThan(0.8);
    expect(h.early_churn).toBeGreaterThan(0.03);
    expect(h.later_churn).toBe(0);
    expect(h.churner_arrears).toBeGreaterThan(0.2);
    expect(h.churner_arrears).toBeLessThan(0.7);
    expect(h.churner_arrears).toBeGreaterThan(5 * h.active_arrears!);
    expect(h.active_arrears).toBeGreaterThan(0);
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
    // ~0.9% a month over twelve months and this one, and the households that follow a leaver.
    expect(checks.churned! / CUSTOMERS).toBeGreaterThan(0.1);
    expect(checks.churned! / CUSTOMERS).toBeLessThan(0.18);
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
    for (const months of [0, 37, 2.5, Number.NaN]) {
      await expect(seedDemoData(main, { customers: 10, months }), String(months)).rejects.toThrow(/months: must be a whole number from 1 to 36/);
    }
  });
});
