import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { maxSilentMonths: 3, dataGb: 5, packCostYuan: 3 } } });

it('wakes silent customers with a data pack unless silent over six months', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers.warningRules).toEqual(['warning-silent-customers/silent-customer']);
  expect(d.eligibility[1]).toEqual({ when: { compare: [{ monthsWithout: 'activeDays', months: 7 }, 'lte', 6] }, unless: '沉默超过{maxSilentMonths}个月，转离网挽回' });
  expect(d.offer).toEqual({ title: '唤醒流量包{dataGb}GB（{validDays}天有效）', costCents: 200, benefit: { kind: 'data', valueCents: 2000, description: '2GB流量，7天内有效' } });
  expect(d).toMatchObject({ answers: { tiers: ['mid_high', 'ordinary'] }, channels: ['sms', 'app'], cooldownDays: 60 });
});

it('gives up after three months in Suzhou, with a bigger pack', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.eligibility[1]!.when).toEqual({ compare: [{ monthsWithout: 'activeDays', months: 4 }, 'lte', 3] });
  expect(d.offer).toMatchObject({ costCents: 300, benefit: { description: '5GB流量，7天内有效' } });
});

it('refuses a silence limit beyond the language\'s 36 months', async () => {
  expect(await bed().refusal({ maxSilentMonths: 36 })).toMatch(/maxSilentMonths/);
});
