/**
 * An integrator's program as it would live in their own repository: tests/processes/built.test.ts compiles it
 * with tsc against the packed @weixi/client and runs the JavaScript on Node against the built server.
 * It ingests a batch, builds a segment, pages its members, reads a member's history and runs a document of
 * its own; it prints what it saw as one JSON line. Usage: node program.js <url> <token>
 */
import {
  createSegmentMutation,
  createWeixiClient,
  graphql,
  refreshSegmentMutation,
  segmentHistoryQuery,
  segmentMembersQuery,
  upsertCustomersMutation,
  type CustomerInput,
  type SegmentCondition,
} from '@weixi/client';

const [url, token] = process.argv.slice(2);
if (!url || !token) throw new Error('usage: node program.js <url> <token>');
const weixi = createWeixiClient({ url, headers: { authorization: `Bearer ${token}` } });

const PREFIX = '1770000';
const customers: CustomerInput[] = Array.from({ length: 1000 }, (_, i) => ({
  msisdn: `${PREFIX}${String(i).padStart(4, '0')}`,
  name: `学生${i}`,
  regionCode: 'JS-NJ',
  joinedOn: '2024-09-01',
  plan: 'CAMPUS-39',
  paymentType: 'PREPAID',
  isCampus: i % 4 === 0,
}));
const { upsertCustomers } = await weixi.request(upsertCustomersMutation, { customers });

const campus: SegmentCondition = { and: [{ field: { field: 'IS_CAMPUS', op: 'EQ', value: 'true' } }, { field: { field: 'MSISDN', op: 'STARTS_WITH', value: PREFIX } }] };
const { createSegment } = await weixi.request(createSegmentMutation, { input: { name: 'Nanjing campus intake', definition: campus } });
const { refreshSegment } = await weixi.request(refreshSegmentMutation, { id: createSegment.segment.id });
const members = (await weixi.request(segmentMembersQuery, { id: createSegment.segment.id, first: 100 })).segment;
const history = (await weixi.request(segmentHistoryQuery, { msisdn: `${PREFIX}0000` })).customerByMsisdn;

const ownQuery = graphql<{ customers: { totalCount: number } }, { prefix: string }>(`
  query Intake($prefix: String!) { customers(filter: { msisdnPrefix: $prefix }) { totalCount } }
`);
const own = await weixi.request(ownQuery, { prefix: PREFIX });

console.log(
  JSON.stringify({
    upsert: upsertCustomers,
    entered: refreshSegment.entered,
    members: { totalCount: members?.members.totalCount, page: members?.members.edges.length, hasNextPage: members?.members.pageInfo.hasNextPage },
    history: history?.segments.edges.map((e) => ({ segment: e.node.segment.name, left: e.node.leftAt })),
    own: own.customers.totalCount,
  }),
);
