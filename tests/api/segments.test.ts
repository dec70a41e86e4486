import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
  await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, {
    c: [
      customerInput('13500000001', { regionCode: 'JS-NJ-GL', isCampus: true, contractEndsOn: '2026-12-01' }),
      customerInput('13500000002', { regionCode: 'JS-SZ', contractEndsOn: '2027-06-01' }),
      customerInput('13500000003', { regionCode: 'ZJ-HZ', isCampus: true }),
      customerInput('13500000004', { regionCode: 'JS-NJ-GL', status: 'SUSPENDED' }),
    ],
  });
  // 01 and 02 spend 100 a month for three months, then 01 drops to 50 (-50%); 03 goes silent.
  const months = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
  const usage = months.flatMap((month, i) => [
    { msisdn: '13500000001', month, revenueCents: i < 3 ? 10000 : 5000, activeDays: 20 },
    { msisdn: '13500000002', month, revenueCents: 10000, activeDays: 25 },
    { msisdn: '13500000003', month, revenueCents: 3000, activeDays: i === 5 ? 0 : 10 },
    { msisdn: '13500000004', month, revenueCents: 100000, activeDays: 30 },
  ]);
  await api.ok(`mutation ($u: [UsageInput!]!) { recordUsage(usage: $u) { recorded } }`, { u: usage });
  await api.ok(`mutation { refreshTiers(thresholds: { diamond: 0.25, gold: 0.5, silver: 0.75, midHigh: 1 }) { updated } }`);
});
afterAll(() => api.close());

const CREATE = `mutation ($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id name version stale count definition } } }`;
const REFRESH = `mutation ($id: ID!) { refreshSegment(id: $id) { entered left segment { count stale refreshedVersion members { totalCount edges { node { msisdn } } } } } }`;
const msisdns = (r: any) => r.refreshSegment.segment.members.edges.map((e: any) => e.node.msisdn);

