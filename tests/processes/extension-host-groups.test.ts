/**
 * Plugin groups (`WEIXI_EXTENSION_HOST_GROUPS`): plugins in different groups run in different extension
 * host processes, so a plugin that brings its host down takes only its own group with it. Here `faulty`
 * and `steady` are in groups of their own: while faulty's host is killed and restarting, steady's fields
 * keep answering from their host, whose process id does not change.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugins } from '@weixi/platform';
import { customerInput, startTestApi, type TestApi } from '../api/harness.js';

const fixture = (name: string) => fileURLToPath(new URL(`../plugins/fixtures/${name}`, import.meta.url));
const STEADY = `{ customers(first: 5) { edges { node { steadyTag } } } }`;
let api: TestApi;

beforeAll(async () => {
  const { plugins } = await loadPlugins({ packages: [fixture('faulty'), fixture('steady')], baseDir: process.cwd() });
  api = await startTestApi('2026-11-15T04:00:00Z', {
    plugins,
    extensionHost: 'process',
    extensionHostGroups: [{ name: 'suspect', patterns: ['faulty'] }],
    extensionHostLimits: { fieldMs: 1_000, heartbeatMs: 250, deadMs: 1_500, backoffMs: [1_500, 3_000] },
  });
  await api.ok(`mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { created } }`, { c: [customerInput('13500000001', { regionCode: 'JS-NJ' })] });
  for (const id of ['faulty', 'steady']) await api.ok(`mutation { enablePlugin(id: "${id}", regionCode: "JS") { plugin { status } } }`);
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('plugin groups', () => {
  it('runs each group in its own host: a crash in one leaves the other serving', async () => {
    expect((await api.gql(STEADY)).errors).toBeUndefined();
    expect((await api.gql(`{ faulty_ok }`)).errors).toBeUndefined();
    const groups = Object.fromEntries(api.extensionHost!.groups.map((g) => [g.name, g.pid]));
    expect(Object.keys(groups).sort()).toEqual(['default', 'suspect']);
    expect(groups.default).not.toBe(groups.suspect);

    const spinning = await api.gql(`{ faulty_spin }`);
    expect(spinning.errors?.[0]?.extensions).toMatchObject({ code: 'PLUGIN_UNAVAILABLE', plugin: 'faulty' });
    // faulty's host is restarting (1.5 s of backoff): its fields are unavailable, steady's are not.
    const faultyDown = await api.gql(`{ faulty_ok }`);
    expect(faultyDown.errors?.[0]?.extensions).toMatchObject({ code: 'PLUGIN_UNAVAILABLE', plugin: 'faulty' });
    const steady = await api.gql(STEADY);
    expect(steady.errors).toBeUndefined();
    expect(steady.data!.customers.edges[0].node.steadyTag).toMatch(/^JS-NJ-\d+$/);

    await api.extensionHost!.recovered;
    expect((await api.gql(`{ faulty_ok }`)).data).toEqual({ faulty_ok: 1 });
    const after = Object.fromEntries(api.extensionHost!.groups.map((g) => [g.name, g.pid]));
    expect(after.default).toBe(groups.default);
    expect(after.suspect).not.toBe(groups.suspect);
    const figures = api.extensionHost!.figures();
    expect(figures.find((f) => f.pluginId === 'faulty')).toMatchObject({ crashes: 1 });
    expect(figures.find((f) => f.pluginId === 'steady')).toMatchObject({ crashes: 0 });
  });
});
