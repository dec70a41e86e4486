import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../tests/api/harness.js';
import {
  assignTaskMutation,
  createSegmentMutation,
  createTaskMutation,
  createWeixiClient,
  customerByMsisdnQuery,
  customersByIdQuery,
  customersQuery,
  graphql,
  recordEventsMutation,
  recordTaskOutcomeMutation,
  recordUsageMutation,
  refreshSegmentMutation,
  segmentCountQuery,
  segmentHistoryQuery,
  segmentMembersQuery,
  segmentPreviewQuery,
  startTaskMutation,
  tasksQuery,
  upsertCustomersMutation,
  WeixiClientError,
  type CustomerInput,
  type CustomersQuery,
  type LifecycleStage,
  type SegmentCondition,
  type TaskState,
  type Tier,
  type UsageInput,
  type WeixiClient,
} from './index.js';

let api: TestApi;
let weixi: WeixiClient;
beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
  weixi = createWeixiClient({ url: api.server.url, headers: { authorization: `Bearer ${api.adminKey}` } });
});
afterAll(() => api.close());

const customer = (msisdn: string, overrides: Partial<CustomerInput> = {}): CustomerInput => ({
  msisdn,
  name: `客户${msisdn.slice(-4)}`,
  regionCode: 'JS-NJ-GL',
  joinedOn: '2021-06-01',
  plan: 'P99',
  paymentType: 'POSTPAID',
  ...overrides,
});

/** Six complete months before the test clock's November; revenue after `dropFrom` is scaled by `factor`. */
const usage = (msisdn: string, revenueCents: number, factor = 1): UsageInput[] =>
  ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'].map((month, i) => ({
    msisdn,
    month,
    revenueCents: i >= 3 ? Math.round(revenueCents * factor) : revenueCents,
    activeDays: 25,
    dataMb: 4096,
    voiceMinutes: 300,
  }));

