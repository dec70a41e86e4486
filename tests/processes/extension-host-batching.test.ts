/**
 * The extension host's RPC batches: a plugin field over a page of 100 customers is one message to the
 * host and one back, however many resolvers run; a resolver calling its services sends its 100 calls
 * back in one message too.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugins } from '@weixi/platform';
import { customerInput, startTestApi, type TestApi } from '../api/harness.js';

let api: TestApi;
const PAGE = (field: string) => `{ customers(first: 100) { edges { node { id ${field} } } } }`;

beforeAll(async () => {
  const { plugins } = await loadPlugins({ packages: [fileURLToPath(new URL('../plugins/fixtures/steady', import.meta.url))], baseDir: process.cwd() });
  // No heartbeat during the test: only the page's messages are counted.
  api = await startTestApi('2026-11-15T04:00:00Z', { plugins, extensionHost: 'process', extensionHostLimits: { heartbeatMs: 600_000 } });
  await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, {
    c: Array.from({ length: 100 }, (_, i) => customerInput(`135000${String(i).padStart(5, '0')}`, { regionCode: 'JS-NJ' })),
  });
  await api.ok(`mutation { enablePlugin(id: "steady", regionCode: "JS") { plugin { status } } }`);
  await api.ok(PAGE('steadyTag')); // warm: the first page also hands the request's services over
}, 120_000);
afterAll(() => api?.close());

describe('one round trip per page', () => {
  it('resolves a plugin field for 100 customers with one message each way', async () => {
    const before = api.extensionHost!.messages;
    const page = await api.ok(PAGE('steadyTag'));
    const after = api.extensionHost!.messages;
    expect(page.customers.edges).toHaveLength(100);
    const tags = page.customers.edges.map(({ node }: { node: { steadyTag: string } }) => node.steadyTag);
    expect(tags.every((tag: string) => /^JS-NJ-\d+$/.test(tag))).toBe(true);
    expect(new Set(tags).size).toBe(100);
    expect({ sent: after.sent - before.sent, received: after.received - before.received }).toEqual({ sent: 1, received: 1 });
    expect(after.receivedWithCalls - before.receivedWithCalls).toBe(0);
  });

  it('carries the 100 service calls the resolvers make back in one message', async () => {
    await api.ok(PAGE('steadyTier')); // warm
    const before = api.extensionHost!.messages;
    const page = await api.ok(PAGE('steadyTier'));
    const after = api.extensionHost!.messages;
    expect(page.customers.edges.every(({ node }: { node: { steadyTier: string | null } }) => typeof node.steadyTier === 'string')).toBe(true);
    // Out: the page's 100 resolver calls in one message. In: the resolvers' 100 service calls in one
    // message; the answers then go as the database returns them (one query at a time on PGlite, several
    // at once on PostgreSQL), each tick's answers and the replies they unblock batched again.
    expect(after.sentWithCalls - before.sentWithCalls).toBe(1);
    expect(after.receivedWithCalls - before.receivedWithCalls).toBe(1);
    expect(after.received - before.received).toBeLessThanOrEqual(after.sent - before.sent + 1);
  });
});
