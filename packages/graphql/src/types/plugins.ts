import { NotFoundError, WeixiError, type PluginHost, type PluginState } from '@weixi/core';
import type { WeixiBuilder } from '../builder.js';
import type { WeixiContext } from '../context.js';
import { cursorKey, keysetConnection } from '../connections.js';
import { regionToChange } from '../permissions.js';
import { enumOf } from './enums.js';

function hostOf(ctx: WeixiContext): PluginHost {
  if (!ctx.plugins) throw new WeixiError('NOT_FOUND', 'this server runs without a plugin host');
  return ctx.plugins;
}

/** Keeps the items of regions the caller sees as a whole; items of no region (global) only for admins. */
async function inCallerRegions<T>(ctx: WeixiContext, items: readonly T[], regionOf: (item: T) => string | null): Promise<T[]> {
  const visible = await ctx.loaders.visibleRegionCodes();
  if (visible === 'all') return [...items];
  return items.filter((item) => {
    const code = regionOf(item);
    return code !== null && visible.includes(code);
  });
}

/** The region code a plugin change names, once the caller may change plugins there (global: admins only). */
async function pluginRegion(ctx: WeixiContext, args: { id: string; regionCode?: string | null }): Promise<string | null> {
  if (!hostOf(ctx).state(args.id)) throw new NotFoundError('plugin', args.id, 'id');
  const region = await regionToChange(ctx, 'plugins', args.regionCode ?? null, 'regionCode');
  return region?.code ?? null;
}

