/**
 * Plugin groups: plugins split over several extension hosts, so a plugin that brings its host down takes
 * only its own group with it (unavailable while that host restarts); the others keep serving. Each host
 * costs a process (about 40 MB at rest). `WEIXI_EXTENSION_HOST_GROUPS`:
 *
 * - unset or empty: one host for every plugin;
 * - `each`: one host per plugin;
 * - `name=pattern,pattern;name=...`: a host per named group, a plugin in the first group with a pattern
 *   matching its id (`*` matches any run of characters); the plugins no group names share the `default` host.
 */
import type { InstalledPlugin, PluginHost } from '@weixi/core';
import type { WeixiPlugin } from '@weixi/sdk';
import { ExtensionHost, type ExtensionHostOptions, type PluginFigures } from './supervisor.js';

export type PluginGroups = 'one' | 'each' | ReadonlyArray<{ name: string; patterns: readonly string[] }>;

export const DEFAULT_GROUP = 'default';
const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Reads `WEIXI_EXTENSION_HOST_GROUPS`; a malformed value throws, naming the part that is wrong. */
export function parsePluginGroups(text: string | undefined): PluginGroups {
  const value = text?.trim() ?? '';
  if (value === '') return 'one';
  if (value === 'each') return 'each';
  return value.split(';').filter((part) => part.trim() !== '').map((part) => {
    const [name, patterns] = part.split('=').map((s) => s.trim());
    if (!name || !NAME.test(name) || !patterns || part.split('=').length !== 2) {
      throw new Error(`WEIXI_EXTENSION_HOST_GROUPS: '${part}' is not name=pattern[,pattern] (a name of lowercase letters, digits and dashes)`);
    }
    return { name, patterns: patterns.split(',').map((p) => p.trim()).filter(Boolean) };
  });
}

const matches = (pattern: string, id: string) => new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(id);

/** The group a plugin runs in. */
export function groupOf(groups: PluginGroups, pluginId: string): string {
  if (groups === 'one') return DEFAULT_GROUP;
  if (groups === 'each') return pluginId;
  return groups.find((g) => g.patterns.some((p) => matches(p, pluginId)))?.name ?? DEFAULT_GROUP;
}

/** The extension hosts of a server or worker, one per group, each started when its first plugin activates. */
export class ExtensionHosts {
  private readonly hosts = new Map<string, ExtensionHost>();
  private host: PluginHost | undefined;

  constructor(private readonly options: ExtensionHostOptions & { groups?: PluginGroups }) {}

  /** `PluginHostOptions.loadModule`: the plugin's module, run in its group's host. */
  readonly loadModule = (plugin: InstalledPlugin): Promise<WeixiPlugin<never>> => this.hostOf(plugin.manifest.id).loadModule(plugin);

  attach(host: PluginHost): void {
    this.host = host;
    for (const extensionHost of this.hosts.values()) extensionHost.attach(host);
  }

  /** The host a plugin runs in (made on first use). */
  hostOf(pluginId: string): ExtensionHost {
    const group = groupOf(this.options.groups ?? 'one', pluginId);
    let extensionHost = this.hosts.get(group);
    if (!extensionHost) {
      extensionHost = new ExtensionHost({ ...this.options, logger: this.options.logger && withGroup(this.options.logger, group) });
      if (this.host) extensionHost.attach(this.host);
      this.hosts.set(group, extensionHost);
    }
    return extensionHost;
  }

  /** The groups with a host, and each host's process id (none while it is down). */
  get groups(): Array<{ name: string; pid: number | undefined }> {
    return [...this.hosts].map(([name, h]) => ({ name, pid: h.pid }));
  }

  figures(): PluginFigures[] {
    return [...this.hosts.values()].flatMap((h) => h.figures()).sort((a, b) => a.pluginId.localeCompare(b.pluginId));
  }

  /** Messages to and from every host. */
  get messages(): ExtensionHost['messages'] {
    const total = { sent: 0, received: 0, sentWithCalls: 0, receivedWithCalls: 0 };
    for (const h of this.hosts.values()) for (const [key, n] of Object.entries(h.messages)) total[key as keyof typeof total] += n;
    return total;
  }

  /** Resolves once every host recovered from its last crash. */
  get recovered(): Promise<void> {
    return Promise.all([...this.hosts.values()].map((h) => h.recovered)).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((h) => h.stop()));
  }
}

function withGroup(logger: NonNullable<ExtensionHostOptions['logger']>, group: string): NonNullable<ExtensionHostOptions['logger']> {
  const add = (fields?: Record<string, unknown>) => ({ ...fields, hostGroup: group });
  return {
    debug: (msg, fields) => logger.debug(msg, add(fields)),
    info: (msg, fields) => logger.info(msg, add(fields)),
    warn: (msg, fields) => logger.warn(msg, add(fields)),
    error: (msg, fields) => logger.error(msg, add(fields)),
  };
}
