import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarningCustomers, RULE_RUN_AT, warningRulePlatform, type TestPlatform } from '@weixi/testing';

const ID = 'warning-device-age';
let p: TestPlatform;

beforeAll(async () => {
  p = await warningRulePlatform(import.meta.url, { enable: [{ plugin: ID, region: 'JS-NJ' }] });
  await p.addCustomers([
    { msisdn: '13900000001', regionCode: 'JS-NJ', attributes: { devicePurchasedOn: '2024-05-16' } }, // 30 months
    { msisdn: '13900000002', regionCode: 'JS-NJ', attributes: { devicePurchasedOn: '2024-05-17' } }, // 29 months
    { msisdn: '13900000003', regionCode: 'JS-NJ', attributes: { devicePurchasedOn: '2019-01-01' } }, // 94 months
    { msisdn: '13900000004', regionCode: 'JS-NJ', attributes: {} }, // unknown: not judged
    { msisdn: '13900000005', regionCode: 'JS-NJ', attributes: { devicePurchasedOn: 'last spring' } }, // not a date
    { msisdn: '13900000006', regionCode: 'ZJ-HZ', attributes: { devicePurchasedOn: '2019-01-01' } }, // not enabled there
  ]);
  // The engine waits for the as-of month's usage before judging a region; October is loaded.
  await p.recordUsage([{ customerId: (await p.sql<{ id: number }>`select id from customers where msisdn = '13900000001'`)[0]!.id, month: '2026-10', revenueCents: 5000, activeDays: 20 }]);
});
afterAll(() => p?.close());

const idOf = async (msisdn: string) => (await p.sql<{ id: number }>`select id from customers where msisdn = ${msisdn}`)[0]!.id;

describe('warning-device-age', () => {
  it('warns handsets of 30 months and more by their purchase date, and nothing it cannot date', async () => {
    p.clock.set(RULE_RUN_AT);
    await p.runDueJobs();
    expect(await openWarningCustomers(p, 'JS', ID)).toEqual([await idOf('13900000001'), await idOf('13900000003')]);
    expect(await openWarningCustomers(p, 'ZJ', ID)).toEqual([]);
    const [w] = await p.warnings({ customerId: await idOf('13900000003'), pluginId: ID });
    expect(w).toMatchObject({ evidence: { deviceAgeMonths: 94 }, score: 100, reason: '终端老化：手机已使用94个月' });
    const [thirty] = await p.warnings({ customerId: await idOf('13900000001'), pluginId: ID });
    expect(thirty).toMatchObject({ score: 60, level: 'medium' });
  });

  it('reads the date from the attribute a region names', async () => {
    await p.sql`update customers set attributes = '{"handsetSince": "2020-01-01"}' where msisdn = '13900000004'`;
    await p.configure(ID, 'JS-NJ', { purchaseDateAttribute: 'handsetSince' });
    p.clock.set('2026-11-17T07:00:00+08:00');
    await p.runDueJobs();
    expect(await openWarningCustomers(p, 'JS', ID)).toEqual([await idOf('13900000004')]);
  });
});
