import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { careDaysAhead: 3, giftDataGb: 2, giftValueYuan: 20, channels: ['sms'] } } });

it('answers a birthday within a week, for every tier, keeping the greeting job', async () => {
  const p = bed().platform;
  expect(bed().tacticIds).toEqual(['birthday-greeting']);
  expect(p.host.list().find((s) => s.id === 'tactic-proactive-care')?.manifest?.contributes?.jobs?.map((j) => j.id)).toEqual(['birthday-greetings']);
  const d = await bed().definition('JS-NJ');
  expect(d.answers).toEqual({ tiers: ['diamond', 'gold', 'silver', 'mid_high', 'ordinary'], when: { all: [{ compare: [{ customer: 'birthdayInDays' }, 'gte', 0] }, { compare: [{ customer: 'birthdayInDays' }, 'lte', 7] }] } });
  expect(d.offer).toEqual({ title: '生日流量包{giftDataGb}GB', costCents: 100, benefit: { kind: 'data', valueCents: 1000, description: '1GB生日流量包，当月有效' } });
  expect(d).toMatchObject({ channels: ['call', 'sms'], cooldownDays: 300, precedence: 10, giftLimitCents: { ordinary: 6000, diamond: 50000 } });
});

it('narrows Suzhou to three days and a 2 GB gift over SMS', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.answers.when).toEqual({ all: [{ compare: [{ customer: 'birthdayInDays' }, 'gte', 0] }, { compare: [{ customer: 'birthdayInDays' }, 'lte', 3] }] });
  expect(d.offer.benefit).toEqual({ kind: 'data', valueCents: 2000, description: '2GB生日流量包，当月有效' });
  expect(d.channels).toEqual(['sms']);
});

it('refuses a care window past a month and an empty channel list', async () => {
  expect(await bed().refusal({ careDaysAhead: 31 })).toMatch(/careDaysAhead/);
  expect(await bed().refusal({ channels: [] })).toMatch(/channels/);
});
