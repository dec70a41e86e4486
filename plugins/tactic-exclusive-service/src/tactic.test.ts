import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { tiers: ['diamond', 'gold'], packageValueYuan: 500, channels: ['account-manager'] } } });

it('sends the account manager to diamond, gold and silver customers with any warning, before every other tactic', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers.tiers).toEqual(['diamond', 'gold', 'silver']);
  expect(d.answers.warningRules).toHaveLength(10);
  expect(d.answers.warningRules).toContain('warning-churn-model');
  expect(d.eligibility[1]).toEqual({ when: { flag: 'hasAccountManager' }, unless: '未分配客户经理' });
  expect(d.offer).toMatchObject({ costCents: 15000, benefit: { kind: 'service', valueCents: 30000 } });
  expect(d).toMatchObject({ precedence: 90, cooldownDays: 30, channels: ['account-manager', 'call'], giftLimitCents: { diamond: 300000, gold: 150000, silver: 80000 } });
  expect(d.script).toContain('{reason}');
});

it('keeps Suzhou\'s managers for diamond and gold, with a larger package', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d).toMatchObject({ answers: { tiers: ['diamond', 'gold'] }, channels: ['account-manager'], offer: { benefit: { valueCents: 50000 } } });
});

it('refuses an unknown tier', async () => {
  expect(await bed().refusal({ tiers: ['vip'] })).toMatch(/tiers/);
});
