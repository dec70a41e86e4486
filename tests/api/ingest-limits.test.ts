/**
 * Text limits on ingest: an over-long name, a NUL byte or an oversized payload is refused per item and field
 * with BAD_USER_INPUT, in a batch of 1,000 that then writes nothing, instead of failing in the database
 * with a masked error naming no item (a name over ~2.7 KB broke the name index; NUL is not valid text).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
const UPSERT = `mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`;
const EVENTS = `mutation ($e: [CustomerEventInput!]!) { recordEvents(events: $e) { recorded } }`;
const count = async (table: string) => Number((await api.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);

beforeAll(async () => {
  api = await startTestApi();
  await api.ok(UPSERT, { c: [customerInput('13800000001')] });
});
afterAll(() => api?.close());

describe('customer text limits', () => {
  it('names each bad item and field of a 1,000-customer batch and writes none of it', async () => {
    const batch: Array<Record<string, unknown>> = Array.from({ length: 1000 }, (_, i) => customerInput(`1390000${String(i).padStart(4, '0')}`));
    batch[5] = { ...batch[5]!, name: 'Zhang\u0000San' };
    batch[9] = { ...batch[9]!, attributes: { note: 'a\u0000b' } };
    batch[12] = { ...batch[12]!, plan: 'P'.repeat(65) };
    batch[417] = { ...batch[417]!, name: '王'.repeat(1000) };
    batch[600] = { ...batch[600]!, attributes: { blob: 'x'.repeat(20_000) } };
    const r = await api.gql(UPSERT, { c: batch });
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.extensions!.issues).toEqual([
      { path: 'customers[5].name', message: 'must not contain the NUL character (U+0000)' },
      { path: 'customers[9].attributes', message: 'must not contain the NUL character (U+0000), found at note' },
      { path: 'customers[12].plan', message: 'is 65 characters long; at most 64' },
      { path: 'customers[417].name', message: 'is 1000 characters long; at most 200' },
      { path: 'customers[600].attributes', message: expect.stringMatching(/^is 20\d{3} bytes as JSON; at most 16384$/) },
    ]);
    expect(await count(`customers where msisdn like '1390000%'`)).toBe(0);

    // At the limits it is accepted: 200-character names (600 bytes), 16,000 bytes of attributes.
    const fine = batch.map((c, i) => ({ ...c, name: '王'.repeat(200), plan: 'P99', attributes: i === 600 ? { blob: 'x'.repeat(16_000) } : { note: 'ab' } }));
    expect((await api.ok(UPSERT, { c: fine })).upsertCustomers.created).toBe(1000);
  });
});

describe('event text limits', () => {
  it('refuses NUL and oversized payloads, long types and long keys, per item', async () => {
    const ok = { msisdn: '13800000001', type: 'complaint', occurredAt: '2026-11-01T10:00:00Z' };
    const r = await api.gql(EVENTS, {
      e: [
        ok,
        { ...ok, payload: { text: 'bad\u0000byte' } },
        { ...ok, payload: { big: 'x'.repeat(17_000) } },
        { ...ok, type: `a${'b'.repeat(64)}` },
        { ...ok, idempotencyKey: 'k'.repeat(201) },
        { ...ok, idempotencyKey: 'k\u0000' },
      ],
    });
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.extensions!.issues).toEqual([
      { path: 'events[1].payload', message: 'must not contain the NUL character (U+0000), found at text' },
      { path: 'events[2].payload', message: expect.stringMatching(/^is 17\d{3} bytes as JSON; at most 16384$/) },
      { path: 'events[3].type', message: 'is 65 characters long; at most 64' },
      { path: 'events[4].idempotencyKey', message: 'is 201 characters long; at most 200' },
      { path: 'events[5].idempotencyKey', message: 'must not contain the NUL character (U+0000)' },
    ]);
    expect(await count('customer_events')).toBe(0);
  });
});
