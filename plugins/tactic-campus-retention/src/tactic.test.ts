import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-NJ': { packGb: 40, freeMonths: 10 } } });

it('keeps campus customers with a campus pack, its fee waived for a term', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.eligibility[1]).toEqual({ when: { flag: 'isCampus' }, unless: '仅限校园客户' });
  expect(d.offer).toEqual({ title: '校园流量包{packGb}GB/月，免{freeMonths}个月月费', costCents: 5000, benefit: { kind: 'data', valueCents: 5000, description: '每月20GB校园流量，免5个月、每月10元的月费' } });
  expect(d).toMatchObject({ precedence: 35, channels: ['app', 'sms'], giftLimitCents: { mid_high: 10000, ordinary: 6000 } });
});

it('gives Nanjing\'s universities a whole year and more data, down to its districts', async () => {
  for (const region of ['JS-NJ', 'JS-NJ-GL']) {
    const d = await bed().definition(region);
    expect(d).toMatchObject({ offer: { costCents: 10000 }, variables: { packGb: 40, freeMonths: 10 } });
  }
});

it('refuses a waiver longer than a year', async () => {
  expect(await bed().refusal({ freeMonths: 13 })).toMatch(/freeMonths/);
});