describe('segments', () => {
  it('creates a segment from a typed definition, refreshes it set-based and tracks entered/left', async () => {
    const definition = {
      and: [
        { region: { codes: ['JS'] } },
        { not: { field: { field: 'STATUS', op: 'EQ', value: 'suspended' } } },
        { or: [{ field: { field: 'IS_CAMPUS', op: 'EQ', value: 'true' } }, { metric: { metric: 'REVENUE_CENTS', measure: 'CHANGE_RATIO', months: 3, op: 'LTE', value: -0.3 } }] },
      ],
    };
    const created = await api.ok(CREATE, { input: { name: 'JS campus or dropping', definition } });
    const segment = created.createSegment.segment;
    expect(segment).toMatchObject({ version: 1, stale: true, count: 0 });
    expect(segment.definition).toEqual(definition);

    const first = await api.ok(REFRESH, { id: segment.id });
    expect(first.refreshSegment).toMatchObject({ entered: 1, left: 0, segment: { count: 1, stale: false, refreshedVersion: 1 } });
    expect(msisdns(first)).toEqual(['13500000001']);
    const again = await api.ok(REFRESH, { id: segment.id });
    expect(again.refreshSegment).toMatchObject({ entered: 0, left: 0 });

    // widen: the definition changes, the version grows and the next refresh records the diff
    const updated = await api.ok(`mutation ($id: ID!, $input: UpdateSegmentInput!) { updateSegment(id: $id, input: $input) { segment { version stale } } }`, {
      id: segment.id,
      input: { definition: { field: { field: 'CONTRACT_ENDS_IN_DAYS', op: 'GTE', value: '0' } } },
    });
    expect(updated.updateSegment.segment).toEqual({ version: 2, stale: true });
    const widened = await api.ok(REFRESH, { id: segment.id });
    expect(widened.refreshSegment).toMatchObject({ entered: 1, left: 0 });
    expect(msisdns(widened).sort()).toEqual(['13500000001', '13500000002']);

    const history = await api.ok(`query { customerByMsisdn(msisdn: "13500000002") { segments(includePast: true) { totalCount edges { node { leftAt segment { name } } } } } }`);
    expect(history.customerByMsisdn.segments).toMatchObject({ totalCount: 1, edges: [{ node: { leftAt: null, segment: { name: 'JS campus or dropping' } } }] });
    const read = await api.ok(`query ($id: ID!) { segment(id: $id) { name count version } segments { totalCount } }`, { id: segment.id });
    expect(read.segment).toEqual({ name: 'JS campus or dropping', count: 2, version: 2 });
  });

  it('previews counts and filters customers by any condition, live', async () => {
    const r = await api.ok(`query {
      silent: segmentPreview(definition: { metric: { metric: ACTIVE_DAYS, measure: MONTHS_WITHOUT_ACTIVITY, months: 6, op: GTE, value: 1 } })
      top: customers(filter: { condition: { tier: { in: [DIAMOND] } } }) { edges { node { msisdn tier } } }
      campus: customers(filter: { regionCodes: ["JS"], condition: { field: { field: IS_CAMPUS, op: EQ, value: "true" } } }) { totalCount }
    }`);
    expect(r.silent).toBe(1);
    // tiers rank within each province: the only Zhejiang customer tops Zhejiang
    expect(r.top.edges.map((e: any) => e.node.msisdn)).toEqual(['13500000003', '13500000004']);
    expect(r.campus.totalCount).toBe(1);
  });

  it('names every bad part of a definition, and refuses unknown fields and duplicate names', async () => {
    const bad = await api.gql(CREATE, {
      input: {
        name: 'bad',
        definition: {
          and: [
            { field: { field: 'BALANCE_CENTS', op: 'STARTS_WITH', value: '1' } },
            { field: { field: 'JOINED_ON', op: 'GT', value: 'yesterday' } },
            { metric: { metric: 'REVENUE_CENTS', measure: 'TOTAL', months: 40, op: 'GT', value: 0 } },
            { region: { codes: ['NOWHERE'] } },
            { or: [] },
          ],
        },
      },
    });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const paths = bad.errors![0]!.extensions!.issues!.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'input.definition.and[0].field.op',
        'input.definition.and[1].field.value',
        'input.definition.and[2].metric.months',
        'input.definition.and[3].region.codes[0]',
        'input.definition.and[4].or',
      ]),
    );
    const unknownField = await api.gql(CREATE, { input: { name: 'x', definition: { field: { field: 'SHOE_SIZE', op: 'EQ', value: '42' } } } });
    expect(unknownField.errors![0]!.message).toMatch(/SHOE_SIZE.*SegmentField/);
    const oneOf = await api.gql(`mutation { createSegment(input: { name: "x", definition: { tier: { in: [GOLD] }, region: { codes: ["JS"] } } }) { segment { id } } }`);
    expect(oneOf.errors![0]!.message).toMatch(/exactly one/i);
    const dup = await api.gql(CREATE, { input: { name: 'JS campus or dropping', definition: { tier: { in: ['GOLD'] } } } });
    expect(dup.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(dup.errors![0]!.message).toContain('a segment named "JS campus or dropping" already exists');
    const thresholds = await api.gql(`mutation { refreshTiers(thresholds: { diamond: 0.5, gold: 0.1 }) { updated } }`);
    expect(thresholds.errors![0]!.extensions!.issues![0]!.path).toBe('thresholds.gold');
  });

  it('deletes a segment with its membership', async () => {
    const { createSegment } = await api.ok(CREATE, { input: { name: 'temp', definition: { tier: { in: ['ORDINARY', 'DIAMOND'] } } } });
    await api.ok(REFRESH, { id: createSegment.segment.id });
    const deleted = await api.ok(`mutation ($id: ID!) { deleteSegment(id: $id) { deletedId } }`, { id: createSegment.segment.id });
    expect(deleted.deleteSegment.deletedId).toBe(createSegment.segment.id);
    const gone = await api.ok(`query ($id: ID!) { segment(id: $id) { id } }`, { id: createSegment.segment.id });
    expect(gone.segment).toBeNull();
    const again = await api.gql(`mutation ($id: ID!) { deleteSegment(id: $id) { deletedId } }`, { id: createSegment.segment.id });
    expect(again.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });
});
