import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const UPSERT = `mutation ($customers: [CustomerInput!]!) {
  upsertCustomers(customers: $customers) { created updated customers { id msisdn name region { code } status tier } }
}`;

describe('upsertCustomers', () => {
  it('creates, then replaces by MSISDN without duplicating', async () => {
    const first = await api.ok(UPSERT, {
      customers: [
        customerInput('13900000001', { consent: [{ channel: 'sms', granted: true }, { channel: 'call', granted: false }], birthday: '1990-11-20' }),
        customerInput('+86 139-0000-0002', { regionCode: 'ZJ-HZ', paymentType: 'PREPAID' }),
      ],
    });
    expect(first.upsertCustomers.created).toBe(2);
    expect(first.upsertCustomers.customers.map((c: any) => c.msisdn)).toEqual(['13900000001', '8613900000002']);

    const again = await api.ok(UPSERT, { customers: [customerInput('13900000001', { name: '王芳', status: 'CHURNED', churnedOn: '2026-10-31' })] });
    expect(again.upsertCustomers).toMatchObject({ created: 0, updated: 1 });
    expect(again.upsertCustomers.customers[0]).toMatchObject({ name: '王芳', status: 'CHURNED', region: { code: 'JS-NJ-GL' } });

    const one = await api.ok(`query { customerByMsisdn(msisdn: "13900000001") { id name consent { channel granted } birthday churnedOn } }`);
    expect(one.customerByMsisdn.churnedOn).toBe('2026-10-31');
    // the replace dropped the consent that the second upsert did not send: upsert is a full record
    expect(one.customerByMsisdn.consent).toEqual([]);
    const byId = await api.ok(`query ($id: ID!) { customer(id: $id) { msisdn } node(id: $id) { id ... on Customer { name } } }`, { id: one.customerByMsisdn.id });
    expect(byId.customer.msisdn).toBe('13900000001');
    expect(byId.node.name).toBe('王芳');
  });

  it('rejects a bad batch whole, naming every bad item and field', async () => {
    const result = await api.gql(UPSERT, {
      customers: [
        customerInput('13900000100'),
        customerInput('13900000101', { regionCode: 'XX-NOPE' }),
        customerInput('13900000100'),
        customerInput('12ab', { creditLimitCents: -5 }),
        customerInput('13900000102', { status: 'CHURNED' }),
      ],
    });
    expect(result.data).toBeNull();
    const error = result.errors![0]!;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    const issues = error.extensions!.issues!.map((i) => i.path);
    expect(issues).toEqual(
      expect.arrayContaining([
        'customers[1].regionCode',
        'customers[2].msisdn',
        'customers[3].msisdn',
        'customers[3].creditLimitCents',
        'customers[4].churnedOn',
      ]),
    );
    expect(error.message).toContain('customers[1].regionCode: region "XX-NOPE" does not exist');
    const count = await api.ok(`query { customers(filter: { msisdnPrefix: "139000001" }) { totalCount } }`);
    expect(count.customers.totalCount).toBe(0);
  });

  it('rejects malformed dates at the GraphQL layer with the accepted form', async () => {
    const result = await api.gql(UPSERT, { customers: [customerInput('13900000200', { joinedOn: '2020-02-30' })] });
    expect(result.errors![0]!.message).toContain('"2020-02-30" is not a date (YYYY-MM-DD)');
  });
});

describe('customers connection', () => {
  beforeAll(async () => {
    const batch = Array.from({ length: 30 }, (_, i) =>
      customerInput(`1370000${String(i).padStart(4, '0')}`, {
        name: `排序${String(29 - i).padStart(2, '0')}`,
        regionCode: i % 3 === 0 ? 'JS-SZ' : i % 3 === 1 ? 'JS-NJ-GL' : 'ZJ-HZ',
        balanceCents: i * 100,
        status: i % 10 === 0 ? 'SUSPENDED' : 'ACTIVE',
      }),
    );
    await api.ok(UPSERT, { customers: batch });
  });

  it('pages forward and backward with stable cursors and a total count', async () => {
    const Q = `query ($first: Int, $after: String, $last: Int, $before: String) {
      customers(filter: { msisdnPrefix: "1370000" }, orderBy: { field: BALANCE_CENTS, direction: DESC }, first: $first, after: $after, last: $last, before: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { balanceCents } }
      }
    }`;
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await api.ok(Q, { first: 7, after })).customers;
      expect(page.totalCount).toBe(30);
      seen.push(...page.edges.map((e: any) => e.node.balanceCents));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => (29 - i) * 100));

    const tail: any = (await api.ok(Q, { last: 5 })).customers;
    expect(tail.edges.map((e: any) => e.node.balanceCents)).toEqual([400, 300, 200, 100, 0]);
    const before: any = (await api.ok(Q, { last: 2, before: tail.pageInfo.startCursor })).customers;
    expect(before.edges.map((e: any) => e.node.balanceCents)).toEqual([600, 500]);
  });

  it('filters by region subtree, status and name', async () => {
    const r = await api.ok(`query {
      js: customers(filter: { msisdnPrefix: "1370000", regionCodes: ["JS"] }) { totalCount }
      nj: customers(filter: { msisdnPrefix: "1370000", regionCodes: ["JS-NJ"] }) { totalCount }
      suspended: customers(filter: { msisdnPrefix: "1370000", statuses: [SUSPENDED] }) { totalCount edges { node { status } } }
      named: customers(filter: { nameContains: "排序0" }) { totalCount }
    }`);
    expect(r.js.totalCount).toBe(20);
    expect(r.nj.totalCount).toBe(10);
    expect(r.suspended.totalCount).toBe(3);
    expect(r.named.totalCount).toBe(10);
  });

  it('refuses oversized pages, foreign cursors and unknown regions with clear errors', async () => {
    const big = await api.gql(`query { customers(first: 500) { totalCount } }`);
    expect(big.errors![0]!.message).toContain('first: 500 is outside the page size limit (0 to 100)');
    const cursor = await api.gql(`query { customers(after: "not-a-cursor") { totalCount } }`);
    expect(cursor.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(cursor.errors![0]!.message).toContain('after:');
    const region = await api.gql(`query { customers(filter: { regionCodes: ["JS", "NOPE"] }) { totalCount } }`);
    expect(region.errors![0]!.message).toContain('filter.regionCodes[1]: region "NOPE" does not exist');
  });

  it('serves the region tree', async () => {
    const r = await api.ok(`query {
      regions(level: CITY) { totalCount edges { node { code parent { code } timeZone } } }
      region(code: "JS") { name children { totalCount edges { node { code children { edges { node { code } } } } } } }
      within: regions(within: "JS") { edges { node { code level } } }
    }`);
    expect(r.regions.edges.map((e: any) => e.node.code)).toEqual(['JS-NJ', 'JS-SZ', 'ZJ-HZ']);
    expect(r.regions.edges[0].node).toMatchObject({ parent: { code: 'JS' }, timeZone: 'Asia/Shanghai' });
    expect(r.region.children.totalCount).toBe(2);
    expect(r.region.children.edges[0].node.children.edges[0].node.code).toBe('JS-NJ-GL');
    expect(r.within.edges.map((e: any) => e.node.code)).toEqual(['JS-NJ', 'JS-NJ-GL', 'JS-SZ']);
  });
});
