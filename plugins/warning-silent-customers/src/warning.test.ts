import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, createTestPlatform, globalId, pluginDir, type TestPlatform } from '@weixi/testing';

const ID = 'warning-silent-customers';
let p: TestPlatform;

/**
 * The oracle, written independently of the rule: active customers of the city who joined before the
 * window and have no usage row with an active day in it.
 */
async function silentIn(city: string, months: number, currentMonth: string): Promise<number[]> {
  const [y, m] = currentMonth.split('-').map(Number) as [number, number];
  const windowStart = new Date(Date.UTC(y, m - 1 - months, 1)).toISOString().slice(0, 10);
  const rows = await p.sql<{ id: number }>`
    select c.id from customers c join regions r on r.id = c.region_id
    where starts_with(r.path, (select path from regions where code = ${city}))
      and c.status = 'active' and c.joined_on < ${windowStart}::date
      and not exists (select 1 from monthly_usage u where u.customer_id = c.id and u.active_days > 0
                      and u.month >= ${windowStart}::date and u.month < ${`${currentMonth}-01`}::date)
    order by c.id`;
  return rows.map((r) => r.id);
}

const customersOf = async (region: string) => (await p.tasks({ region, keyPrefix: ID })).map((t) => t.customerId).sort((a, b) => a - b);

beforeAll(async () => {
  p = await createTestPlatform({
    plugins: [pluginDir(import.meta.url)],
    seed: { customers: 2500 },
    now: '2026-11-16T07:59:30+08:00',
    // The province enables it; Suzhou asks for two silent months; Wuxi (a demo city) opts out.
    settings: [{ plugin: ID, region: 'JS-SZ', settings: { silentMonths: 2 } }],
    enable: [{ plugin: ID, region: 'JS' }],
  });
  await p.disable(ID, 'JS-WX');
  expect(await p.runDueJobs()).toEqual([]); // 07:59:30: the scheduler sees the job, nothing is due yet
});
afterAll(() => p?.close());

describe('warning-silent-customers scan', () => {
  it('opens one task per silent customer at 08:00 in each enabled city, with the city\'s settings', async () => {
    p.clock.set('2026-11-16T08:00:00+08:00');
    const runs = await p.runDueJobs();
    expect(runs.map((r) => [r.regionCode, r.status, r.progress])).toEqual([
      ['JS-NJ', 'succeeded', 1],
      ['JS-SZ', 'succeeded', 1],
    ]);

    const nanjing = await silentIn('JS-NJ', 1, '2026-11');
    const suzhouTwo = await silentIn('JS-SZ', 2, '2026-11');
    expect(nanjing.length).toBeGreaterThan(10);
    expect(suzhouTwo.length).toBeGreaterThan(5);
    expect(suzhouTwo.length).toBeLessThan((await silentIn('JS-SZ', 1, '2026-11')).length);
    expect(await customersOf('JS-NJ')).toEqual(nanjing);
    expect(await customersOf('JS-SZ')).toEqual(suzhouTwo);
    expect(await customersOf('JS-WX')).toEqual([]);
    expect(await customersOf('ZJ')).toEqual([]);
    expect(runs[0]!.progressMessage).toBe(`${nanjing.length} customers silent for 1 month(s) through 2026-10; ${nanjing.length} tasks opened, 0 already had one this month`);

    const [task] = await p.tasks({ customerId: nanjing[0]! });
    expect(task).toMatchObject({
      reason: '沉默客户预警：连续1个完整月无活跃',
      state: 'open',
      idempotencyKey: `${ID}:2026-11:${nanjing[0]}`,
      script: expect.stringContaining('客户已连续1个月没有任何通话'),
    });
    expect(task!.dueAt.toISOString()).toBe(new Date('2026-11-19T00:00:00+08:00').toISOString());
    expect((await p.tasks({ region: 'JS-SZ' }))[0]!.reason).toBe('沉默客户预警：连续2个完整月无活跃');
  });

  it('never duplicates: the next day\'s run and a manual rerun open nothing new', async () => {
    const before = (await p.tasks()).length;
    p.clock.advance(DAY);
    const runs = await p.runDueJobs();
    expect(runs.map((r) => [r.regionCode, r.status])).toEqual([['JS-NJ', 'succeeded'], ['JS-SZ', 'succeeded']]);
    expect(runs[0]!.progressMessage).toMatch(/; 0 tasks opened, \d+ already had one this month$/);
    expect((await p.runJob(ID, 'scan', 'JS-NJ')).status).toBe('succeeded');
    expect(await p.tasks()).toHaveLength(before);
  });

  it('completes a run that stopped halfway without duplicates', async () => {
    // Suzhou's tasks so far are a part of those for one silent month, as if a run had died halfway.
    await p.configure(ID, 'JS-SZ', { silentMonths: 1 });
    const run = await p.runJob(ID, 'scan', 'JS-SZ');
    const expected = await silentIn('JS-SZ', 1, '2026-11');
    const opened = expected.length - (await silentIn('JS-SZ', 2, '2026-11')).length;
    expect(run.progressMessage).toBe(`${expected.length} customers silent for 1 month(s) through 2026-10; ${opened} tasks opened, ${expected.length - opened} already had one this month`);
    expect(await customersOf('JS-SZ')).toEqual(expected);
  });

  it('does not take a month without recorded usage for silence, and opens the next month\'s tasks once it is loaded', async () => {
    const before = (await p.tasks()).length;
    p.clock.set('2026-12-16T08:00:00+08:00');
    const runs = await p.runDueJobs();
    expect(runs.map((r) => r.progressMessage)).toEqual([
      'no usage recorded for 2026-11 in JS-NJ yet; nothing scanned',
      'no usage recorded for 2026-11 in JS-SZ yet; nothing scanned',
    ]);
    expect(await p.tasks()).toHaveLength(before);

    // November arrives, a copy of October: October's silent customers are silent again.
    await p.sql`insert into monthly_usage (customer_id, month, revenue_cents, voice_minutes, data_mb, sms, recharge_cents, active_days, complaints, competitor_contacts)
      select customer_id, '2026-11-01', revenue_cents, voice_minutes, data_mb, sms, recharge_cents, active_days, complaints, competitor_contacts
      from monthly_usage where month = '2026-10-01'`;
    p.clock.advance(DAY);
    await p.runDueJobs();
    const december = (await p.tasks({ region: 'JS-NJ', keyPrefix: `${ID}:2026-12:` })).map((t) => t.customerId);
    expect(december).toEqual(await silentIn('JS-NJ', 1, '2026-12'));
    expect(december.length).toBeGreaterThan(0);
  });
});