/** The error a request failed with; fails the test if it succeeded or failed otherwise. */
async function failure(request: Promise<unknown>): Promise<WeixiClientError> {
  const error = await request.then(
    () => new Error('expected the request to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WeixiClientError);
  return error as WeixiClientError;
}

const REVENUE_DROP: SegmentCondition = { metric: { metric: 'REVENUE_CENTS', measure: 'CHANGE_RATIO', months: 3, op: 'LTE', value: -0.3 } };

/** The first customer, set by the first test; later tests build on what earlier ones wrote. */
let steadyId: string;

describe('the generated client against the real server', () => {
  it('upserts customers and records usage and events, typed end to end', async () => {
    const { upsertCustomers } = await weixi.request(upsertCustomersMutation, {
      customers: [
        customer('13900000001', { contractEndsOn: '2028-01-31', consent: [{ channel: 'sms', granted: true }] }),
        customer('13900000002', { regionCode: 'JS-SZ', paymentType: 'PREPAID', balanceCents: -1200 }),
        customer('13900000003', { regionCode: 'ZJ-HZ' }),
      ],
    });
    expectTypeOf(upsertCustomers.created).toEqualTypeOf<number>();
    // A bulk write answers with counts, not the objects it wrote.
    expect(upsertCustomers).toEqual({ created: 3, updated: 0 });
    const { customers: written } = await weixi.request(customersQuery, { filter: { msisdnPrefix: '139000000' }, orderBy: { field: 'MSISDN', direction: 'ASC' } });
    expectTypeOf(written.edges[0]!.node.lifecycleStage).toEqualTypeOf<LifecycleStage>();
    expect(written.edges.map(({ node: c }) => [c.msisdn, c.region.code, c.paymentType])).toEqual([
      ['13900000001', 'JS-NJ-GL', 'POSTPAID'],
      ['13900000002', 'JS-SZ', 'PREPAID'],
      ['13900000003', 'ZJ-HZ', 'POSTPAID'],
    ]);
    steadyId = written.edges[0]!.node.id;

    const recorded = await weixi.request(recordUsageMutation, {
      usage: [...usage('13900000001', 9900), ...usage('13900000002', 12000, 0.5), ...usage('13900000003', 5000)],
    });
    expect(recorded.recordUsage.recorded).toBe(18);

    const events = [{ msisdn: '13900000003', type: 'port_out.inquiry', occurredAt: '2026-11-10T10:00:00+08:00', payload: { via: 'hall' }, idempotencyKey: 'crm-77' }];
    expect((await weixi.request(recordEventsMutation, { events })).recordEvents).toEqual({ recorded: 1, duplicates: 0 });
    expect((await weixi.request(recordEventsMutation, { events })).recordEvents).toEqual({ recorded: 0, duplicates: 1 });
  });

  it('reads a customer profile back with usage, lifecycle and warnings', async () => {
    const { customerByMsisdn: steady } = await weixi.request(customerByMsisdnQuery, { msisdn: '13900000001', usageMonths: 3 });
    expect(steady).not.toBeNull();
    expectTypeOf(steady!.usage.edges[0]!.node.revenueCents).toEqualTypeOf<number>();
    expect(steady).toMatchObject({ id: steadyId, lifecycleStage: 'MATURE', warnings: [], contractEndsOn: '2028-01-31', consent: [{ channel: 'sms', granted: true }] });
    expect(steady!.usage.edges.map((e) => e.node.month)).toEqual(['2026-10', '2026-09', '2026-08']);

    const dropped = (await weixi.request(customerByMsisdnQuery, { msisdn: '13900000002' })).customerByMsisdn!;
    expect(dropped).toMatchObject({ lifecycleStage: 'WARNING', warnings: ['REVENUE_DROP'], balanceCents: -1200 });
    expect(dropped.usage.totalCount).toBe(6);

    expect((await weixi.request(customerByMsisdnQuery, { msisdn: '13800000000' })).customerByMsisdn).toBeNull();

    const byId = await weixi.request(customersByIdQuery, { ids: [steadyId, dropped.id] });
    expect(byId.nodes.map((n) => (n?.__typename === 'Customer' ? n.lifecycleStage : null))).toEqual(['MATURE', 'WARNING']);
  });

  it('pages customers with a filter and an order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const { customers }: CustomersQuery = await weixi.request(customersQuery, {
        filter: { msisdnPrefix: '139000000', regionCodes: ['JS'] },
        orderBy: { field: 'MSISDN', direction: 'DESC' },
        first: 1,
        after,
      });
      expect(customers.totalCount).toBe(2);
      seen.push(...customers.edges.map((e) => e.node.msisdn));
      if (!customers.pageInfo.hasNextPage) break;
      after = customers.pageInfo.endCursor;
    }
    expect(seen).toEqual(['13900000002', '13900000001']);

    // Variables are optional when the operation has no required ones.
    const all = await weixi.request(customersQuery);
    expect(all.customers.totalCount).toBe(3);
  });

  it('creates, previews and refreshes a segment and counts it', async () => {
    expect((await weixi.request(segmentPreviewQuery, { definition: REVENUE_DROP })).segmentPreview).toBe(1);
    const { createSegment } = await weixi.request(createSegmentMutation, { input: { name: 'revenue down 30%', definition: REVENUE_DROP } });
    expect(createSegment.segment).toMatchObject({ name: 'revenue down 30%', count: 0, stale: true, refreshedAt: null, definition: REVENUE_DROP });
    const id = createSegment.segment.id;

    const { refreshSegment } = await weixi.request(refreshSegmentMutation, { id });
    expect(refreshSegment).toMatchObject({ entered: 1, left: 0, segment: { count: 1, stale: false } });
    expect(refreshSegment.segment.refreshedAt).toEqual(expect.any(String));

    expect((await weixi.request(segmentCountQuery, { id })).segment).toMatchObject({ id, count: 1, stale: false });
    const member = (await weixi.request(customerByMsisdnQuery, { msisdn: '13900000002' })).customerByMsisdn!;
    expect(member.segments.edges.map((e) => e.node.segment.name)).toEqual(['revenue down 30%']);
    const members = await weixi.request(customersQuery, { filter: { segmentId: id } });
    expect(members.customers.edges.map((e) => e.node.msisdn)).toEqual(['13900000002']);
  });

  it('pages a segment\'s members and reads a customer\'s segment history, past stays included', async () => {
    const { createSegment } = await weixi.request(createSegmentMutation, { input: { name: 'Suzhou', definition: { region: { codes: ['JS-SZ'] } } } });
    const id = createSegment.segment.id;
    await weixi.request(refreshSegmentMutation, { id });
    const page = (await weixi.request(segmentMembersQuery, { id, first: 10 })).segment!;
    expect(page).toMatchObject({ id, name: 'Suzhou', members: { totalCount: 1, pageInfo: { hasNextPage: false } } });
    expectTypeOf(page.members.edges[0]!.node.tier).toEqualTypeOf<Tier>();
    expect(page.members.edges.map((e) => e.node.msisdn)).toEqual(['13900000002']);

    // The customer moves to Hangzhou: after the refresh it has left Suzhou, and its history still shows the stay.
    await weixi.request(upsertCustomersMutation, { customers: [customer('13900000002', { regionCode: 'ZJ-HZ', paymentType: 'PREPAID', balanceCents: -1200 })] });
    expect((await weixi.request(refreshSegmentMutation, { id })).refreshSegment).toMatchObject({ entered: 0, left: 1 });
    expect((await weixi.request(segmentMembersQuery, { id })).segment!.members.totalCount).toBe(0);
    const history = (await weixi.request(segmentHistoryQuery, { msisdn: '13900000002' })).customerByMsisdn!;
    const suzhou = history.segments.edges.find((e) => e.node.segment.id === id)!.node;
    expect(suzhou.enteredAt).toEqual(expect.any(String));
    expect(suzhou.leftAt).toEqual(expect.any(String));
    // Moved back for the tests below.
    await weixi.request(upsertCustomersMutation, { customers: [customer('13900000002', { regionCode: 'JS-SZ', paymentType: 'PREPAID', balanceCents: -1200 })] });
  });

  it('runs an operation of the integrator\'s own, written with graphql() and typed by its declaration', async () => {
    const ownDocument = graphql<{ customerByMsisdn: { name: string; region: { code: string } } | null }, { msisdn: string }>(`
      query Mine($msisdn: String!) { customerByMsisdn(msisdn: $msisdn) { name region { code } } }
    `);
    expect(graphql('query Mine($msisdn: String!) { customerByMsisdn(msisdn: $msisdn) { name } }')).toBe(graphql('query Mine($msisdn: String!) { customerByMsisdn(msisdn: $msisdn) { name } }'));
    const { customerByMsisdn } = await weixi.request(ownDocument, { msisdn: '13900000001' });
    expectTypeOf(customerByMsisdn!.region.code).toEqualTypeOf<string>();
    expect(customerByMsisdn).toEqual({ name: '客户0001', region: { code: 'JS-NJ-GL' } });
    expect(() => graphql('query { customers {')).toThrow(/Syntax Error/);
  });

  it('walks a retention task from open to done and finds it by filter', async () => {
    const { createTask } = await weixi.request(createTaskMutation, {
      input: { customerId: steadyId, reason: 'revenue down 50%', tactic: 'plan-migration', channel: 'call', dueAt: '2026-11-20T09:00:00+08:00', idempotencyKey: 'client-test-1' },
    });
    expect(createTask).toMatchObject({ created: true, task: { state: 'OPEN', assignee: null, dueAt: '2026-11-20T01:00:00.000Z', customer: { msisdn: '13900000001' } } });
    const id = createTask.task.id;

    expect((await weixi.request(assignTaskMutation, { id, assignee: 'agent-7' })).assignTask.task).toMatchObject({ state: 'ASSIGNED', assignee: 'agent-7' });
    expect((await weixi.request(startTaskMutation, { id })).startTask.task.state).toBe('IN_PROGRESS');
    const unreachable = await weixi.request(recordTaskOutcomeMutation, { id, outcome: 'UNREACHABLE', channel: 'call' });
    expect(unreachable.recordTaskOutcome.task).toMatchObject({ state: 'IN_PROGRESS', attemptCount: 1, outcome: null });
    const done = (await weixi.request(recordTaskOutcomeMutation, { id, outcome: 'RETAINED', note: 'moved to P129' })).recordTaskOutcome.task;
    expectTypeOf(done.state).toEqualTypeOf<TaskState>();
    expect(done).toMatchObject({ state: 'DONE', outcome: 'RETAINED', attemptCount: 2 });
    expect(done.transitions.edges.map((e) => [e.node.fromState, e.node.toState])).toEqual([
      [null, 'OPEN'],
      ['OPEN', 'ASSIGNED'],
      ['ASSIGNED', 'IN_PROGRESS'],
      ['IN_PROGRESS', 'DONE'],
    ]);

    const again = await weixi.request(createTaskMutation, { input: { customerId: steadyId, reason: 'x', dueAt: '2026-11-30T00:00:00Z', idempotencyKey: 'client-test-1' } });
    expect(again.createTask).toMatchObject({ created: false, task: { id } });

    const { tasks } = await weixi.request(tasksQuery, { filter: { states: ['DONE'], regionCodes: ['JS'], assignee: 'agent-7' } });
    expect(tasks.totalCount).toBe(1);
    expect(tasks.edges[0]!.node).toMatchObject({ id, tactic: 'plan-migration', customer: { id: steadyId } });
    expect((await weixi.request(tasksQuery, { filter: { states: ['OPEN'] } })).tasks.totalCount).toBe(0);
  });
});

