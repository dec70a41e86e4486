/**
 * Plugins installed from a registry, in every process: the plugin store (`WEIXI_PLUGIN_STORE`, default
 * `.weixi/plugin-store`) and the installations service, loading every installed plugin at boot and
 * following `installed_plugins` through its change notices (channel `weixi_plugin_installs`, migration
 * 0022) as plugin-changes.ts follows enablement. A lost connection may have missed notices, so on
 * reconnecting every installed plugin is synced again.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock, PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import { PluginInstallations, PluginStore } from '@weixi/plugin-store';
import { SDK_VERSION } from '@weixi/sdk';
import type { Logger } from './log.js';
import { followPluginNotices } from './notices.js';

export const PLUGIN_INSTALLS_CHANNEL = 'weixi_plugin_installs';

export interface PluginStoreSettings {
  /** The store folder; default `WEIXI_PLUGIN_STORE`, else `.weixi/plugin-store` under the working folder. */
  dir?: string;
  /** The registry installs use when none is given; default `WEIXI_PLUGIN_REGISTRY`. */
  registry?: string;
  /** A read token for the registries; default `WEIXI_PLUGIN_REGISTRY_TOKEN`. */
  token?: string;
}

/**
 * The folder of the SDK package this platform runs, which plugins in the store import as `@weixi/sdk`:
 * resolved as an ES module (a packed SDK exports `import` only), else as CommonJS (a test runner's loader).
 */
function sdkFolder(): string | undefined {
  const resolveEntry = (): string => {
    try {
      return fileURLToPath(import.meta.resolve('@weixi/sdk'));
    } catch {
      return createRequire(import.meta.url).resolve('@weixi/sdk');
    }
  };
  let dir: string;
  try {
    dir = dirname(resolveEntry());
  } catch {
    return undefined;
  }
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function createInstallations(options: { database: Database; host: PluginHost; clock: Clock; logger: Logger; settings?: PluginStoreSettings }): PluginInstallations {
  const dir = resolve(options.settings?.dir ?? process.env.WEIXI_PLUGIN_STORE ?? join('.weixi', 'plugin-store'));
  const sdk = sdkFolder();
  if (!sdk) options.logger.warn('the @weixi/sdk package could not be located; plugins installed from a registry must bring their own');
  const store = new PluginStore({ dir, sdkVersion: SDK_VERSION, provided: sdk ? { '@weixi/sdk': sdk } : {} });
  const registry = options.settings?.registry ?? process.env.WEIXI_PLUGIN_REGISTRY;
  const token = options.settings?.token ?? process.env.WEIXI_PLUGIN_REGISTRY_TOKEN;
  return new PluginInstallations({ database: options.database, host: options.host, store, clock: options.clock, logger: options.logger, ...(registry ? { defaultRegistry: registry } : {}), ...(token ? { token } : {}) });
}

export function followPluginInstalls(database: Database, installations: PluginInstallations, logger: Logger): Promise<{ stop(): Promise<void> }> {
  return followPluginNotices(database, PLUGIN_INSTALLS_CHANNEL, logger, 'plugin install', { one: (id) => installations.follow(id), all: () => installations.start() });
}
