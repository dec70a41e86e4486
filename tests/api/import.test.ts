import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '@weixi/testing';

/** `importFile` over HTTP, as an integrator's program sends it: a GraphQL multipart request with the CSV. */
let p: TestPlatform;

const MUTATION = `mutation ($kind: ImportKind!, $file: File!, $preset: String, $mapping: JSONObject, $region: String, $dryRun: Boolean) {
  importFile(kind: $kind, file: $file, preset: $preset, mapping: $mapping, regionCode: $region, dryRun: $dryRun) {
    fills rows accepted rejected batches dryRun
    customers { created updated unchanged } usage { created updated unchanged }
    rejects { line column value reason }
  }
}`;

/** The upload as an integrator's program sends it: the test client turns a Blob variable into a multipart request. */
const upload = (token: string, file: Blob, variables: Record<string, unknown>) => p.as(token).gql<{ importFile: any }>(MUTATION, { ...variables, file });

const CSV = `msisdn,name,region,joined_on,plan,payment_type
13700000001,甲,JS-NJ,2024-01-15,p58,prepaid
13700000002,乙,JS-SZ,2024-13-01,p58,prepaid
13700000003,丙,ZJ-HZ,2024-02-01,p58,postpaid
`;

beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(() => p?.close());

describe('importFile over HTTP', () => {
  it('imports an uploaded file as the CLI does and answers with the counts and the rejected cells', async () => {
    const r = await upload(p.adminKey, new Blob([CSV]), { kind: 'CUSTOMERS' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.importFile).toEqual({
      fills: ['CUSTOMERS'], rows: 3, accepted: 2, rejected: 1, batches: 1, dryRun: false,
      customers: { created: 2, updated: 0, unchanged: 0 }, usage: { created: 0, updated: 0, unchanged: 0 },
      rejects: [{ line: 3, column: 'joined_on', value: '2024-13-01', reason: 'customer.joinedOn: "2024-13-01" is not a date (YYYY-MM-DD)' }],
    });
    const rows = await p.sql<{ msisdn: string }>`select msisdn from customers where msisdn like '137%' order by msisdn`;
    expect(rows.map((row) => row.msisdn)).toEqual(['13700000001', '13700000003']);
    const again = await upload(p.adminKey, new Blob([gzipSync(CSV)]), { kind: 'CUSTOMERS' });
    expect(again.data!.importFile.customers).toEqual({ created: 0, updated: 0, unchanged: 2 });
    const audit = await p.sql<{ operation: string; outcome: string }>`select operation, outcome from audit_log where operation = 'importFile' order by id`;
    expect(audit).toEqual([{ operation: 'importFile', outcome: 'ok' }, { operation: 'importFile', outcome: 'ok' }]);
  });

  it('keeps an operator to its regions and names a bad request', async () => {
    const operator = await p.key({ role: 'operator', regionCodes: ['JS-NJ'] });
    const everywhere = await upload(operator, new Blob([CSV]), { kind: 'CUSTOMERS' });
    expect(everywhere.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await upload(operator, new Blob([CSV]), { kind: 'CUSTOMERS', region: 'JS-NJ', dryRun: true });
    expect(own.data!.importFile).toMatchObject({ dryRun: true, accepted: 1, rejected: 2, customers: { unchanged: 1 } });
    expect(own.data!.importFile.rejects.map((r: any) => [r.line, r.reason])).toEqual([
      [3, 'customer.joinedOn: "2024-13-01" is not a date (YYYY-MM-DD)'],
      [4, 'customer.regionCode: ZJ-HZ is outside the import region'],
    ]);
    const agent = await upload(await p.key({ role: 'agent', agentId: 'a1' }), new Blob([CSV]), { kind: 'CUSTOMERS' });
    expect(agent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badMapping = await upload(p.adminKey, new Blob([CSV]), { kind: 'USAGE', mapping: { usage: { columns: { msisdn: 'phone' } } } });
    expect(badMapping.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(badMapping.errors?.[0]?.message).toContain('mapping.usage.columns.msisdn: column "phone" is not in the file');
    const empty = await upload(p.adminKey, new Blob(['']), { kind: 'CUSTOMERS' });
    expect(empty.errors?.[0]?.message).toContain('the file is empty');
    const notAFile = await p.gql(`mutation { importFile(kind: CUSTOMERS, file: "x") { rows } }`);
    expect(notAFile.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
