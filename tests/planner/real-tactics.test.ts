/**
 * The planner job with real tactic plugins loaded through the plugin host: prepaid boost and plan migration
 * (whose `refine` recommends a plan from the customer's usage), enabled in JS, run on the 08:00 schedule.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '@weixi/testing';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform({
    plugins: ['plugins/tactic-prepaid-boost', 'plugins/tactic-plan-migration', 'plugins/channel-sms', 'plugins/channel-call'],
    enable: ['tactic-prepaid-boost', 'tactic-plan-migration', 'channel-sms', 'channel-call'].map((plugin) => ({ plugin, region: 'JS' })),
    now: '2026-11-16T08:00:10+08:00',
  });
});
afterAll(() => p?.close());

it('creates one task per customer with the winning tactic and its script rendered', async () => {
  const [boost, migrate, elsewhere] = await p.addCustomers([
    { name: '张三', plan: 'VIP-599', paymentType: 'PREPAID', regionCode: 'JS-NJ', joinedOn: '2020-01-01' },
    { name: '李四', plan: '5G-129', paymentType: 'POSTPAID', regionCode: 'JS-NJ', joinedOn: '2020-01-01' },
    { name: '王五', plan: '5G-129', paymentType: 'POSTPAID', regionCode: 'ZJ-HZ', joinedOn: '2020-01-01' },
  ]);
  const months = ['2026-08', '2026-09', '2026-10'];
  await p.recordUsage([
    ...months.map((month) => ({ customerId: boost!, month, revenueCents: 8000, rechargeCents: 8000, voiceMinutes: 300, dataMb: 20000 })),
    ...months.map((month, i) => ({ customerId: migrate!, month, revenueCents: 12900, voiceMinutes: [120, 180, 90][i], dataMb: [15000, 9000, 12000][i] })),
  ]);
  for (const id of [boost!, migrate!, elsewhere!]) {
    await p.sql`insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, status, as_of_month, first_seen_at, last_seen_at)
      select id, 'warning-arpu-drop', 'arpu-drop', region_id, 'high', 70, 'ARPU 下降 40%', 'open', '2026-10-01', now(), now() from customers where id = ${id}`;
  }

  const runs = (await p.runDueJobs()).filter((r) => r.pluginId === 'core:planner');
  expect(runs.map((r) => [r.regionCode, r.status])).toEqual([['JS-NJ', 'succeeded'], ['JS-SZ', 'succeeded']]);
  expect(runs[0]!.progressMessage).toMatch(/^JS-NJ 2026-11-16: 2 tactics, 2 customers considered, 2 eligible, 2 chosen, 2 tasks created/);

  const tasks = await p.sql<{ customer_id: number; tactic: string; reason: string; channel: string; script: string; offer: { title: string } }>`
    select customer_id, tactic, reason, channel, script, offer from retention_tasks order by customer_id`;
  expect(tasks).toHaveLength(2);
  expect(tasks[0]).toMatchObject({ customer_id: boost, tactic: 'tactic-prepaid-boost/prepaid-boost', reason: 'ARPU 下降 40%', channel: 'sms', offer: { title: '预存100元送50元' } });
  expect(tasks[0]!.script).toBe('张三您好，感谢您一直使用VIP-599。现在预存100元即送50元话费，分5个月每月返还10元，请问需要为您办理吗？');
  expect(tasks[1]).toMatchObject({ customer_id: migrate, tactic: 'tactic-plan-migration/plan-migration' });
  expect(tasks[1]!.script).toContain('李四您好，根据您近3个月的实际使用（单月最高通话180分钟、流量15000MB），推荐您从5G-129改用4G 畅享 39元（每月39元）');

  // Why plan migration lost for the first customer: its set-based catalogue check, before refine.
  const reasons = await p.sql<{ tactic: string; reason: string | null }>`
    select d.tactic, d.reason from planner_decisions d where d.customer_id = ${boost} order by d.rank`;
  expect(reasons).toEqual([
    { tactic: 'tactic-prepaid-boost/prepaid-boost', reason: null },
    { tactic: 'tactic-plan-migration/plan-migration', reason: '当前套餐不在迁移目录中' },
  ]);
});
