/**
 * A plugin installed from a registry while plugins run in the extension host (`extensionHost: 'process'`):
 * it is served from there, its upgrade's settings migration runs there, and a failing upgrade is rolled
 * back. No code of the plugin ever runs in the API process: its module, imported, appends to
 * `$WEIXI_FIXTURE_MARKER`, a variable the extension host's environment does not carry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePublisherKeys } from '@weixi/plugin-store';
import type { TestRegistry } from '../../packages/plugin-store/src/verdaccio.test-support.js';
import { hello, startGreetingRegistry } from './greeting-registry.js';
import { startTestApi, type TestApi } from './harness.js';

const acme = generatePublisherKeys();
let registry: TestRegistry;
let folder: string;
let api: TestApi;
const marker = () => join(folder, 'imported.log');


beforeAll(async () => {
  registry = await startGreetingRegistry({ privateKey: acme.privateKey, publisher: 'acme' });
  folder = await mkdtemp(join(tmpdir(), 'weixi-oop-store-'));
  process.env.WEIXI_FIXTURE_MARKER = marker();
  api = await startTestApi('2026-11-15T04:00:00Z', { extensionHost: 'process', pluginStore: { dir: join(folder, 'store'), registry: registry.url } });
}, 120_000);
afterAll(async () => {
  delete process.env.WEIXI_FIXTURE_MARKER;
  await api?.close();
  await registry?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('a registry plugin in the extension host', () => {
  it('is installed, served, upgraded with its settings migrated and rolled back, its code run only out of process', async () => {
    await api.ok(`mutation ($k: String!) { trustPublisher(publisher: "acme", publicKey: $k) { keyId } }`, { k: acme.publicKey });
    await api.ok(`mutation { installPlugin(name: "weixi-plugin-greeting", range: "1.0.0") { id } }`);
    await api.ok(`mutation { enablePlugin(id: "greeting", regionCode: "JS-NJ") { plugin { status } } }`);
    await api.ok(`mutation { updatePluginSettings(id: "greeting", regionCode: "JS-NJ", settings: { greeting: "你好" }) { plugin { id } } }`);
    expect(await hello(api)).toBe('你好 from 1.0.0');
    // Its calls are measured where they ran.
    const { plugin: running } = await api.ok(`query { plugin(id: "greeting") { runtime { where calls cpuMs crashes } } }`);
    expect(running.runtime).toMatchObject({ where: 'EXTENSION_HOST', crashes: 0 });
    expect(running.runtime.calls).toBeGreaterThan(0);

    // 1.1.0 renames the setting; its migrateSettings is plugin code, so it runs in the extension host.
    const { upgradePlugin } = await api.ok(`mutation { upgradePlugin(id: "greeting", range: "~1.1.0") { version previousVersion } }`);
    expect(upgradePlugin).toEqual({ version: '1.1.0', previousVersion: '1.0.0' });
    expect(await hello(api)).toBe('你好 from 1.1.0');
    const { plugin } = await api.ok(`query { plugin(id: "greeting") { settings(regionCode: "JS-NJ") } }`);
    expect(plugin.settings).toEqual({ salutation: '你好' });

    const failed = await api.gql(`mutation { upgradePlugin(id: "greeting") { version } }`);
    expect(failed.errors![0]!.message).toContain("plugin 'greeting' 1.2.0 failed to activate (greeting 1.2.0 cannot start); rolled back to 1.1.0");
    expect(await hello(api)).toBe('你好 from 1.1.0');

    expect(existsSync(marker()) ? readFileSync(marker(), 'utf8') : '', 'plugin modules imported in the API process').toBe('');
  });
});
