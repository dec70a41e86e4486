import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { subsidyYuan: 500, commitmentMonths: 36, minDeviceAgeMonths: 30, budgetYuanPerMonth: 300000 } } });

it('subsidises a new handset for old devices and enough spending', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers.warningRules).toEqual(['warning-device-age/device-age', 'warning-contract-ending/contract-ending']);
  expect(d.eligibility.slice(1)).toEqual([
    { when: { compare: [{ monthsSinceDate: { attribute: 'devicePurchasedOn' } }, 'gte', 24] }, unless: '终端使用不满{minDeviceAgeMonths}个月（或无购机记录）' },
    { when: { compare: [{ usage: 'revenueCents', measure: 'average', months: 3 }, 'gte', 5800] }, unless: '近3个月月均消费低于58元' },
  ]);
  expect(d.offer).toEqual({ title: '购机直降{subsidyYuan}元（承诺在网{commitmentMonths}个月）', costCents: 30000, benefit: { kind: 'device_subsidy', valueCents: 30000, description: '新购手机直降300元，承诺在网24个月' } });
  expect(d).toMatchObject({ channels: ['hall', 'call', 'sms'], budgetCentsPerMonth: 15_000_000, precedence: 40 });
});

it('builds Suzhou\'s larger subsidy and budget', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d).toMatchObject({ offer: { costCents: 50000 }, variables: { commitmentMonths: 36 }, budgetCentsPerMonth: 30_000_000 });
  expect(d.eligibility[1]!.when).toEqual({ compare: [{ monthsSinceDate: { attribute: 'devicePurchasedOn' } }, 'gte', 30] });
});

it('refuses a negative subsidy and an unknown setting', async () => {
  expect(await bed().refusal({ subsidyYuan: -1 })).toMatch(/subsidyYuan/);
  expect(await bed().refusal({ subsidy: 100 })).toMatch(/subsidy/);
});
