/**
 * Installing plugins from a private registry over the API: a real Verdaccio with signed releases of a
 * fixture plugin; install, enable, upgrade (settings migrated), a failing upgrade rolled back, uninstall,
 * purge; each refusal with its typed error, and every change in the audit log.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPlugins } from '@weixi/platform';
import { generatePublisherKeys } from '@weixi/plugin-store';
import { publishFixture } from '../../packages/plugin-store/src/fixture-plugin.test-support.js';
import type { TestRegistry } from '../../packages/plugin-store/src/verdaccio.test-support.js';
import { hello, startGreetingRegistry } from './greeting-registry.js';
import { startTestApi, type TestApi } from './harness.js';

const acme = generatePublisherKeys();
const stranger = generatePublisherKeys();
let registry: TestRegistry;
let store: string;
let api: TestApi;

const INSTALLED = 'id packageName version previousVersion signatureState publisher keyId installedBy availableVersions plugin { status enabledRegions }';
const LOG = `query ($filter: AuditLogFilter) { auditLog(filter: $filter, first: 50) { edges { node { operation objects plugin outcome errorCode detail } } } }`;
const log = async (filter: Record<string, unknown>) => (await api.ok(LOG, { filter })).auditLog.edges.map((e: any) => e.node);

beforeAll(async () => {
  registry = await startGreetingRegistry({ privateKey: acme.privateKey, publisher: 'acme' });
  await publishFixture(registry, { version: '1.0.0', name: 'weixi-plugin-stranger' }, { privateKey: stranger.privateKey, publisher: 'stranger' });
  await publishFixture(registry, { version: '1.0.0', name: 'weixi-plugin-dependent', id: 'dependent', pluginDependencies: { greeting: '~1.0.0' } }, { privateKey: acme.privateKey, publisher: 'acme' });
  store = await mkdtemp(join(tmpdir(), 'weixi-api-store-'));
  // `steady` is a plugin the server starts with (as from plugins/ or WEIXI_PLUGINS), not from the registry.
  const { plugins } = await loadPlugins({ packages: [fileURLToPath(new URL('../plugins/fixtures/steady', import.meta.url))], baseDir: process.cwd() });
  // In process: the catalog below shows IN_PROCESS; plugin-installs-out-of-process.test.ts covers the extension host.
  api = await startTestApi('2026-11-15T04:00:00Z', { plugins, extensionHost: 'in-process', pluginStore: { dir: store, registry: registry.url } });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await registry?.stop();
  if (store) await rm(store, { recursive: true, force: true });
});

describe('plugins from a private registry over the API', () => {
  it('refuses a plugin signed by a publisher not trusted here, then installs it once the key is trusted', async () => {
    const refused = await api.gql(`mutation { installPlugin(name: "weixi-plugin-greeting", range: "1.0.0") { id } }`);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_PUBLISHER' });
    expect(refused.errors![0]!.message).toContain(`publisher 'acme' with key ${acme.keyId} is not trusted here`);

    const badKey = await api.gql(`mutation { trustPublisher(publisher: "acme", publicKey: "not a key") { keyId } }`);
    expect(badKey.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [expect.objectContaining({ path: 'publicKey' })] });
    const trusted = await api.ok(`mutation ($k: String!) { trustPublisher(publisher: "acme", publicKey: $k) { keyId publisher } }`, { k: acme.publicKey });
    expect(trusted.trustPublisher).toEqual({ keyId: acme.keyId, publisher: 'acme' });

    const { installPlugin } = await api.ok(`mutation { installPlugin(name: "weixi-plugin-greeting", range: "1.0.0") { ${INSTALLED} } }`);
    expect(installPlugin).toMatchObject({ id: 'greeting', version: '1.0.0', previousVersion: null, signatureState: 'VERIFIED', publisher: 'acme', keyId: acme.keyId });
    expect(installPlugin.availableVersions).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect(installPlugin.plugin).toEqual({ status: 'INACTIVE', enabledRegions: [] });
    expect(existsSync(join(store, 'greeting', '1.0.0', 'index.js'))).toBe(true);

    const again = await api.gql(`mutation { installPlugin(name: "weixi-plugin-greeting") { id } }`);
    expect(again.errors![0]!.extensions!.code).toBe('CONFLICT');
    const nowhere = await api.gql(`mutation { installPlugin(name: "weixi-plugin-nowhere") { id } }`);
    expect(nowhere.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'NOT_FOUND' });
  });

  it('serves the installed plugin once enabled, with no restart', async () => {
    await api.ok(`mutation { enablePlugin(id: "greeting", regionCode: "JS-NJ") { plugin { status } } }`);
    await api.ok(`mutation { updatePluginSettings(id: "greeting", regionCode: "JS-NJ", settings: { greeting: "你好" }) { plugin { id } } }`);
    expect(await hello(api)).toBe('你好 from 1.0.0');
  });

  it('shows the catalog on plugins: installed and available versions, publisher, signature, where its code runs', async () => {
    const { plugins } = await api.ok(
      `query { plugins(first: 100) { edges { node { id version installation { version availableVersions publisher signatureState } runtime { where calls crashes } } } } }`,
    );
    const nodes: any[] = plugins.edges.map((e: any) => e.node);
    const greeting = nodes.find((n) => n.id === 'greeting');
    expect(greeting).toEqual({
      id: 'greeting',
      version: '1.0.0',
      installation: { version: '1.0.0', availableVersions: ['1.0.0', '1.1.0', '1.2.0'], publisher: 'acme', signatureState: 'VERIFIED' },
      runtime: { where: 'IN_PROCESS', calls: 0, crashes: 0 },
    });
    // A plugin the server was started with was not installed from a registry.
    expect(nodes.find((n) => n.id === 'steady')).toMatchObject({ installation: null, runtime: { where: 'IN_PROCESS' } });

    const operator = await api.key({ role: 'operator', regionCodes: ['JS'] });
    const refused = await api.as(operator).gql(`query { plugin(id: "greeting") { id installation { version } runtime { calls } } }`);
    expect(refused.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
      [['plugin', 'installation'], 'FORBIDDEN'],
      [['plugin', 'runtime'], 'FORBIDDEN'],
    ]);
  });

  it('keeps a plugin other installed plugins depend on: no upgrade out of their range, no uninstall', async () => {
    await api.ok(`mutation { installPlugin(name: "weixi-plugin-dependent") { id } }`);
    const upgrade = await api.gql(`mutation { upgradePlugin(id: "greeting", range: "~1.1.0") { version } }`);
    expect(upgrade.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(upgrade.errors![0]!.message).toContain("plugin 'greeting' 1.1.0 would break 'dependent' (needs ~1.0.0)");
    const uninstall = await api.gql(`mutation { uninstallPlugin(id: "greeting") { version } }`);
    expect(uninstall.errors![0]!.message).toContain("plugin 'greeting' is needed by 'dependent'; uninstall them first");
    await api.ok(`mutation { uninstallPlugin(id: "dependent") { id } }`);
  });

  it('upgrades with settings kept and migrated, and rolls a failing upgrade back', async () => {
    const { upgradePlugin } = await api.ok(`mutation { upgradePlugin(id: "greeting", range: "~1.1.0") { ${INSTALLED} } }`);
    expect(upgradePlugin).toMatchObject({ version: '1.1.0', previousVersion: '1.0.0', plugin: { status: 'ACTIVE', enabledRegions: ['JS-NJ', 'JS-NJ-GL'] } });
    expect(await hello(api)).toBe('你好 from 1.1.0');
    const { plugin } = await api.ok(`query { plugin(id: "greeting") { settings(regionCode: "JS-NJ") } }`);
    expect(plugin.settings).toEqual({ salutation: '你好' });

    const failed = await api.gql(`mutation { upgradePlugin(id: "greeting") { version } }`);
    expect(failed.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(failed.errors![0]!.message).toContain("plugin 'greeting' 1.2.0 failed to activate (greeting 1.2.0 cannot start); rolled back to 1.1.0");
    expect(await hello(api)).toBe('你好 from 1.1.0');
    const { installedPlugins } = await api.ok(`query { installedPlugins { id version previousVersion plugin { status } } }`);
    expect(installedPlugins).toEqual([{ id: 'greeting', version: '1.1.0', previousVersion: '1.0.0', plugin: { status: 'ACTIVE' } }]);
    expect(existsSync(join(store, 'greeting', '1.2.0'))).toBe(false);

    const same = await api.gql(`mutation { upgradePlugin(id: "greeting", range: "~1.1.0") { version } }`);
    expect(same.errors![0]!.message).toContain("plugin 'greeting' is at 1.1.0; the registry's newest in '~1.1.0' is 1.1.0");
  });

  it('uninstalls only a plugin disabled everywhere, keeps its data until purged', async () => {
    const enabled = await api.gql(`mutation { uninstallPlugin(id: "greeting") { id } }`);
    expect(enabled.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(enabled.errors![0]!.message).toContain('is enabled in JS-NJ, JS-NJ-GL');
    await api.ok(`mutation { disablePlugin(id: "greeting", regionCode: "JS-NJ") { plugin { status } } }`);
    expect((await api.ok(`mutation { uninstallPlugin(id: "greeting") { version } }`)).uninstallPlugin.version).toBe('1.1.0');
    expect(await hello(api)).toContain('Cannot query field "greeting_hello"');
    expect((await api.ok(`query { plugin(id: "greeting") { id } installedPlugins { id } }`))).toEqual({ plugin: null, installedPlugins: [] });
    expect(existsSync(join(store, 'greeting', '1.1.0'))).toBe(false);

    const purged = await api.ok(`mutation { purgePlugin(id: "greeting") { settingsDeleted storageDeleted } }`);
    expect(purged.purgePlugin).toEqual({ settingsDeleted: 1, storageDeleted: 0 });
    const twice = await api.gql(`mutation { purgePlugin(id: "greeting") { settingsDeleted } }`);
    expect(twice.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('installs an untrusted plugin only when an admin allows it, and audits that', async () => {
    const refused = await api.gql(`mutation { installPlugin(name: "weixi-plugin-stranger") { id } }`);
    expect(refused.errors![0]!.extensions!.reason).toBe('UNKNOWN_PUBLISHER');
    const { installPlugin } = await api.ok(`mutation { installPlugin(name: "weixi-plugin-stranger", allowUnsigned: true) { id signatureState publisher } }`);
    expect(installPlugin).toEqual({ id: 'greeting', signatureState: 'UNKNOWN_PUBLISHER', publisher: 'stranger' });
    expect(await log({ operation: 'plugin.installUnsigned' })).toEqual([
      expect.objectContaining({ objects: ['plugin:greeting@1.0.0'], plugin: 'greeting', outcome: 'OK', detail: expect.stringContaining('allowUnsigned: signature unknown_publisher') }),
    ]);
    await api.ok(`mutation { uninstallPlugin(id: "greeting") { id } }`);
  });

  it('lets only admins install, and audits every change', async () => {
    const operator = await api.key({ role: 'operator', regionCodes: ['JS'] });
    const forbidden = await api.as(operator).gql(`mutation { installPlugin(name: "weixi-plugin-greeting") { id } }`);
    expect(forbidden.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const listing = await api.as(operator).gql(`query { installedPlugins { id } }`);
    expect(listing.errors![0]!.extensions!.code).toBe('FORBIDDEN');

    const { untrustPublisher } = await api.ok(`mutation ($k: String!) { untrustPublisher(keyId: $k) { publisher } }`, { k: acme.keyId });
    expect(untrustPublisher.publisher).toBe('acme');

    const rows = (await log({})).filter((r: any) => /Plugin|Publisher|plugin\./.test(r.operation)).reverse();
    expect(rows.map((r: any) => [r.operation, r.plugin, r.outcome, r.errorCode])).toEqual([
      ['installPlugin', null, 'ERROR', 'BAD_USER_INPUT'],
      ['trustPublisher', null, 'ERROR', 'BAD_USER_INPUT'],
      ['trustPublisher', null, 'OK', null],
      ['installPlugin', null, 'OK', null],
      ['installPlugin', null, 'ERROR', 'CONFLICT'],
      ['installPlugin', null, 'ERROR', 'NOT_FOUND'],
      ['enablePlugin', 'greeting', 'OK', null],
      ['updatePluginSettings', 'greeting', 'OK', null],
      ['installPlugin', null, 'OK', null],
      ['upgradePlugin', 'greeting', 'ERROR', 'CONFLICT'],
      ['uninstallPlugin', 'greeting', 'ERROR', 'CONFLICT'],
      ['uninstallPlugin', 'dependent', 'OK', null],
      ['upgradePlugin', 'greeting', 'OK', null],
      ['upgradePlugin', 'greeting', 'ERROR', 'CONFLICT'],
      ['upgradePlugin', 'greeting', 'ERROR', 'CONFLICT'],
      ['uninstallPlugin', 'greeting', 'ERROR', 'CONFLICT'],
      ['disablePlugin', 'greeting', 'OK', null],
      ['uninstallPlugin', 'greeting', 'OK', null],
      ['purgePlugin', 'greeting', 'OK', null],
      ['purgePlugin', 'greeting', 'ERROR', 'NOT_FOUND'],
      ['installPlugin', null, 'ERROR', 'BAD_USER_INPUT'],
      ['plugin.installUnsigned', 'greeting', 'OK', null],
      ['installPlugin', null, 'OK', null],
      ['uninstallPlugin', 'greeting', 'OK', null],
      ['installPlugin', null, 'ERROR', 'FORBIDDEN'],
      ['untrustPublisher', null, 'OK', null],
    ]);
  });
});
