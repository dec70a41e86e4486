import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSegment, createTask, recordUsage, refreshSegment, upsertCustomers } from '@weixi/core';
import { PRINCIPAL_MEMORY_MS } from '@weixi/core/access';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2026-11-15T04:00:00Z');
  const { db } = api.database;
  const inputs = Array.from({ length: 150 }, (_, i) => ({
    ...customerInput(`1360000${String(i).padStart(4, '0')}`, { regionCode: i % 2 ? 'JS-NJ-GL' : 'ZJ-HZ' }),
    paymentType: 'postpaid' as const,
  }));
  const { customers } = await upsertCustomers(db, inputs);
  const months = ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
  await recordUsage(db, api.clock, customers.flatMap((c, i) => months.map((month) => ({ customerId: c.id, month, revenueCents: 1000 + i, activeDays: i % 7 }))));
  for (const c of customers) {
    await createTask(db, api.clock, { customerId: c.id, reason: 'warning', dueAt: new Date('2026-12-01T00:00:00Z') });
  }
  const segment = await createSegment(db, api.clock, { name: 'Nanjing', definition: { region: { codes: ['JS'] } } });
  await refreshSegment(db, segment.id, { now: api.clock.now() });
});
afterAll(() => api.close());

const PAGE = `query ($first: Int!) {
  customers(first: $first) {
    totalCount
    edges { node {
      msisdn tier lifecycleStage region { code parent { code } }
      usage(months: 6) { totalCount edges { node { month revenueCents } } }
      tasks(first: 5) { totalCount edges { node { state transitions { totalCount } } } }
      segments { totalCount edges { node { enteredAt segment { name count } } } }
    } }
  }
}`;

async function statementsFor(first: number): Promise<{ count: number; data: any }> {
  // Past the server's memory of the key, so that every page counts its lookup alike.
  api.clock.set(new Date(api.clock.now().getTime() + PRINCIPAL_MEMORY_MS).toISOString());
  let count = 0;
  const off = api.database.onStatement(() => count++);
  try {
    const data = await api.ok(PAGE, { first });
    return { count, data };
  } finally {
    off();
  }
}

describe('no N+1', () => {
  it('a page of 100 customers with usage, tasks and segments costs the same few statements as a page of 5', async () => {
    await api.ok('{ regions { totalCount } }'); // the key's first use of the minute notes last_used_at
    const small = await statementsFor(5);
    const large = await statementsFor(100);
    expect(large.data.customers.edges).toHaveLength(100);
    const sample = large.data.customers.edges[1].node;
    expect(sample.usage.edges).toHaveLength(5);
    expect(sample.tasks.totalCount).toBe(1);
    expect(sample.segments.edges[0].node.segment.name).toBe('Nanjing');
    expect(large.count).toBe(small.count);
    // the API key, customers, count, region, parent region, usage, usage count, tasks, task count,
    // transitions count, memberships, membership count, segments, lifecycle: one statement each,
    // whatever the page size.
    expect(large.count).toBeLessThanOrEqual(15);
  });
});
