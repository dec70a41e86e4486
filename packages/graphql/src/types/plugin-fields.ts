import { callerName, callerRegions, Enablement, InputError, NotFoundError, PluginNotEnabledError, regionsByCode, type FieldRegistration } from '@weixi/core';
import { AccessError, canSeeRegionPath, forbidden } from '@weixi/core/access';
import type { FieldParent, FieldRequest, FieldType } from '@weixi/sdk';
import { GraphQLError } from 'graphql';
import type { WeixiBuilder } from '../builder.js';
import type { WeixiContext } from '../context.js';
import type { CustomerRow, SegmentRow } from '../loaders.js';
import type { Refs } from './refs.js';

const OUTPUT: Record<FieldType, unknown> = {
  String: 'String',
  Int: 'Int',
  Float: 'Float',
  Boolean: 'Boolean',
  ID: 'ID',
  Date: 'Date',
  DateTime: 'DateTime',
  JSON: 'JSON',
  '[String]': ['String'],
  '[Int]': ['Int'],
  '[Float]': ['Float'],
  '[JSON]': ['JSON'],
};

/** A plugin's `PluginInputError`, recognised by shape: a plugin may bring its own copy of the SDK. */
function pluginInputIssues(error: unknown): Array<{ path: string; message: string }> | undefined {
  const e = error as { name?: unknown; code?: unknown; issues?: unknown } | null;
  if (!(error instanceof Error) || e!.name !== 'PluginInputError' || e!.code !== 'BAD_USER_INPUT' || !Array.isArray(e!.issues)) return undefined;
  return (e!.issues as Array<{ path?: unknown; message?: unknown }>).map((i) => ({ path: String(i.path ?? ''), message: String(i.message ?? error.message) }));
}

/**
 * Runs a plugin resolver so that its failure stays in its field: the error is counted against the plugin
 * in the region the field was asked about (the circuit breaker reads it) and the client gets a typed
 * PLUGIN_ERROR for that field only. The caller's own errors (bad input, scope) pass through uncounted.
 */
async function contained(ctx: WeixiContext, registration: FieldRegistration, regionId: number | null, run: () => unknown): Promise<unknown> {
  try {
    const value = await run();
    return value;
  } catch (error) {
    // The caller asked for something outside its scope, or where the plugin is not enabled: its error, not the plugin's failure.
    if (error instanceof AccessError || error instanceof PluginNotEnabledError) throw error;
    const issues = pluginInputIssues(error);
    if (issues) throw new InputError(issues);
    await ctx.plugins?.recordFailure(registration.pluginId, regionId, error, `field ${registration.type}.${registration.name}`);
    throw new GraphQLError(`plugin '${registration.pluginId}' failed to resolve ${registration.type}.${registration.name}`, {
      extensions: { code: 'PLUGIN_ERROR', plugin: registration.pluginId },
    });
  }
}

/**
 * What a plugin resolver may serve: the codes of every region the caller sees as a whole (an operator's
 * subtrees, all for admins, none for an agent, whose customers reach plugins only as parents), those of
 * them where the plugin is enabled, and the plugin's services narrowed to the caller and to those regions.
 */
async function requestOf(ctx: WeixiContext, pluginId: string, regionCode: string | null): Promise<FieldRequest> {
  if (!ctx.plugins) throw new Error(`plugin field of '${pluginId}' resolved without a plugin host`);
  return {
    regionCodes: await ctx.loaders.visibleRegionCodes(),
    enabledRegionCodes: ctx.plugins.enablement(pluginId).visibleTo(ctx.principal).map((r) => r.code),
    regionCode,
    services: ctx.plugins.services(pluginId, ctx.principal),
  };
}

/**
 * The region a root field is asked about, checked before its resolver runs: it exists (NOT_FOUND), the
 * caller sees it (FORBIDDEN, as for any region named by code) and the plugin is enabled in some part of it
 * that the caller sees (FORBIDDEN, naming plugin and region). A field without a region argument needs the
 * plugin enabled somewhere the caller sees (an agent: its customers). Returns the region, or null when none was named.
 */
