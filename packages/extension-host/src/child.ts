/**
 * The extension host process: imports plugins the API process names, activates them with a context that
 * calls back over IPC, and answers calls into their code. Started by `supervisor.ts` under Node's
 * permission model; any uncaught error ends it, after naming the plugin whose code threw.
 */
import type { WeixiPlugin } from '@weixi/sdk';
import { Meter } from './meter.js';
import { childContext, type ChildContext, type RemoteContext } from './plugin-context.js';
import type { Batch } from './protocol.js';
import { Endpoint } from './rpc.js';

/** What the API process calls here. */
export interface HostRoot {
  /** `entry` is the plugin's own module, named in errors as in process (`url` is its bundle). */
  activate(pluginId: string, url: string, entry: string, ctx: RemoteContext): Promise<void>;
  deactivate(pluginId: string): Promise<void>;
  /** A version's `migrateSettings` over stored settings, its module imported without activating it (an upgrade). */
  migrateSettings(pluginId: string, url: string, fromVersion: string, settings: Record<string, unknown>): Promise<Record<string, unknown>>;
  ping(): Promise<true>;
}

/** The last word of a dying host: what threw and, when known, whose code it was. */
export interface Fatal {
  fatal: { message: string; plugin: string | null };
}

/** Plugin bundles are named `<plugin id>.<entry hash>.mjs`, so a stack names the plugin whose code is in it. */
export const pluginOfStack = (stack: string | undefined): string | null => /[/\\]plugins[/\\]([a-z0-9][a-z0-9-]*)\.[0-9a-f]+\.mjs/.exec(stack ?? '')?.[1] ?? null;

const meter = new Meter();
const active = new Map<string, { module: WeixiPlugin<never>; context: ChildContext }>();

const root: HostRoot = {
  async activate(pluginId, url, entry, remote) {
    const imported = (await import(url)) as { default?: WeixiPlugin<never> };
    const module = imported.default;
    if (!module || typeof module.activate !== 'function') throw new Error(`${entry} has no default export made with definePlugin({ activate })`);
    const context = childContext(remote, meter);
    try {
      await meter.run(pluginId, () => module.activate(context.ctx as never));
      await context.settled();
    } catch (error) {
      await context.disposeOwn();
      throw error;
    }
    active.set(pluginId, { module, context });
  },
  async deactivate(pluginId) {
    const plugin = active.get(pluginId);
    if (!plugin) return;
    active.delete(pluginId);
    try {
      await meter.run(pluginId, () => plugin.module.deactivate?.());
    } finally {
      await plugin.context.disposeOwn();
    }
  },
  async migrateSettings(pluginId, url, fromVersion, settings) {
    const module = ((await import(url)) as { default?: WeixiPlugin<never> }).default;
    if (!module?.migrateSettings) return settings;
    return meter.run(pluginId, () => module.migrateSettings!(fromVersion, settings));
  },
  ping: async () => true,
};

const endpoint = new Endpoint(
  { send: (batch) => void process.send!(batch), onMessage: (handler) => void process.on('message', (batch: Batch) => handler(batch)) },
  { root, usage: () => meter.usage(), around: (handle) => meter.batch(handle) },
);

function fatal(error: unknown): void {
  const stack = error instanceof Error ? error.stack : undefined;
  const message: Fatal = { fatal: { message: error instanceof Error ? error.message : String(error), plugin: pluginOfStack(stack) ?? meter.running[0] ?? null } };
  endpoint.close(new Error('the extension host is exiting'));
  process.send!(message, undefined, {}, () => process.exit(70));
}

process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
// The API process went away: nothing is left to serve.
process.on('disconnect', () => process.exit(0));
