import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarningCustomers, RULE_RUN_AT, warningRulePlatform, type TestPlatform } from '@weixi/testing';

const ID = 'warning-household-left';
let p: TestPlatform;

const member = (msisdn: string, groupId: string, churnedOn?: string) => ({
  msisdn,
  regionCode: 'JS-NJ',
  groupId,
  groupKind: 'HOUSEHOLD',
  ...(churnedOn ? { status: 'CHURNED' as const, churnedOn } : {}),
});

beforeAll(async () => {
  p = await warningRulePlatform(import.meta.url, { enable: [{ plugin: ID, region: 'JS-NJ' }] });
  await p.addCustomers([
    // H1: one member left a month ago; the two others are warned.
    member('13900000011', 'H1', '2026-10-10'), member('13900000012', 'H1'), member('13900000013', 'H1'),
    // H2: two left recently; the one remaining scores higher.
    member('13900000021', 'H2', '2026-09-01'), member('13900000022', 'H2', '2026-11-01'), member('13900000023', 'H2'),
    // H3: the member left a year ago, outside the window.
    member('13900000031', 'H3', '2025-10-01'), member('13900000032', 'H3'),
    // An enterprise group is not a household.
    { msisdn: '13900000041', regionCode: 'JS-NJ', groupId: 'E1', groupKind: 'ENTERPRISE', status: 'CHURNED', churnedOn: '2026-11-01' },
    { msisdn: '13900000042', regionCode: 'JS-NJ', groupId: 'E1', groupKind: 'ENTERPRISE' },
  ]);
  // The engine waits for the as-of month's usage before judging a region; October is loaded.
  await p.recordUsage([{ customerId: (await p.sql<{ id: number }>`select id from customers where msisdn = '13900000012'`)[0]!.id, month: '2026-10', revenueCents: 5000, activeDays: 20 }]);
});
afterAll(() => p?.close());

const idOf = async (msisdn: string) => (await p.sql<{ id: number }>`select id from customers where msisdn = ${msisdn}`)[0]!.id;

describe('warning-household-left', () => {
  it('warns the remaining members of households a member left recently, by how many left', async () => {
    p.clock.set(RULE_RUN_AT);
    await p.runDueJobs();
    const expected = await Promise.all(['13900000012', '13900000013', '13900000023'].map(idOf));
    expect(await openWarningCustomers(p, 'JS-NJ', ID)).toEqual(expected.sort((a, b) => a - b));
    const [two] = await p.warnings({ customerId: await idOf('13900000023'), pluginId: ID });
    expect(two).toMatchObject({ evidence: { membersLeft: 2 }, score: 90, level: 'high', reason: '家庭成员离网：近90天有2名家庭成员离网' });
    const [one] = await p.warnings({ customerId: await idOf('13900000012'), pluginId: ID });
    expect(one).toMatchObject({ evidence: { membersLeft: 1 }, score: 60 });
  });
});
