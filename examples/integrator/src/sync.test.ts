import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../tests/api/harness.js';
import { DEFAULT_CSV, main, parseCustomersCsv, type SyncReport } from './sync.js';

let api: TestApi;
let token: string;
let report: SyncReport;
const printed: string[] = [];
beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
  // As in production: an integrator key that may read and ingest, nothing more.
  token = await api.key({ role: 'integrator', scopes: ['read', 'ingest'], name: 'csv sync' });
  report = await main({ url: api.server.url, token, now: api.clock.now(), log: (line) => printed.push(line) });
});
afterAll(() => api.close());

describe('the example sync', () => {
  it('upserts every CSV customer and records their usage', async () => {
    expect(report).toMatchObject({ created: 10, updated: 0 });
    // tenure caps the months: 6 for eight customers, 2 for the two-month one, none for the new one
    expect(report.usageRecorded).toBe(8 * 6 + 2);
    const r = await api.ok(`query { customers(filter: { msisdnPrefix: "1995100" }) { totalCount } }`);
    expect(r.customers.totalCount).toBe(10);
  });

  it('maps tenure, contract and money the way the README says', async () => {
    const Q = `query ($m: String!) { customerByMsisdn(msisdn: $m) {
      name joinedOn contractEndsOn balanceCents status paymentType plan lifecycleStage warnings attributes
      usage(months: 12) { totalCount edges { node { month revenueCents activeDays complaints rechargeCents } } } } }`;
    const drop = (await api.ok(Q, { m: '19951000003' })).customerByMsisdn;
    expect(drop).toMatchObject({ name: '张伟', joinedOn: '2025-05-15', contractEndsOn: null, plan: '5G-129', lifecycleStage: 'WARNING', warnings: ['REVENUE_DROP'] });
    expect(drop.usage.edges.map((e: any) => [e.node.month, e.node.revenueCents])).toEqual([
      ['2026-10', 3889],
      ['2026-09', 3889],
      ['2026-08', 3889],
      ['2026-07', 7070],
      ['2026-06', 7070],
      ['2026-05', 7070],
    ]);
    expect(drop.usage.edges[0].node).toMatchObject({ activeDays: 21, complaints: 1, rechargeCents: 0 });

    const expiring = (await api.ok(Q, { m: '19951000002' })).customerByMsisdn;
    expect(expiring).toMatchObject({ joinedOn: '2024-12-15', contractEndsOn: '2026-12-15', warnings: ['CONTRACT_EXPIRING'] });
    const suspended = (await api.ok(Q, { m: '19951000010' })).customerByMsisdn;
    expect(suspended).toMatchObject({ status: 'SUSPENDED', balanceCents: -3640, attributes: { internetService: 'No', contractMonths: 0, source: 'csv-export' } });

    const stages = await api.ok(`query {
      mature: customerByMsisdn(msisdn: "19951000001") { lifecycleStage contractEndsOn }
      intro: customerByMsisdn(msisdn: "19951000004") { lifecycleStage usage { totalCount } }
      onboarding: customerByMsisdn(msisdn: "19951000008") { lifecycleStage joinedOn usage { totalCount } }
    }`);
    expect(stages).toEqual({
      mature: { lifecycleStage: 'MATURE', contractEndsOn: '2028-01-15' },
      intro: { lifecycleStage: 'INTRODUCTION', usage: { totalCount: 2 } },
      onboarding: { lifecycleStage: 'ONBOARDING', joinedOn: '2026-11-15', usage: { totalCount: 0 } },
    });
  });

  it('reports and prints the customers in the warning stage', () => {
    expect(Object.fromEntries(report.warning.map((c) => [c.msisdn, c.warnings]))).toEqual({
      '19951000002': ['CONTRACT_EXPIRING'],
      '19951000003': ['REVENUE_DROP'],
      '19951000005': ['SILENT'],
      '19951000006': ['COMPLAINTS'],
      '19951000007': ['COMPETITOR_CONTACT'],
      '19951000010': ['SUSPENDED'],
    });
    expect(printed[0]).toBe(`Synced 10 customers (10 new, 0 updated) and 50 months of usage to ${api.server.url}`);
    expect(printed[1]).toBe('6 in the warning stage (预警期):');
    expect(printed).toContain('  19951000005  陈静  ZJ-HZ  SILENT');
  });

  it('is idempotent: a second run updates in place and sends the token', async () => {
    const authorization: (string | undefined)[] = [];
    const again = await main({
      url: api.server.url,
      now: api.clock.now(),
      token,
      log: () => {},
      fetch: (input, init) => {
        authorization.push((init?.headers as Record<string, string>).authorization);
        return fetch(input, init);
      },
    });
    expect(again).toMatchObject({ created: 0, updated: 10, usageRecorded: 50 });
    expect(again.warning).toHaveLength(6);
    expect(new Set(authorization)).toEqual(new Set([`Bearer ${token}`]));
    const r = await api.ok(`query { customerByMsisdn(msisdn: "19951000003") { usage(months: 12) { totalCount } } }`);
    expect(r.customerByMsisdn.usage.totalCount).toBe(6);
  });

  it('names the CSV line of a value the server rejects, and of a value it cannot parse', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weixi-sync-'));
    const csv = (await readFile(DEFAULT_CSV, 'utf8')).replace('19951000004,刘洋,JS-SZ', '19951000004,刘洋,JS-XX');
    await writeFile(join(dir, 'bad-region.csv'), csv);
    await expect(main({ url: api.server.url, token, now: api.clock.now(), csvPath: join(dir, 'bad-region.csv'), log: () => {} })).rejects.toThrow(
      'line 5 (customers[3].regionCode): region "JS-XX" does not exist',
    );

    const header = (await readFile(DEFAULT_CSV, 'utf8')).split('\n')[0];
    expect(() => parseCustomersCsv(`${header}\n1,"Wu, Xia",JS,gone,postpaid,P,Two year,-1,No,9.9,0,0,0,0,0\n`)).toThrow(
      /line 2, status: "gone" is not one of active, suspended\n {2}line 2, tenure_months: "-1" is not a whole number of 0 or more/,
    );
    expect(parseCustomersCsv(`${header}\n1,"Wu, ""Xia""",JS,active,postpaid,P,Two year,1,No,9.9,0,0,0,0,0\n`)[0]!.name).toBe('Wu, "Xia"');
  });
});
