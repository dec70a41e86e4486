import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let customerId: string;
beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
  const r = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, {
    c: [customerInput('13800000001'), customerInput('13800000002')],
  });
  customerId = r.upsertCustomers.customers[0].id;
});
afterAll(() => api.close());

const RECORD = `mutation ($usage: [UsageInput!]!) { recordUsage(usage: $usage) { recorded usage { month revenueCents activeDays } } }`;

describe('recordUsage', () => {
  it('records by MSISDN or id and replaces the same month instead of adding to it', async () => {
    const first = await api.ok(RECORD, {
      usage: [
        { msisdn: '13800000001', month: '2026-09', revenueCents: 5000, activeDays: 30 },
        { customerId, month: '2026-10', revenueCents: 4000, activeDays: 20, complaints: 1 },
      ],
    });
    expect(first.recordUsage.recorded).toBe(2);
    await api.ok(RECORD, { usage: [{ msisdn: '13800000001', month: '2026-10', revenueCents: 4500, activeDays: 21 }] });
    const r = await api.ok(`query ($id: ID!) { customer(id: $id) { usage(months: 6) { totalCount edges { node { month revenueCents activeDays complaints } } } } }`, { id: customerId });
    expect(r.customer.usage.totalCount).toBe(2);
    expect(r.customer.usage.edges.map((e: any) => e.node)).toEqual([
      { month: '2026-10', revenueCents: 4500, activeDays: 21, complaints: 0 },
      { month: '2026-09', revenueCents: 5000, activeDays: 30, complaints: 0 },
    ]);
  });

  it('rejects malformed months, negative figures, unknown customers and duplicates, writing nothing', async () => {
    const bad = await api.gql(RECORD, {
      usage: [
        { msisdn: '13800000002', month: '2026-08', revenueCents: 100 },
        { msisdn: '13800000002', month: '2026-08', revenueCents: 200 },
        { msisdn: '13899999999', month: '2026-08' },
        { msisdn: '13800000002', month: '2026-07', revenueCents: -1, activeDays: 40 },
        { msisdn: '13800000002', customerId, month: '2026-07' },
        { msisdn: '13800000002', month: '2027-01' },
      ],
    });
    const paths = bad.errors![0]!.extensions!.issues!.map((i) => i.path);
    expect(paths).toEqual(['usage[1].month', 'usage[2].msisdn', 'usage[3].revenueCents', 'usage[3].activeDays', 'usage[4]', 'usage[5].month']);
    const month = await api.gql(RECORD, { usage: [{ msisdn: '13800000002', month: '2026-13' }] });
    expect(month.errors![0]!.message).toContain('"2026-13" is not a month (YYYY-MM)');
    const r = await api.ok(`query { customerByMsisdn(msisdn: "13800000002") { usage(months: 12) { totalCount } } }`);
    expect(r.customerByMsisdn.usage.totalCount).toBe(0);
  });
});

describe('recordEvents', () => {
  const RECORD_EVENTS = `mutation ($events: [CustomerEventInput!]!) { recordEvents(events: $events) { recorded duplicates events { type } } }`;

  it('is idempotent on the idempotency key and lists events newest first', async () => {
    const events = [
      { msisdn: '13800000001', type: 'port_out.inquiry', occurredAt: '2026-11-01T10:00:00+08:00', payload: { via: 'hall' }, idempotencyKey: 'crm-1' },
      { msisdn: '13800000001', type: 'complaint', occurredAt: '2026-11-03T10:00:00+08:00', idempotencyKey: 'crm-2' },
    ];
    const first = await api.ok(RECORD_EVENTS, { events });
    expect(first.recordEvents).toMatchObject({ recorded: 2, duplicates: 0 });
    const again = await api.ok(RECORD_EVENTS, { events });
    expect(again.recordEvents).toMatchObject({ recorded: 0, duplicates: 2 });
    const r = await api.ok(`query { customerByMsisdn(msisdn: "13800000001") { events { totalCount edges { node { type occurredAt payload } } } } }`);
    expect(r.customerByMsisdn.events.totalCount).toBe(2);
    expect(r.customerByMsisdn.events.edges.map((e: any) => e.node.type)).toEqual(['complaint', 'port_out.inquiry']);
    expect(r.customerByMsisdn.events.edges[1].node).toMatchObject({ occurredAt: '2026-11-01T02:00:00.000Z', payload: { via: 'hall' } });
  });

  it('names bad event types, times and repeated keys', async () => {
    const bad = await api.gql(RECORD_EVENTS, {
      events: [
        { msisdn: '13800000001', type: 'Port Out!', occurredAt: '2026-11-01T10:00:00Z' },
        { msisdn: '13800000001', type: 'complaint', occurredAt: '2026-11-01T10:00:00Z', idempotencyKey: 'k' },
        { msisdn: '13800000001', type: 'complaint', occurredAt: '2026-11-01T10:00:00Z', idempotencyKey: 'k' },
      ],
    });
    expect(bad.errors![0]!.extensions!.issues).toEqual([
      { path: 'events[0].type', message: expect.stringContaining('is not an event type') },
      { path: 'events[2].idempotencyKey', message: '"k" is also used for this customer at events[1]' },
    ]);
    const time = await api.gql(RECORD_EVENTS, { events: [{ msisdn: '13800000001', type: 'complaint', occurredAt: 'yesterday' }] });
    expect(time.errors![0]!.message).toContain('"yesterday" is not a date-time');
  });
});
