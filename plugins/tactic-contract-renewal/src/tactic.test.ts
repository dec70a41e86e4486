import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { daysBefore: 30, renewalBonusYuan: 200, minArpuYuan: 50 } } });

it('answers contracts ending within 60 days, not chasing arrears, low spenders or complainers', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers).toEqual({
    tiers: ['diamond', 'gold', 'silver', 'mid_high', 'ordinary'],
    warningRules: ['warning-contract-ending/contract-ending'],
    when: { all: [{ compare: [{ customer: 'contractEndsInDays' }, 'gte', 0] }, { compare: [{ customer: 'contractEndsInDays' }, 'lte', 60] }] },
  });
  expect(d.eligibility.map((c) => c.unless)).toEqual(['非在网客户（停机或已离网）', '欠费客户，先催缴再续约', '近3个月月均消费低于30元', '近3个月投诉超过{maxComplaints}次，先处理投诉']);
  expect(d.eligibility[3]!.when).toEqual({ compare: [{ usage: 'complaints', measure: 'total', months: 3 }, 'lte', 2] });
  expect(d.offer).toMatchObject({ title: '续约{commitmentMonths}个月送{renewalBonusYuan}元话费', costCents: 12000, benefit: { kind: 'credit', valueCents: 12000 } });
  expect(d).toMatchObject({ precedence: 60, cooldownDays: 60, giftLimitCents: { diamond: 100000, ordinary: 15000 } });
  // renewal calls go to agents with the renewal skill (the operator renames it in the settings)
  expect(d.skills).toEqual(['renewal']);
});

it('narrows Suzhou to 30 days with a larger bonus and a higher bar', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.answers.when).toEqual({ all: [{ compare: [{ customer: 'contractEndsInDays' }, 'gte', 0] }, { compare: [{ customer: 'contractEndsInDays' }, 'lte', 30] }] });
  expect(d).toMatchObject({ offer: { costCents: 20000 }, eligibility: [{}, {}, { unless: '近3个月月均消费低于50元' }, {}] });
});

it('refuses approaching more than 180 days ahead', async () => {
  expect(await bed().refusal({ daysBefore: 365 })).toMatch(/daysBefore/);
});
