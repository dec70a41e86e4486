/**
 * The planner job and `Customer.nextBestActions` with the channels the plugin host says each city has: a
 * channel is available where a plugin implementing it is enabled (inherited down the region tree).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestPlatform, globalId, type TestPlatform } from '@weixi/testing';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform({
    plugins: ['plugins/tactic-prepaid-boost', 'plugins/channel-sms', 'plugins/channel-call'],
    enable: [
      { plugin: 'tactic-prepaid-boost', region: 'JS' },
      { plugin: 'tactic-prepaid-boost', region: 'ZJ' },
      // calls in all of Jiangsu, SMS in Suzhou only; no channel in Zhejiang
      { plugin: 'channel-call', region: 'JS' },
      { plugin: 'channel-sms', region: 'JS-SZ' },
    ],
    now: '2026-11-16T08:00:10+08:00',
  });
});
afterAll(() => p?.close());

it('plans each city through its first available preferred channel, and no task where none is available', async () => {
  const [nanjing, suzhou, hangzhou] = await p.addCustomers(
    (['JS-NJ', 'JS-SZ', 'ZJ-HZ'] as const).map((regionCode, i) => ({ name: `客户${i}`, plan: 'VIP-599', paymentType: 'PREPAID' as const, regionCode, joinedOn: '2020-01-01' })),
  );
  await p.recordUsage([nanjing!, suzhou!, hangzhou!].flatMap((customerId) => ['2026-08', '2026-09', '2026-10'].map((month) => ({ customerId, month, revenueCents: 8000, rechargeCents: 8000 }))));
  await p.sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
    select id, 'warning-arpu-drop', 'arpu-drop', region_id, 'high', 70, 'ARPU 下降 40%', 'open', '2026-10-01', now(), now() from customers`;

  const ACTIONS = `query ($id: ID!) { customer(id: $id) { nextBestActions { tactic eligible reason channel } } }`;
  const preview = async (id: number) => (await p.ok(ACTIONS, { id: globalId('Customer', id!) })).customer.nextBestActions;
  // prepaid boost prefers SMS, then a call
  expect(await preview(nanjing!)).toEqual([{ tactic: 'tactic-prepaid-boost/prepaid-boost', eligible: true, reason: null, channel: 'call' }]);
  expect(await preview(suzhou!)).toEqual([{ tactic: 'tactic-prepaid-boost/prepaid-boost', eligible: true, reason: null, channel: 'sms' }]);
  expect(await preview(hangzhou!)).toEqual([{ tactic: 'tactic-prepaid-boost/prepaid-boost', eligible: false, reason: 'no channel available: sms, call', channel: null }]);

  const runs = (await p.runDueJobs()).filter((r) => r.pluginId === 'core:planner');
  expect(runs.map((r) => [r.regionCode, r.status])).toEqual([['JS-NJ', 'succeeded'], ['JS-SZ', 'succeeded'], ['ZJ-HZ', 'succeeded']]);
  const tasks = await p.sql<{ customer_id: number; channel: string }>`select customer_id, channel from retention_tasks order by customer_id`;
  expect(tasks).toEqual([{ customer_id: nanjing, channel: 'call' }, { customer_id: suzhou, channel: 'sms' }]);
  const [decision] = await p.sql<{ reason: string }>`select reason from planner_decisions where customer_id = ${hangzhou}`;
  expect(decision!.reason).toBe('no channel available: sms, call');
});

it('follows the enablement: a channel plugin disabled in a city is no longer available there', async () => {
  await p.disable('channel-call', 'JS-NJ');
  const [id] = await p.addCustomers([{ name: '孙七', plan: 'VIP-599', paymentType: 'PREPAID', regionCode: 'JS-NJ', joinedOn: '2020-01-01' }]);
  await p.recordUsage(['2026-08', '2026-09', '2026-10'].map((month) => ({ customerId: id!, month, revenueCents: 8000, rechargeCents: 8000 })));
  await p.sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
    select id, 'warning-arpu-drop', 'arpu-drop', region_id, 'high', 70, 'ARPU 下降 40%', 'open', '2026-10-01', now(), now() from customers where id = ${id!}`;
  const { customer } = await p.ok(`query ($id: ID!) { customer(id: $id) { nextBestActions { reason channel } } }`, { id: globalId('Customer', id!) });
  expect(customer.nextBestActions).toEqual([{ reason: 'no channel available: sms, call', channel: null }]);
});