describe('Customer.silentMonths', () => {
  it('counts the complete months without an active day, where the plugin is enabled', async () => {
    p.clock.set('2026-11-20T10:00:00+08:00');
    const [silentTwo] = await silentIn('JS-SZ', 2, '2026-11');
    const active = (await p.sql<{ id: number }>`
      select c.id from customers c join regions r on r.id = c.region_id join monthly_usage u on u.customer_id = c.id
      where r.path like '/JS/JS-NJ/%' and u.month = '2026-10-01' and u.active_days > 0 order by c.id limit 1`)[0]!.id;
    const zhejiang = (await p.sql<{ id: number }>`
      select c.id from customers c join regions r on r.id = c.region_id where r.path like '/ZJ/%' order by c.id limit 1`)[0]!.id;
    const r = await p.ok(`query ($a: ID!, $b: ID!, $c: ID!) { a: customer(id: $a) { silentMonths } b: customer(id: $b) { silentMonths } c: customer(id: $c) { silentMonths } }`, {
      a: globalId('Customer', silentTwo!),
      b: globalId('Customer', active),
      c: globalId('Customer', zhejiang),
    });
    expect(r.a.silentMonths).toBeGreaterThanOrEqual(2);
    expect(r.b.silentMonths).toBe(0);
    expect(r.c.silentMonths).toBeNull(); // not enabled in Zhejiang
  });

  it('shows the evidence as a typed object: the months looked at, their active days, and whether the rule fires', async () => {
    p.clock.set('2026-11-20T10:00:00+08:00');
    const [silentTwo] = await silentIn('JS-SZ', 2, '2026-11');
    const evidence = '{ __typename months warned evidence { __typename month activeDays } }';
    const r = await p.ok(`query ($a: ID!) { customer(id: $a) { silentMonths silence ${evidence} } }`, { a: globalId('Customer', silentTwo!) });
    const { silence } = r.customer;
    expect(silence.__typename).toBe('WarningSilentCustomers_Silence');
    expect(silence.months).toBe(r.customer.silentMonths);
    expect(silence.warned).toBe(true); // Suzhou warns at 2 months
    expect(silence.evidence[0]).toEqual({ __typename: 'WarningSilentCustomers_MonthActivity', month: '2026-10', activeDays: 0 });
    expect(silence.evidence[1]).toMatchObject({ month: '2026-09', activeDays: 0 });
    const rows = await p.sql<{ month: string; active_days: number }>`
      select to_char(month, 'YYYY-MM') as month, active_days from monthly_usage where customer_id = ${silentTwo!} and month >= '2026-05-01' and month < '2026-11-01'`;
    for (const m of silence.evidence) expect(m.activeDays).toBe(Number(rows.find((row) => row.month === m.month)?.active_days ?? 0));
  });
});
