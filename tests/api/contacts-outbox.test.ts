/**
 * The contacts outbox: a channel that throws on its first call leaves the contact queued with a retry time;
 * the outbox delivers it once that time comes, exactly once, and a replayed send creates nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { localId } from '@weixi/testing';
import { PAGER_PLUGIN } from '../plugins/fixtures/index.js';
import { gateway } from '../plugins/fixtures/pager.js';
import { customerInput, startTestApi, type TestApi } from './harness.js';

let api: TestApi;
let customerId: number;
const PAGE = `mutation ($c: Int!, $k: String!) { pager_page(customerId: $c, key: $k) }`;
const row = async (id: number) =>
  (await api.database.rows<{ status: string; attempts: number; detail: string | null; due: boolean }>(
    sql`select status, attempts, detail, next_attempt_at <= ${api.clock.now().toISOString()}::timestamptz as due from contacts where id = ${id}`,
  ))[0]!;

beforeAll(async () => {
  // In process: the test reads the pager's gateway, which lives in the memory of the process the plugin runs in.
  api = await startTestApi('2026-11-15T04:00:00Z', { plugins: [PAGER_PLUGIN], extensionHost: 'in-process' });
  await api.ok(`mutation { enablePlugin(id: "pager") { plugin { status } } updatePluginSettings(id: "pager", settings: { failFirst: true }) { plugin { id } } }`);
  const r = await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { customers { id } } }`, { c: [customerInput('13500000001')] });
  customerId = localId(r.upsertCustomers.customers[0].id);
});
afterAll(() => api?.close());

describe('contacts outbox', () => {
  it('a channel that throws leaves the contact queued; the outbox retries it after the backoff and it is sent once', async () => {
    const first = (await api.ok(PAGE, { c: customerId, k: 'care-1' })).pager_page;
    expect(first).toMatchObject({ status: 'queued', created: true });
    expect(await row(first.contactId)).toMatchObject({ status: 'queued', attempts: 1, due: false, detail: expect.stringContaining('gateway timeout') });
    expect(gateway.delivered).not.toContain(first.contactId);

    expect(await api.plugins.drainOutbox()).toBe(0); // not due yet
    api.clock.set('2026-11-15T04:00:10Z');
    expect(await api.plugins.drainOutbox()).toBe(1);
    expect(await row(first.contactId)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await api.plugins.drainOutbox()).toBe(0);

    const again = (await api.ok(PAGE, { c: customerId, k: 'care-1' })).pager_page;
    expect(again).toEqual({ contactId: first.contactId, status: 'sent', created: false });
    expect(gateway.calls.filter((id) => id === first.contactId)).toHaveLength(2);
    expect(gateway.delivered.filter((id) => id === first.contactId)).toHaveLength(1);
  });

  it('a contact left queued under a lease by a sender that died is taken over once the lease lapses, and sent once', async () => {
    // The row as a send leaves it between writing the contact and the channel's answer (lease of 60 s); a
    // service message, so the frequency cap the first test's marketing contact used up does not stop it.
    const [left] = await api.database.rows<{ id: number }>(sql`
      insert into contacts (customer_id, channel, plugin_id, message, idempotency_key, status, purpose, attempts, lease_until, next_attempt_at, created_at, updated_at)
      values (${customerId}, 'pager', 'pager', 'hello', 'care-crashed', 'queued', 'service', 1,
              ${new Date(api.clock.now().getTime() + 60_000).toISOString()}::timestamptz, ${api.clock.now().toISOString()}::timestamptz, now(), now())
      returning id`);
    const id = Number(left!.id);
    await api.ok(`mutation { updatePluginSettings(id: "pager", settings: { failFirst: false }) { plugin { id } } }`);
    expect(await api.plugins.drainOutbox()).toBe(0); // the lease still holds
    api.clock.set(new Date(api.clock.now().getTime() + 60_000).toISOString());
    expect(await api.plugins.drainOutbox()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await api.plugins.drainOutbox()).toBe(0);
    expect(gateway.delivered.filter((d) => d === id)).toHaveLength(1);
  });

  it('leaves the contacts of a channel this process does not implement to a process that does', async () => {
    const [left] = await api.database.rows<{ id: number }>(sql`
      insert into contacts (customer_id, channel, plugin_id, message, idempotency_key, status, next_attempt_at)
      values (${customerId}, 'fax', 'pager', 'hello', 'care-fax', 'queued', ${api.clock.now().toISOString()}::timestamptz) returning id`);
    expect(await api.plugins.drainOutbox()).toBe(0);
    expect(await row(Number(left!.id))).toMatchObject({ status: 'queued', attempts: 0 });
  });
});
