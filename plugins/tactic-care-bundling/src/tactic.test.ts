import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { JS: { freeMonths: 12 }, 'JS-SZ': { memberFeeYuan: 15, warningRules: ['warning-household-left'] } } });

it('answers a household member leaving, an ARPU drop or a contract ending, enterprise lines excepted', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers.warningRules).toEqual(['warning-household-left/household-left', 'warning-arpu-drop/arpu-drop', 'warning-contract-ending/contract-ending']);
  expect(d.eligibility.slice(1)).toEqual([
    { when: { compare: [{ customer: 'tenureMonths' }, 'gte', 6] }, unless: '网龄不满6个月' },
    { when: { not: { in: { fact: 'groupKind', values: ['enterprise'] } } }, unless: '集团客户由集团客户经理维系' },
  ]);
  // The province waives 12 months of the 10 yuan fee.
  expect(d.offer).toMatchObject({ costCents: 12000, benefit: { kind: 'discount', valueCents: 12000 } });
  expect(d).toMatchObject({ channels: ['call', 'hall'], cooldownDays: 180, precedence: 30, expectedEffect: 0.25 });
});

it('inherits the province\'s months in Suzhou with its own fee and trigger', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.offer).toMatchObject({ costCents: 18000, benefit: { description: '亲情副卡共享主卡套餐，免12个月、每月15元的副卡月费' } });
  expect(d.answers.warningRules).toEqual(['warning-household-left']);
});

it('refuses a warning rule that is not a rule reference', async () => {
  expect(await bed().refusal({ warningRules: ['Household Left'] })).toMatch(/warningRules/);
  expect(await bed().refusal({ freeMonths: 25 })).toMatch(/freeMonths/);
});
