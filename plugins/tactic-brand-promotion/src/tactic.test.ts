import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { brandMessage: '苏州全域5G-A网络已开通', contactCostYuan: 0.05 } } });

it('sends the brand\'s message to those who look at competitors, granting nothing', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers).toEqual({ tiers: ['mid_high', 'ordinary'], warningRules: ['warning-port-out-intent/port-out-intent', 'warning-usage-drop'] });
  expect(d.offer).toEqual({ title: '品牌权益告知', costCents: 10, benefit: { kind: 'service', valueCents: 0, description: '品牌与会员权益介绍，不含赠礼' } });
  expect(d.outcomes?.retained).toEqual([{ closeWarnings: true }]);
  expect(d).toMatchObject({ precedence: 5, expectedEffect: 0.03, budgetCentsPerMonth: 200_000 });
});

it('says Suzhou\'s message', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.script).toBe('{name}您好，感谢您在网{tenureYears}年的信任。苏州全域5G-A网络已开通。如有任何需要，欢迎随时联系我们。');
  expect(d.offer.costCents).toBe(5);
});

it('refuses an empty message', async () => {
  expect(await bed().refusal({ brandMessage: '' })).toMatch(/brandMessage/);
});
