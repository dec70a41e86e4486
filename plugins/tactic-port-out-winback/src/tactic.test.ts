import { expect, it } from 'vitest';
import { useTacticTestbed } from '@weixi/testing';

const bed = useTacticTestbed(import.meta.url, { settings: { 'JS-SZ': { inquiryEventType: 'port_out.authorization', inquiryDays: 7, discountYuanPerMonth: 30 } } });

it('calls at the moment of port-out: the intent warning or an inquiry within 30 days', async () => {
  const d = await bed().definition('JS-NJ');
  expect(d.answers).toEqual({
    tiers: ['diamond', 'gold', 'silver', 'mid_high', 'ordinary'],
    warningRules: ['warning-port-out-intent/port-out-intent'],
    when: { compare: [{ events: { type: 'port_out.inquiry', days: 30 } }, 'gte', 1] },
  });
  expect(d.eligibility[1]).toEqual({ when: { compare: [{ usage: 'revenueCents', measure: 'average', months: 3 }, 'gte', 4000] }, unless: '近3个月月均消费低于40元' });
  expect(d.offer).toMatchObject({ costCents: 12000, benefit: { kind: 'discount', valueCents: 12000, description: '月费每月减免20元，共6个月' } });
  expect(d).toMatchObject({ channels: ['call'], precedence: 80, cooldownDays: 30 });
});

it('reads Suzhou\'s authorisation events of the last week', async () => {
  const d = await bed().definition('JS-SZ');
  expect(d.answers.when).toEqual({ compare: [{ events: { type: 'port_out.authorization', days: 7 } }, 'gte', 1] });
  expect(d.offer.costCents).toBe(18000);
});

it('refuses an inquiry window of a year and more', async () => {
  expect(await bed().refusal({ inquiryDays: 400 })).toMatch(/inquiryDays/);
});