async function rootRegion(ctx: WeixiContext, registration: FieldRegistration, args: Record<string, unknown>) {
  const { pluginId, spec } = registration;
  const enabled = new Enablement(ctx.plugins!.enablement(pluginId).visibleTo(ctx.principal));
  const argName = spec.regionArg ?? (spec.args && 'regionCode' in spec.args ? 'regionCode' : undefined);
  const code = argName === undefined || args[argName] == null ? undefined : String(args[argName]);
  if (code === undefined) {
    // An agent sees no region as a whole, only its tasks' customers, which the services confine it to.
    if (enabled.empty && ctx.principal.kind !== 'agent') throw new PluginNotEnabledError(pluginId, null);
    return null;
  }
  const region = (await regionsByCode(ctx.database.db, [code])).get(code);
  if (!region) throw new NotFoundError('region', code, argName);
  if (!canSeeRegionPath(ctx.principal, region.path)) throw forbidden(`${callerName(ctx.principal)} may not read region ${region.code}: it is outside ${callerRegions(ctx.principal)}`);
  if (!enabled.reaches(region.path)) throw new PluginNotEnabledError(pluginId, region.code, undefined, argName);
  return region;
}

/** Adds every registered plugin field to the schema being built. Plugin fields are nullable. */
export function registerPluginFields(builder: WeixiBuilder, refs: Refs, fields: readonly FieldRegistration[]): void {
  for (const registration of fields) {
    const { spec } = registration;
    const options = (t: any) => ({
      type: OUTPUT[spec.type] as any,
      nullable: true as const,
      description: `${spec.description} (plugin: ${registration.pluginId})`,
      args: Object.fromEntries(
        Object.entries(spec.args ?? {}).map(([name, a]: [string, { type: string; required?: boolean; description?: string }]) => [name, t.arg({ type: a.type, required: a.required ?? false, description: a.description })]),
      ),
    });
    const onParent = async (ctx: WeixiContext, args: Record<string, unknown>, customer: CustomerRow, parentId: number) => {
      if (!ctx.plugins?.isEnabledIn(registration.pluginId, customer.regionId)) return null;
      const region = await ctx.loaders.region.load(customer.regionId);
      const parent: FieldParent = { id: parentId, regionCode: region!.code };
      const request = await requestOf(ctx, registration.pluginId, region!.code);
      return contained(ctx, registration, customer.regionId, () => spec.resolve(parent, args, request));
    };
    switch (registration.type) {
      case 'Customer':
        builder.objectField(refs.Customer, registration.name, (t) =>
          t.field({ ...options(t), resolve: (c: CustomerRow, args: Record<string, unknown>, ctx: WeixiContext) => onParent(ctx, args, c, c.id) } as any),
        );
        break;
      case 'RetentionTask':
        builder.objectField(refs.RetentionTask, registration.name, (t) =>
          t.field({
            ...options(t),
            resolve: async (task: { id: number; customerId: number }, args: Record<string, unknown>, ctx: WeixiContext) =>
              onParent(ctx, args, (await ctx.loaders.customer.load(task.customerId))!, task.id),
          } as any),
        );
        break;
      case 'Segment':
        builder.objectField(refs.Segment, registration.name, (t) =>
          t.field({
            ...options(t),
            resolve: async (segment: SegmentRow, args: Record<string, unknown>, ctx: WeixiContext) => {
              const owner = segment.regionId === null ? null : await ctx.loaders.region.load(segment.regionId);
              // A segment of a region where the plugin is enabled nowhere has no value from it, as a customer there.
              const enabled = ctx.plugins?.enablement(registration.pluginId);
              if (!enabled || enabled.empty || (owner && !enabled.reaches(owner.path))) return null;
              const request = await requestOf(ctx, registration.pluginId, owner?.code ?? null);
              return contained(ctx, registration, owner?.id ?? null, () => spec.resolve({ id: segment.id, regionCode: owner?.code ?? '' }, args, request));
            },
          } as any),
        );
        break;
      case 'Query':
      case 'Mutation': {
        const add = registration.type === 'Query' ? builder.queryField.bind(builder) : builder.mutationField.bind(builder);
        add(registration.name, (t: any) =>
          t.field({
            ...options(t),
            resolve: async (_root: unknown, args: Record<string, unknown>, ctx: WeixiContext) => {
              const region = await rootRegion(ctx, registration, args);
              const request = await requestOf(ctx, registration.pluginId, region?.code ?? null);
              return contained(ctx, registration, region?.id ?? null, () => spec.resolve(null as never, args, request));
            },
          }),
        );
        break;
      }
    }
  }
}
