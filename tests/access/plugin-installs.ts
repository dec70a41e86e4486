/**
 * What the sweep's plugin-install samples act on: a real Verdaccio with signed fixture plugins, plugin
 * `greeting` installed at 1.0.0 (to upgrade), `parting` installed (to uninstall), leftover settings of an
 * uninstalled `departed` (to purge) and a trusted key (to untrust).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { generatePublisherKeys } from '@weixi/plugin-store';
import type { PlatformOptions } from '@weixi/platform';
import { publishFixture, publishGreetingReleases } from '../../packages/plugin-store/src/fixture-plugin.test-support.js';
import { startRegistry } from '../../packages/plugin-store/src/verdaccio.test-support.js';
import type { TestApi } from '../api/harness.js';

export const SWEEP_PUBLISHER = generatePublisherKeys();
const signer = { privateKey: SWEEP_PUBLISHER.privateKey, publisher: 'sweep' };

/** Starts the registry and a store folder for the sweep's server. */
export async function startPluginRegistry(): Promise<{ pluginStore: NonNullable<PlatformOptions['pluginStore']>; close(): Promise<void> }> {
  const registry = await startRegistry();
  await publishGreetingReleases(registry, signer);
  await publishFixture(registry, { version: '1.0.0', name: 'weixi-plugin-parting', id: 'parting' }, signer);
  await publishFixture(registry, { version: '1.0.0', name: 'weixi-plugin-arriving', id: 'arriving' }, signer);
  const dir = await mkdtemp(join(tmpdir(), 'weixi-sweep-store-'));
  return {
    pluginStore: { dir, registry: registry.url },
    async close() {
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function installSweepPlugins(api: TestApi): Promise<void> {
  await api.ok(`mutation ($k: String!) { trustPublisher(publisher: "sweep", publicKey: $k) { keyId } }`, { k: SWEEP_PUBLISHER.publicKey });
  await api.ok(`mutation { a: installPlugin(name: "weixi-plugin-greeting", range: "1.0.0") { id } b: installPlugin(name: "weixi-plugin-parting") { id } }`);
  await api.database.rows(sql`insert into plugin_configs (plugin_id, region_id, settings) values ('departed', null, '{"greeting": "left behind"}'::jsonb) returning id`);
}
