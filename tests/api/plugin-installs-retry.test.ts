/**
 * A process that cannot reach the registry when it has to load an installed plugin (at boot, or on an
 * upgrade's notice) keeps serving, and loads the plugin once the registry answers again, with no restart.
 * The registry sits behind a switch: a proxy that answers 503 while it is off.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '@weixi/platform';
import { generatePublisherKeys } from '@weixi/plugin-store';
import type { TestRegistry } from '../../packages/plugin-store/src/verdaccio.test-support.js';
import { startGreetingRegistry } from './greeting-registry.js';
import { within } from '../processes/api-process.js';
import { startTestApi, type TestApi } from './harness.js';

const acme = generatePublisherKeys();
let registry: TestRegistry;
let proxy: Server;
let proxyUrl: string;
/** While true, the registry answers the second process (the one sending the token below) 503. */
let cutOff = false;
const SECOND_TOKEN = 'second-process';
let folder: string;
let api: TestApi;
let second: Platform | undefined;

/** Forwards to the registry, except for the second process while it is cut off: 503. */
async function startSwitch(target: string): Promise<void> {
  proxy = createServer(async (req, res) => {
    if (cutOff && req.headers.authorization === `Bearer ${SECOND_TOKEN}`) return void res.writeHead(503).end('registry down');
    const upstream = await fetch(new URL(req.url!, target), { headers: { accept: req.headers.accept ?? '*/*' } });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  registry = await startGreetingRegistry({ privateKey: acme.privateKey, publisher: 'acme' });
  await startSwitch(registry.url);
  folder = await mkdtemp(join(tmpdir(), 'weixi-retry-store-'));
  api = await startTestApi('2026-11-15T04:00:00Z', { pluginStore: { dir: join(folder, 'first'), registry: proxyUrl } });
}, 120_000);
afterAll(async () => {
  await second?.close();
  await api?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  await registry?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('loading an installed plugin while its registry is down', () => {
  it('boots without it, serves meanwhile, and loads it once the registry is back; an upgrade the same way', async () => {
    await api.ok(`mutation ($k: String!) { trustPublisher(publisher: "acme", publicKey: $k) { keyId } }`, { k: acme.publicKey });
    await api.ok(`mutation { installPlugin(name: "weixi-plugin-greeting", range: "1.0.0") { id } }`);

    cutOff = true;
    // Another process on the same database starts with an empty store of its own: it must fetch the plugin.
    // (Its read token tells the switch which process asks.)
    second = await startPlatform({ database: api.database, clock: api.clock, runJobs: false, plugins: [], pluginStore: { dir: join(folder, 'second'), registry: proxyUrl, token: SECOND_TOKEN } });
    expect(second.plugins.state('greeting')).toBeUndefined();
    expect(second.installations.pending.get('greeting')).toBe(1);
    const { regions } = await fetch(`${second.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminKey}` },
      body: JSON.stringify({ query: '{ regions(first: 1) { totalCount } }' }),
    }).then(async (r) => (await r.json()).data as { regions: { totalCount: number } });
    expect(regions.totalCount).toBeGreaterThan(0);

    cutOff = false;
    await within('the second process loaded greeting', 15_000, async () => second!.plugins.state('greeting')?.manifest?.version === '1.0.0');
    // The host runs the plugin a moment before `follow` clears its failed attempts.
    await within('nothing left pending', 5_000, async () => second!.installations.pending.size === 0);

    // Cut off again: the first process upgrades, the second cannot fetch 1.1.0 on the upgrade's notice.
    cutOff = true;
    expect((await api.ok(`mutation { upgradePlugin(id: "greeting", range: "~1.1.0") { version } }`)).upgradePlugin.version).toBe('1.1.0');
    await within('the second process failed to fetch 1.1.0', 15_000, async () => second!.installations.pending.has('greeting'));
    expect(second.plugins.state('greeting')?.manifest?.version).toBe('1.0.0');
    cutOff = false;
    await within('the second process runs 1.1.0', 15_000, async () => second!.plugins.state('greeting')?.manifest?.version === '1.1.0');
    await within('nothing left pending', 5_000, async () => second!.installations.pending.size === 0);
  });
});
