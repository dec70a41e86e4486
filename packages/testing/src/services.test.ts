/**
 * The SDK services as a plugin sees them (implemented in @weixi/core's host): capability checks, region
 * scoping, the region's calendar, and the errors a plugin author gets for bad input.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITIES, type Capability, type PluginContext } from '@weixi/sdk';
import { createTestPlatform, type InstalledPlugin, type TestPlatform } from './index.js';
import { probeContexts } from './fixtures/probe/index.js';

const entry = fileURLToPath(new URL('./fixtures/probe/index.ts', import.meta.url));
const probe = (id: string, capabilities: Capability[]): InstalledPlugin => ({
  entry,
  manifest: { id, displayName: id, description: 'probe', version: '1.0.0', engines: { weixi: '^0.1.0' }, capabilities },
});

let p: TestPlatform;
let all: PluginContext;
let none: PluginContext;
let ids: Record<string, number>;

beforeAll(async () => {
  p = await createTestPlatform({
    plugins: [probe('probe-all', [...CAPABILITIES]), probe('probe-none', [])],
    channels: ['sms'],
    regions: [
      { code: 'JS', name: '江苏', level: 'province' },
      { code: 'JS-NJ', name: '南京', level: 'city', parent: 'JS' },
      { code: 'US', name: 'New York', level: 'province', timeZone: 'America/New_York' },
    ],
    now: '2026-11-16T10:00:00+08:00',
    enable: [{ plugin: 'probe-all' }, { plugin: 'probe-none' }],
    // In process: the probes hand their contexts to this test through the memory they share with it.
    extensionHost: 'in-process',
  });
  all = probeContexts().get('probe-all')!;
  none = probeContexts().get('probe-none')!;
  const [silent, busy, newcomer, ny] = await p.addCustomers([
    { regionCode: 'JS-NJ', joinedOn: '2020-01-01', birthday: '1990-11-17' },
    { regionCode: 'JS-NJ', joinedOn: '2020-01-01', birthday: '1990-11-16' },
    { regionCode: 'JS-NJ', joinedOn: '2026-10-20' },
    { regionCode: 'US', joinedOn: '2020-01-01', birthday: '1980-11-16' },
  ]) as [number, number, number, number];
  ids = { silent, busy, newcomer, ny };
  await p.recordUsage([
    { customerId: busy, month: '2026-10', activeDays: 20 },
    { customerId: silent, month: '2026-09', activeDays: 3 },
    { customerId: ny, month: '2026-10', activeDays: 0 },
  ]);
});
afterAll(() => p?.close());

const silentOneMonth = { metric: { metric: 'activeDays', measure: 'monthsWithoutActivity', months: 1, op: 'gte', value: 1 } } as const;

describe('services.segments', () => {
  it('matches set-based within the region subtree, in id order, with keyset pages', async () => {
    expect(await all.services.segments.matching('JS', silentOneMonth)).toEqual([ids.silent, ids.newcomer]);
    expect(await all.services.segments.matching('US', silentOneMonth)).toEqual([ids.ny]);
    expect(await all.services.segments.count('JS', silentOneMonth)).toBe(2);
    expect(await all.services.segments.matching('JS', silentOneMonth, { limit: 1 })).toEqual([ids.silent]);
    expect(await all.services.segments.matching('JS', silentOneMonth, { afterId: ids.silent })).toEqual([ids.newcomer]);
  });

  it('evaluates as of the region\'s calendar day at asOf', async () => {
    // 2026-11-30T20:00Z is already December 1 in Shanghai: November becomes the last complete month
    const december = await all.services.segments.matching('JS', silentOneMonth, { asOf: new Date('2026-11-30T20:00:00Z') });
    expect(december).toEqual([ids.silent, ids.busy, ids.newcomer]);
    // ...and still November 30 in New York, where October is the last complete month
    expect(await all.services.segments.matching('US', silentOneMonth, { asOf: new Date('2026-11-30T20:00:00Z') })).toEqual([ids.ny]);
  });

  it('refuses an invalid condition with every problem, an unknown region and a bad page', async () => {
    await expect(all.services.segments.matching('JS', { field: { field: 'shoeSize' as never, op: 'eq', value: '42' } })).rejects.toThrow(/condition\.field\.field: unknown field "shoeSize"/);
    await expect(all.services.segments.count('XX', silentOneMonth)).rejects.toThrow('regionCode: region "XX" does not exist');
    await expect(all.services.segments.matching('JS', silentOneMonth, { limit: 0 })).rejects.toThrow('options.limit: must be a whole number from 1 to 10000, got 0');
  });
});

describe('services.usage, regions, customers and contacts', () => {
  it('reads monthly usage by customer and month, and checks the range', async () => {
    const rows = await all.services.usage.monthly([ids.busy!, ids.silent!], { from: '2026-09', to: '2026-10' });
    expect(rows.map((r) => [r.customerId, r.month, r.activeDays])).toEqual([
      [ids.silent, '2026-09', 3],
      [ids.busy, '2026-10', 20],
    ].sort((a, b) => Number(a[0]) - Number(b[0])));
    await expect(all.services.usage.monthly([1], { from: '2026-10', to: '2026-13' })).rejects.toThrow('months.to: "2026-13" is not a month (YYYY-MM)');
    await expect(all.services.usage.monthly([1], { from: '2023-01', to: '2026-10' })).rejects.toThrow('must be 1 to 36 months');
  });

  it('tells a region\'s calendar day, daylight saving time included', async () => {
    const shanghai = await all.services.regions.day('JS-NJ', new Date('2026-11-16T17:00:00Z'));
    expect(shanghai).toEqual({ regionCode: 'JS-NJ', timeZone: 'Asia/Shanghai', date: '2026-11-17', start: new Date('2026-11-16T16:00:00Z'), end: new Date('2026-11-17T16:00:00Z') });
    const dstEnds = await all.services.regions.day('US', new Date('2026-11-01T12:00:00Z'));
    expect(dstEnds).toMatchObject({ date: '2026-11-01', start: new Date('2026-11-01T04:00:00Z'), end: new Date('2026-11-02T05:00:00Z') });
    expect((await none.services.regions.day('JS')).date).toBe('2026-11-16'); // no capability needed
  });

  it('finds birthdays on the region\'s day', async () => {
    expect(await all.services.customers.withBirthdayWithin('JS', 0)).toEqual([ids.busy]);
    expect(await all.services.customers.withBirthdayWithin('JS', 1)).toEqual([ids.silent, ids.busy]);
    // 16:30Z is 00:30 on the 17th in Shanghai, still the 16th in New York
    const late = new Date('2026-11-16T16:30:00Z');
    expect(await all.services.customers.withBirthdayWithin('JS', 0, { asOf: late })).toEqual([ids.silent]);
    expect(await all.services.customers.withBirthdayWithin('US', 0, { asOf: late })).toEqual([ids.ny]);
    await expect(all.services.customers.withBirthdayWithin('JS', -1)).rejects.toThrow('days: must be a whole number of days from 0 to 366, got -1');
  });

  it('lists recorded contacts newest first, by region, customer, channel, status and time', async () => {
    await all.services.contacts.send({ channel: 'sms', customerId: ids.busy!, message: 'a', idempotencyKey: 'a' });
    p.clock.advance(60_000);
    await all.services.contacts.send({ channel: 'sms', customerId: ids.silent!, message: 'b', idempotencyKey: 'b' });
    await all.services.contacts.send({ channel: 'sms', customerId: ids.ny!, message: 'c', idempotencyKey: 'c' });
    const list = await all.services.contacts.list({ regionCode: 'JS' });
    expect(list.map((c) => [c.message, c.regionCode, c.pluginId, c.status])).toEqual([
      ['b', 'JS-NJ', 'probe-all', 'sent'],
      ['a', 'JS-NJ', 'probe-all', 'sent'],
    ]);
    expect(list[0]!.createdAt).toEqual(p.clock.now());
    expect((await all.services.contacts.list({ since: p.clock.now() })).map((c) => c.message)).toEqual(['c', 'b']);
    expect((await all.services.contacts.list({ customerId: ids.busy!, statuses: ['failed'] }))).toEqual([]);
    await expect(all.services.contacts.list({ limit: 501 })).rejects.toThrow('filter.limit: must be a whole number from 1 to 500, got 501');
    const [b] = await all.services.contacts.list({ customerId: ids.silent! });
    expect(await all.services.contacts.list({ contactId: b!.contactId })).toEqual([b]);
    expect(b!.taskId).toBeNull();
  });

  it('finds customers by number', async () => {
    const [row] = await p.sql<{ msisdn: string }>`select msisdn from customers where id = ${ids.ny}`;
    expect(await all.services.customers.idsByMsisdn([row!.msisdn, '19900000000', row!.msisdn])).toEqual(new Map([[row!.msisdn, ids.ny]]));
    await expect(none.services.customers.idsByMsisdn([row!.msisdn])).rejects.toThrow("needs capability 'customers:read'");
  });

  it('refuses each service a plugin did not ask for, naming the capability', async () => {
    await expect(none.services.segments.matching('JS', silentOneMonth)).rejects.toThrow("plugin 'probe-none' called segments.matching, which needs capability 'segments:read'; add it to \"capabilities\" in its manifest");
    await expect(none.services.segments.count('JS', silentOneMonth)).rejects.toThrow("needs capability 'segments:read'");
    await expect(none.services.usage.monthly([1], { from: '2026-10', to: '2026-10' })).rejects.toThrow("needs capability 'usage:read'");
    await expect(none.services.contacts.list({})).rejects.toThrow("needs capability 'contacts:read'");
  });

  it('hands each plugin a frozen copy of its manifest', () => {
    expect(all.plugin.manifest.capabilities).toEqual([...CAPABILITIES]);
    expect(Object.isFrozen(all.plugin.manifest.capabilities)).toBe(true);
  });
});
