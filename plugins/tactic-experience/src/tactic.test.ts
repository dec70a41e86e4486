import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { trialDays: 14, trialDataGb: 50, trialCostYuan: 4.5, minTenureMonths: 0 } } });

it('offers a 30-day 20 GB trial to customers whose data use or ARPU drops', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers.warningRules).toEqual(['warning-usage-drop/data-drop', 'warning-arpu-drop/arpu-drop']);
  expect(d.offer).toEqual({ title: '免费体验{trialDataGb}GB高速流量{trialDays}天', costCents: 300, benefit: { kind: 'data', valueCents: 3000, description: '20GB高速流量包免费体验30天，到期不自动续订' } });
  expect(d.eligibility[1]).toEqual({ when: { compare: [{ customer: 'tenureMonths' }, 'gte', 3] }, unless: '网龄不满3个月' });
  expect(d).toMatchObject({ cooldownDays: 180, precedence: 15, expectedEffect: 0.1, outcomes: { retained: [{ grant: true }, { closeWarnings: true }] } });
});

it('builds Suzhou\'s shorter, bigger trial at its cost in cents', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.offer).toMatchObject({ costCents: 450, benefit: { description: '50GB高速流量包免费体验14天，到期不自动续订' } });
  expect(d.eligibility[1]!.unless).toBe('网龄不满0个月');
});

it('refuses a trial longer than 90 days', async () => {
  expect(await bed().refusal({ trialDays: 91 })).toMatch(/trialDays/);
});