/** Plugin administration: list, inspect, enable and disable per region, and settings per region. */
export function registerPlugins(builder: WeixiBuilder) {
  const Status = enumOf(builder, 'PluginStatus', ['active', 'inactive', 'failed', 'refused'] as const, 'Where a plugin stands, for the caller: an operator sees its own regions.', {
    active: 'Running and enabled in at least one region the caller sees (for admins: anywhere).',
    inactive: 'Installed, enabled in no region the caller sees.',
    failed: 'Its activate() threw; see error. Other plugins run.',
    refused: 'Not activated: incompatible engine or dependencies; see error.',
  });
  const Health = builder.objectRef<{ regionCode: string | null; consecutiveFailures: number; lastError: string | null; lastFailureAt: Date | null; trippedAt: Date | null }>('PluginHealth').implement({
    description: 'Failure counts of a plugin in a region (or globally when regionCode is null).',
    fields: (t) => ({
      regionCode: t.exposeString('regionCode', { nullable: true }),
      consecutiveFailures: t.exposeInt('consecutiveFailures'),
      lastError: t.exposeString('lastError', { nullable: true }),
      lastFailureAt: t.expose('lastFailureAt', { type: 'DateTime', nullable: true }),
      trippedAt: t.expose('trippedAt', { type: 'DateTime', nullable: true, description: 'When the circuit breaker disabled the plugin in this region.' }),
    }),
  });
  const Plugin = builder.objectRef<PluginState>('Plugin').implement({
    description: 'An installed plugin: its manifest, status, where it is enabled and its settings.',
    fields: (t) => ({
      id: t.exposeString('id'),
      displayName: t.string({ nullable: true, resolve: (p) => p.manifest?.displayName ?? null }),
      description: t.string({ nullable: true, resolve: (p) => p.manifest?.description ?? null }),
      version: t.string({ nullable: true, resolve: (p) => p.manifest?.version ?? null }),
      status: t.field({
        type: Status,
        resolve: (p, _a, ctx) => (p.status === 'active' && hostOf(ctx).enablement(p.id).visibleTo(ctx.principal).length === 0 ? 'inactive' : p.status),
      }),
      error: t.exposeString('error', { nullable: true }),
      capabilities: t.stringList({ resolve: (p) => p.manifest?.capabilities ?? [] }),
      contributes: t.field({ type: 'JSON', description: 'Static contributions from the manifest.', resolve: (p) => p.manifest?.contributes ?? {} }),
      settingsSchema: t.field({ type: 'JSON', nullable: true, resolve: (p) => p.manifest?.settings ?? null }),
      enabledRegions: t.stringList({
        description: 'Region codes where it is enabled, inherited ones included, among the regions the caller sees.',
        resolve: async (p, _a, ctx) => inCallerRegions(ctx, await hostOf(ctx).enabledRegionCodes(p.id), (code) => code),
      }),
      settings: t.field({
        type: 'JSONObject',
        description:
          'Settings as resolved for a region (its own over its ancestors\' over the global ones over defaults); no region: the global level. Operators read the global level and their own regions. ' +
          `A secret (a property the schema marks \`writeOnly\`: passwords, signing keys) reads as "${SECRET_MASK}" when set: it can be replaced, never read back.`,
        args: { regionCode: t.arg.string() },
        resolve: async (p, args, ctx) => {
          if (args.regionCode != null) await regionToChange(ctx, 'plugins', args.regionCode, 'regionCode');
          return maskSecrets(p.manifest?.settings, await hostOf(ctx).settingsFor(p.id, args.regionCode ?? null));
        },
      }),
      health: t.field({
        type: [Health],
        description: 'Failure counts in the regions the caller sees (the global row for admins only).',
        resolve: async (p, _a, ctx) => inCallerRegions(ctx, await hostOf(ctx).health(p.id), (h) => h.regionCode),
      }),
    }),
  });
  const PluginConnection = builder.connectionObject({ type: Plugin, name: 'PluginConnection' }, { name: 'PluginEdge' });

  builder.queryFields((t) => ({
    plugins: t.connection(
      {
        type: Plugin,
        description: 'Installed plugins by id.',
        resolve: (_root, args, ctx) => {
          const all = ctx.plugins?.list() ?? [];
          return keysetConnection(
            args,
            cursorKey(['text'], (p: PluginState) => [p.id]),
            async (page) => {
              const after = page.after?.[0] as string | undefined;
              const before = page.before?.[0] as string | undefined;
              const inRange = all.filter((p) => (!after || p.id > after) && (!before || p.id < before));
              return (page.inverted ? inRange.reverse() : inRange).slice(0, page.limit);
            },
            async () => all.length,
          );
        },
      },
      PluginConnection,
    ),
    plugin: t.field({
      type: Plugin,
      nullable: true,
      args: { id: t.arg.string({ required: true }) },
      resolve: (_root, args, ctx) => ctx.plugins?.state(args.id) ?? null,
    }),
  }));

  const scopeArgs = (t: any) => ({
    id: t.arg.string({ required: true }),
    regionCode: t.arg.string({ description: 'The region (and so its subtree); none: the global default.' }),
  });
  const Payload = builder.objectRef<PluginState>('PluginPayload').implement({
    fields: (t) => ({ plugin: t.field({ type: Plugin, resolve: (p) => p }) }),
  });
  builder.mutationFields((t) => ({
    enablePlugin: t.field({
      type: Payload,
      description: 'Enables a plugin for a region and everything below it (or globally). The schema is rebuilt and swapped in, with no restart.',
      args: scopeArgs(t),
      resolve: async (_root, args: any, ctx) => hostOf(ctx).enable(args.id, await pluginRegion(ctx, args)),
    }),
    disablePlugin: t.field({
      type: Payload,
      description: 'Disables a plugin for a region (or globally). Disabled everywhere, it is deactivated and its registrations disposed.',
      args: scopeArgs(t),
      resolve: async (_root, args: any, ctx) => hostOf(ctx).disable(args.id, await pluginRegion(ctx, args)),
    }),
    updatePluginSettings: t.field({
      type: Payload,
      description: 'Sets settings at one level (a region or global), validated against the plugin\'s settings schema.',
      args: { ...scopeArgs(t), settings: t.arg({ type: 'JSONObject', required: true }) },
      resolve: async (_root, args: any, ctx) => {
        const host = hostOf(ctx);
        await host.updateSettings(args.id, await pluginRegion(ctx, args), args.settings);
        return host.state(args.id)!;
      },
    }),
  }));
  return { Plugin };
}

const SECRET_MASK = '********';

/** Settings with every `writeOnly` property that has a value replaced by the mask: the API never returns a secret. */
function maskSecrets(schema: unknown, settings: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema as { properties?: Record<string, { writeOnly?: boolean }> } | undefined)?.properties ?? {};
  const masked = { ...settings };
  for (const [name, property] of Object.entries(properties)) {
    if (property.writeOnly === true && masked[name] != null && masked[name] !== '') masked[name] = SECRET_MASK;
  }
  return masked;
}