describe('errors', () => {
  it('surfaces a rejected batch as WeixiClientError with BAD_USER_INPUT and the issue paths', async () => {
    const clientError = await failure(
      weixi.request(upsertCustomersMutation, {
        customers: [customer('13900000100'), customer('13900000101', { regionCode: 'XX-NOPE' }), customer('12ab', { creditLimitCents: -5 })],
      }),
    );
    expect(clientError.code).toBe('BAD_USER_INPUT');
    expect(clientError.operationName).toBe('UpsertCustomers');
    expect(clientError.data).toBeNull();
    expect(clientError.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['customers[1].regionCode', 'customers[2].msisdn', 'customers[2].creditLimitCents']));
    expect(clientError.errors[0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(clientError.message).toContain('customers[1].regionCode: region "XX-NOPE" does not exist');
    // nothing was written
    expect((await weixi.request(customersQuery, { filter: { msisdnPrefix: '139000001' } })).customers.totalCount).toBe(0);
  });

  it('surfaces typed domain errors and variable errors', async () => {
    const { createTask } = await weixi.request(createTaskMutation, { input: { customerId: steadyId, reason: 'x', dueAt: '2026-11-30T00:00:00Z' } });
    const illegal = await failure(weixi.request(startTaskMutation, { id: createTask.task.id }));
    expect(illegal.code).toBe('ILLEGAL_TRANSITION');

    const badDate = await failure(weixi.request(upsertCustomersMutation, { customers: [customer('13900000200', { joinedOn: '2020-02-30' })] }));
    // rejected while coercing variables, before any resolver ran: HTTP 400 with a GraphQL error body
    expect(badDate).toMatchObject({ code: 'BAD_USER_INPUT', status: 400 });
    expect(badDate.message).toContain('"2020-02-30" is not a date (YYYY-MM-DD)');
  });

  it('reports HTTP failures and unreachable servers as WeixiClientError', async () => {
    const notGraphQL = createWeixiClient({ url: api.server.url.replace('/graphql', '/nope') });
    const http = await failure(notGraphQL.request(customersQuery));
    expect(http.status).toBe(404);

    const down = createWeixiClient({ url: 'http://127.0.0.1:9/graphql' });
    const unreachable = await failure(down.request(customersQuery));
    expect(unreachable.status).toBe(0);
  });

  it('sends configured and per-request headers through the given fetch', async () => {
    const sent: Record<string, string>[] = [];
    const spy = createWeixiClient({
      url: api.server.url,
      headers: async () => ({ authorization: `Bearer ${api.adminKey}` }),
      fetch: (input, init) => {
        sent.push(init?.headers as Record<string, string>);
        return fetch(input, init);
      },
    });
    await spy.request(segmentCountQuery, { id: 'U2VnbWVudDox' }, { headers: { 'x-request-id': 'r-1' } });
    expect(sent[0]).toMatchObject({ authorization: `Bearer ${api.adminKey}`, 'x-request-id': 'r-1', 'content-type': 'application/json' });
  });
});

