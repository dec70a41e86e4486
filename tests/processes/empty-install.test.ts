/**
 * An empty install is set up without SQL: on a fresh database, `weixi regions import` writes the sample
 * tree, `pnpm start` with WEIXI_DEMO_CUSTOMERS=0 serves it, `upsertRegions` adds a district, and
 * `upsertCustomers` writes customers there. Real processes, real HTTP, the configured database.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeixi } from '../../packages/cli/src/spawn-cli.test-support.js';
import { freshDatabase, ROOT, startApiProcess, stopApiProcess, type ApiProcess, type FreshDatabase } from './api-process.js';

const SAMPLE = 'examples/regions/china-provinces.csv';
const sampleLines = readFileSync(join(ROOT, SAMPLE), 'utf8').split('\n').filter((l) => /^[A-Z]/.test(l));

let database: FreshDatabase;
let server: ApiProcess | undefined;

beforeAll(async () => {
  database = await freshDatabase({ PORT: '0', WEIXI_DEMO_CUSTOMERS: '0', WEIXI_LOG_LEVEL: 'warn' });
});

afterAll(async () => {
  await stopApiProcess(server?.child);
  await database?.close();
});

describe('an empty install', () => {
  it('is set up with regions and customers, without SQL', async () => {
    // The CLI migrates the fresh database and imports the sample tree; again, it changes nothing.
    const imported = await runWeixi(['regions', 'import', SAMPLE], database.env);
    expect(imported.stderr).not.toMatch(/failed|error/i);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`Imported ${sampleLines.length} regions from ${SAMPLE}: ${sampleLines.length} created, 0 updated, 0 unchanged.`);
    const again = await runWeixi(['regions', 'import', SAMPLE], database.env);
    expect(again.stdout).toContain(`Nothing changed: all ${sampleLines.length} regions of ${SAMPLE} are already stored`);
    const listed = await runWeixi(['regions', 'list'], database.env);
    expect(listed.stdout).toMatch(/^ {2}JS-NJ\s+city\s+JS\s+Asia\/Shanghai\s+南京市$/m);
    expect(listed.stdout).toMatch(/^ {2}XJ-KS\s+city\s+XJ\s+Asia\/Urumqi\s+喀什地区$/m);
    expect(listed.stdout).toContain(`${sampleLines.length} regions`);

    server = await startApiProcess(database.env);
    const { url, adminKey } = server;
    const gql = async (query: string, variables?: Record<string, unknown>) =>
      (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ query, variables }) })).json()) as { data?: any; errors?: any[] };
    const counts = await gql(`{ customers { totalCount } provinces: regions(level: PROVINCE) { totalCount } cities: regions(level: CITY) { totalCount } }`);
    expect(counts.data).toEqual({ customers: { totalCount: 0 }, provinces: { totalCount: 31 }, cities: { totalCount: sampleLines.length - 31 } });

    const UPSERT_CUSTOMERS = `mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created customers { region { code parent { code } } } } }`;
    const customer = { msisdn: '13900000001', name: '王芳', regionCode: 'JS-NJ-GL', joinedOn: '2019-04-01', plan: 'P129', paymentType: 'POSTPAID' };
    // The district does not exist yet: the reported symptom, now with a way out.
    const early = await gql(UPSERT_CUSTOMERS, { c: [customer] });
    expect(early.errors?.[0]?.extensions?.issues).toEqual([{ path: 'customers[0].regionCode', message: 'region "JS-NJ-GL" does not exist' }]);

    const districts = await gql(`mutation { upsertRegions(input: [{ code: "JS-NJ-GL", name: "鼓楼区", level: DISTRICT, parentCode: "JS-NJ" }]) { created regions { timeZone } } }`);
    expect(districts.data).toEqual({ upsertRegions: { created: 1, regions: [{ timeZone: 'Asia/Shanghai' }] } });
    const written = await gql(UPSERT_CUSTOMERS, { c: [customer, { ...customer, msisdn: '13900000002', regionCode: 'XJ-KS' }] });
    expect(written.errors).toBeUndefined();
    expect(written.data.upsertCustomers).toEqual({ created: 2, customers: [{ region: { code: 'JS-NJ-GL', parent: { code: 'JS-NJ' } } }, { region: { code: 'XJ-KS', parent: { code: 'XJ' } } }] });
    expect((await gql(`{ customers(filter: { regionCodes: ["JS"] }) { totalCount } }`)).data.customers.totalCount).toBe(1);
  }, 400_000);
});
