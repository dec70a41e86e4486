import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { creditRaiseYuan: 500, badDebtRate: 0.1, maxArrearsYuan: 100 } } });

it('raises the credit limit of good postpaid customers in small arrears, suspended ones included', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers.warningRules).toEqual(['warning-arrears/arrears']);
  expect(d.eligibility.map((c) => c.unless)).toEqual(['已离网客户', '仅限后付费客户', '网龄不满24个月', '欠费超过{maxArrearsYuan}元，转催缴', '近3个月月均消费低于50元']);
  expect(d.eligibility[0]!.when).toEqual({ in: { fact: 'status', values: ['active', 'suspended'] } });
  expect(d.eligibility[3]!.when).toEqual({ compare: [{ max: [0, { div: [{ customer: 'balanceCents' }, -100] }] }, 'lte', 50] });
  // The cost is the expected loss: 3% of 200 yuan.
  expect(d.offer).toEqual({ title: '信用额度提升{creditRaiseYuan}元', costCents: 600, benefit: { kind: 'credit_limit', valueCents: 20000, description: '信用额度提升200元，小额欠费不停机' } });
  expect(d).toMatchObject({ precedence: 50, expectedEffect: 0.35, giftLimitCents: {} });
});

it('builds Suzhou\'s larger raise and its higher expected loss', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.offer).toMatchObject({ costCents: 5000, benefit: { valueCents: 50000 } });
  expect(d.eligibility[3]!.when).toMatchObject({ compare: [{}, 'lte', 100] });
});

it('refuses a bad-debt rate above 1', async () => {
  expect(await bed().refusal({ badDebtRate: 1.5 })).toMatch(/badDebtRate/);
});
