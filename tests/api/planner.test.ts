/**
 * The planner over HTTP with the real prepaid-boost tactic plugin: `Customer.nextBestActions`, `runPlanner`
 * (the core job) and `plannerRuns`, in the caller's regions only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadPlugins } from '@weixi/platform';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let customerId: string;
let js: ReturnType<TestApi['as']>;
let zj: ReturnType<TestApi['as']>;

beforeAll(async () => {
  const { plugins, refused } = await loadPlugins({ packages: ['./plugins/tactic-prepaid-boost', './plugins/channel-sms'], baseDir: process.cwd() });
  expect(refused).toEqual([]);
  api = await startTestApi('2026-11-16T02:00:00Z', { plugins }); // 10:00 in Nanjing
  await api.ok(`mutation { enablePlugin(id: "tactic-prepaid-boost", regionCode: "JS") { plugin { status } } }`);
  await api.ok(`mutation { enablePlugin(id: "channel-sms", regionCode: "JS") { plugin { status } } }`);
  js = api.as(await api.key({ role: 'operator', regionCodes: ['JS'], name: 'js operator' }));
  zj = api.as(await api.key({ role: 'operator', regionCodes: ['ZJ'], name: 'zj operator' }));
  const r = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, {
    c: [customerInput('13600000001', { name: '赵六', regionCode: 'JS-NJ', paymentType: 'PREPAID', plan: 'VIP-599' })],
  });
  customerId = r.upsertCustomers.customers[0].id;
  await api.database.rows(sql`insert into monthly_usage (customer_id, month, revenue_cents, recharge_cents)
    select c.id, m::date, 8000, 8000 from customers c, unnest(array['2026-08-01', '2026-09-01', '2026-10-01']) m`);
  await api.database.rows(sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
    select id, 'warning-arpu-drop', 'arpu-drop', region_id, 'high', 70, 'ARPU 下降 40%', 'open', '2026-10-01', now(), now() from customers`);
});
afterAll(() => api?.close());

const ACTIONS = `query ($id: ID!) { customer(id: $id) { nextBestActions { tactic title rank eligible reason chosen offerTitle costCents score channel } } }`;

describe('planner over HTTP', () => {
  it("lists a customer's next best actions, ranked, with why", async () => {
    const { customer } = await js.ok(ACTIONS, { id: customerId });
    expect(customer.nextBestActions).toEqual([
      { tactic: 'tactic-prepaid-boost/prepaid-boost', title: '预存促销 (prepaid boost)', rank: 1, eligible: true, reason: null, chosen: true, offerTitle: '预存100元送50元', costCents: 5000, score: expect.any(Number), channel: 'sms' },
    ]);
    expect((await api.database.rows<{ n: number }>(sql`select count(*)::int as n from planner_runs`))[0]!.n).toBe(0);
  });

  it('runs the planner job on request, records the run and creates the task with its offer', async () => {
    const ids = (await js.ok(`mutation { runPlanner(regionCode: "JS-NJ") }`)).runPlanner as number[];
    expect(ids).toHaveLength(1);
    await api.jobs.work();
    const { plannerRuns } = await js.ok(`query { plannerRuns(regionCode: "JS", first: 5) { region { code } status tactics considered eligible chosen created skipped { tactic } } }`);
    expect(plannerRuns).toEqual([{ region: { code: 'JS-NJ' }, status: 'succeeded', tactics: 1, considered: 1, eligible: 1, chosen: 1, created: 1, skipped: [] }]);
    const { customer } = await js.ok(`query ($id: ID!) { customer(id: $id) { tasks { edges { node { tactic tacticTitle reason script offer { title costCents benefitKind benefitValueCents } } } } nextBestActions { eligible reason } } }`, { id: customerId });
    expect(customer.tasks.edges.map((e: { node: unknown }) => e.node)).toEqual([
      {
        tactic: 'tactic-prepaid-boost/prepaid-boost',
        tacticTitle: '预存促销 (prepaid boost)',
        reason: 'ARPU 下降 40%',
        script: '赵六您好，感谢您一直使用VIP-599。现在预存100元即送50元话费，分5个月每月返还10元，请问需要为您办理吗？',
        offer: { title: '预存100元送50元', costCents: 5000, benefitKind: 'credit', benefitValueCents: 5000 },
      },
    ]);
    expect(customer.nextBestActions[0].reason).toBe('cooldown until 2027-02-14'); // 90 days, checked before the active task
  });

  it("plans a province's cities as one batch of job runs, each run with its own city's record", async () => {
    await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, {
      c: [customerInput('13600000002', { name: '钱七', regionCode: 'JS-SZ', paymentType: 'PREPAID', plan: 'VIP-599' })],
    });
    await api.database.rows(sql`insert into monthly_usage (customer_id, month, revenue_cents, recharge_cents)
      select c.id, m::date, 8000, 8000 from customers c, unnest(array['2026-08-01', '2026-09-01', '2026-10-01']) m where c.msisdn = '13600000002'`);
    await api.database.rows(sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
      select id, 'warning-arpu-drop', 'arpu-drop', region_id, 'high', 70, 'ARPU 下降 30%', 'open', '2026-10-01', now(), now() from customers where msisdn = '13600000002'`);
    const ids = (await js.ok(`mutation { runPlanner(regionCode: "JS") }`)).runPlanner as number[];
    expect(ids.length).toBeGreaterThan(1); // one run per city of JS
    expect(await api.jobs.work()).toBe(ids.length);
    const jobRuns = await api.database.rows<{ status: string; progress_message: string }>(
      sql`select status, progress_message from job_runs where id = any(${sql.param(ids.map(Number))}::int[]) order by id`,
    );
    expect(jobRuns.every((r) => r.status === 'succeeded')).toBe(true);
    expect(jobRuns.find((r) => r.progress_message.startsWith('JS-SZ'))?.progress_message).toMatch(/JS-SZ 2026-11-16: 1 tactics, 1 customers considered, 1 eligible, 1 chosen, 1 tasks created/);
    expect(jobRuns.find((r) => r.progress_message.startsWith('JS-NJ'))?.progress_message).toMatch(/0 tasks created/); // planned earlier today
    const { plannerRuns } = await js.ok(`query { plannerRuns(regionCode: "JS", first: 10) { region { code } status created } }`);
    expect(plannerRuns.filter((r: { region: { code: string } }) => r.region.code === 'JS-SZ')).toEqual([{ region: { code: 'JS-SZ' }, status: 'succeeded', created: 1 }]);
  });

  it("keeps operators to their regions: another region's customer is not seen, its runs and runPlanner are refused", async () => {
    expect((await zj.ok(ACTIONS, { id: customerId })).customer).toBeNull();
    expect((await zj.gql(`query { plannerRuns(regionCode: "JS") { id } }`)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await zj.gql(`mutation { runPlanner(regionCode: "JS-NJ") }`)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await zj.ok(`query { plannerRuns(regionCode: "ZJ") { id } }`)).plannerRuns).toEqual([]);
    const { auditLog } = await api.ok(`query { auditLog(first: 100) { edges { node { operation objects outcome errorCode } } } }`);
    const runs = auditLog.edges.map((e: any) => e.node).filter((e: any) => e.operation === 'runPlanner');
    expect(runs.map((e: any) => [e.outcome, e.errorCode, e.objects])).toEqual([
      ['ERROR', 'FORBIDDEN', ['region:JS-NJ']],
      ['OK', null, ['region:JS']],
      ['OK', null, ['region:JS-NJ']],
    ]);
    const agent = api.as(await api.key({ role: 'agent', agentId: 'a-1', name: 'agent' }));
    expect((await agent.gql(`mutation { runPlanner(regionCode: "JS-NJ") }`)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});
