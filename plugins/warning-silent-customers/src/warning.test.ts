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

const RULE = 'warnings:silent-customer';
const open = async (region: string) =>
  (await p.warnings({ region, pluginId: ID, status: ['open', 'acknowledged'] })).map((w) => w.customerId).sort((a, b) => a - b);

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
  expect(await p.runDueJobs()).toEqual([]); // 07:59:30: the scheduler sees the rule's job, nothing is due yet
});
afterAll(() => p?.close());

describe('warning-silent-customers rule', () => {
  it('raises one warning per silent customer at 08:00 in each enabled city, with the city\'s settings', async () => {
    p.clock.set('2026-11-16T08:00:00+08:00');
    const runs = await p.runDueJobs();
    expect(runs.map((r) => [r.jobId, r.regionCode, r.status, r.progress])).toEqual([
      [RULE, 'JS-NJ', 'succeeded', 1],
      [RULE, 'JS-SZ', 'succeeded', 1],
    ]);

    const nanjing = await silentIn('JS-NJ', 1, '2026-11');
    const suzhouTwo = await silentIn('JS-SZ', 2, '2026-11');
    expect(nanjing.length).toBeGreaterThan(10);
    expect(suzhouTwo.length).toBeGreaterThan(5);
    expect(suzhouTwo.length).toBeLessThan((await silentIn('JS-SZ', 1, '2026-11')).length);
    expect(await open('JS-NJ')).toEqual(nanjing);
    expect(await open('JS-SZ')).toEqual(suzhouTwo);
    expect(await open('JS-WX')).toEqual([]);
    expect(await open('ZJ')).toEqual([]);
    expect(runs[0]!.progressMessage).toBe(`${nanjing.length} customers meet silent-customer as of 2026-10: ${nanjing.length} warnings raised, 0 still open, 0 resolved`);
    expect(await p.tasks()).toEqual([]); // warnings replace the old per-customer tasks

    // The evidence, score and reason of one warning, against the usage rows.
    const [w] = await p.warnings({ customerId: suzhouTwo[0]! });
    const [facts] = await p.sql<{ last_active: string | null; joined: string }>`
      select (select to_char(max(month), 'YYYY-MM') from monthly_usage where customer_id = c.id and active_days > 0 and month < '2026-11-01') as last_active,
             to_char(c.joined_on, 'YYYY-MM') as joined
      from customers c where c.id = ${suzhouTwo[0]!}`;
    const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
    const tenure = index('2026-10') - index(facts!.joined);
    const silent = Math.min(6, tenure, facts!.last_active ? index('2026-10') - index(facts!.last_active) : 6);
    expect(w).toMatchObject({
      ruleId: 'silent-customer',
      regionCode: expect.stringMatching(/^JS-SZ/),
      status: 'open',
      evidence: { silentMonths: silent, tenureMonths: tenure },
      score: Math.min(100, 30 + 20 * silent, 50 + 10 * silent),
      level: silent >= 2 ? 'high' : 'medium',
      reason: `沉默客户：连续${silent}个完整月无活跃`,
      raisedByRun: runs[1]!.id,
    });
  });

  it('never duplicates: the next day\'s run and a manual rerun refresh the same warnings', async () => {
    const before = await p.warnings();
    p.clock.advance(DAY);
    const runs = await p.runDueJobs();
    expect(runs.map((r) => [r.regionCode, r.status])).toEqual([['JS-NJ', 'succeeded'], ['JS-SZ', 'succeeded']]);
    expect(runs[0]!.progressMessage).toMatch(/: 0 warnings raised, \d+ still open, 0 resolved$/);
    expect((await p.runJob(ID, RULE, 'JS-NJ')).status).toBe('succeeded');
    const after = await p.warnings();
    expect(after.map((w) => w.id)).toEqual(before.map((w) => w.id));
    expect(after.every((w) => w.lastSeenAt > before.find((b) => b.id === w.id)!.lastSeenAt)).toBe(true);
    expect(after.every((w) => w.firstSeenAt.getTime() === before.find((b) => b.id === w.id)!.firstSeenAt.getTime())).toBe(true);
  });

  it('resolves the warnings whose condition no longer holds, and raises them again when it does', async () => {
    const two = await silentIn('JS-SZ', 2, '2026-11');
    const three = await silentIn('JS-SZ', 3, '2026-11');
    expect(three.length).toBeLessThan(two.length);
    await p.configure(ID, 'JS-SZ', { silentMonths: 3 });
    const run = await p.runJob(ID, RULE, 'JS-SZ');
    expect(run.progressMessage).toBe(`${three.length} customers meet silent-customer as of 2026-10: 0 warnings raised, ${three.length} still open, ${two.length - three.length} resolved`);
    expect(await open('JS-SZ')).toEqual(three);
    const resolved = await p.warnings({ region: 'JS-SZ', status: 'resolved' });
    expect(resolved.map((w) => w.customerId).sort((a, b) => a - b)).toEqual(two.filter((id) => !three.includes(id)));

    await p.configure(ID, 'JS-SZ', { silentMonths: 2 });
    expect((await p.runJob(ID, RULE, 'JS-SZ')).progressMessage).toMatch(new RegExp(`: ${two.length - three.length} warnings raised, ${three.length} still open, 0 resolved$`));
    expect(await open('JS-SZ')).toEqual(two);
  });

  it('does not take a month without recorded usage for silence; a usage load for that month queues the rule', async () => {
    const before = (await p.warnings()).length;
    p.clock.set('2026-12-16T08:00:00+08:00');
    const runs = await p.runDueJobs();
    expect(runs.map((r) => r.progressMessage)).toEqual([
      'no usage recorded for 2026-11 in JS-NJ yet; silent-customer not run',
      'no usage recorded for 2026-11 in JS-SZ yet; silent-customer not run',
    ]);
    expect(await p.warnings()).toHaveLength(before);

    // November arrives, a copy of October, written in SQL but for one customer recorded through the API.
    const [x] = await p.sql<{ id: number }>`select c.id from customers c join regions r on r.id = c.region_id where r.path like '/JS/JS-NJ/%' order by c.id limit 1`;
    await p.sql`insert into monthly_usage (customer_id, month, revenue_cents, voice_minutes, data_mb, sms, recharge_cents, active_days, complaints, competitor_contacts)
      select customer_id, '2026-11-01', revenue_cents, voice_minutes, data_mb, sms, recharge_cents, active_days, complaints, competitor_contacts
      from monthly_usage u where month = '2026-10-01' and customer_id <> ${x!.id}`;
    await p.ok(`mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { usage { month } } }`, { u: [{ customerId: globalId('Customer', x!.id), month: '2026-11', activeDays: 0 }] });
    const queued = (await p.jobRuns({ plugin: ID })).filter((r) => r.status === 'queued');
    expect(queued.map((r) => [r.jobId, r.regionCode, r.trigger])).toEqual([[RULE, 'JS-NJ', 'manual']]);

    await p.runDueJobs();
    const nanjing = await p.warnings({ region: 'JS-NJ', status: 'open' });
    expect(nanjing.map((w) => w.customerId).sort((a, b) => a - b)).toEqual(await silentIn('JS-NJ', 1, '2026-12'));
    expect(nanjing.length).toBeGreaterThan(0);
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
