import { callerName, callerRegions, Enablement, NotFoundError, PluginNotEnabledError, regionsByCode, type FieldRegistration } from '@weixi/core';
import { canSeeRegionPath, forbidden } from '@weixi/core/access';
import type { FieldParent, FieldRequest } from '@weixi/sdk';
import type { GraphQLResolveInfo } from 'graphql';
import type { WeixiBuilder } from '../builder.js';
import type { WeixiContext } from '../context.js';
import type { CustomerRow, SegmentRow, TaskRow } from '../loaders.js';
import { reads } from '../projection.js';
import { contained as containedIn } from '../plugin-failures.js';
import type { Refs } from './refs.js';
import { inputOptions, outputOptions, type PluginTypeRefs } from './plugin-types.js';

const contained = (ctx: WeixiContext, registration: FieldRegistration, regionId: number | null, info: GraphQLResolveInfo, run: () => unknown) =>
  containedIn(ctx, { pluginId: registration.pluginId, field: `${registration.type}.${registration.name}` }, regionId, info, run);

/**
 * What a plugin resolver may serve: the codes of every region the caller sees as a whole (an operator's
 * subtrees, all for admins, none for an agent, whose customers reach plugins only as parents), those of
 * them where the plugin is enabled, and the plugin's services narrowed to the caller and to those regions.
 * One frozen object per plugin and region in a request, shared by its resolvers for every parent: a page
 * of 100 customers builds it once, and an out-of-process plugin receives (and decodes) it once per batch.
 */
async function requestOf(ctx: WeixiContext, pluginId: string, regionCode: string | null): Promise<FieldRequest> {
  if (!ctx.plugins) throw new Error(`plugin field of '${pluginId}' resolved without a plugin host`);
  let byPlugin = requestParts.get(ctx);
  if (!byPlugin) requestParts.set(ctx, (byPlugin = new Map()));
  let parts = byPlugin.get(pluginId);
  if (!parts) {
    parts = {
      enabledRegionCodes: Object.freeze(ctx.plugins.enablement(pluginId).visibleTo(ctx.principal).map((r) => r.code)),
      services: ctx.plugins.services(pluginId, ctx.principal),
      byRegion: new Map(),
    };
    byPlugin.set(pluginId, parts);
  }
  let request = parts.byRegion.get(regionCode);
  if (!request) {
    const regionCodes = await ctx.loaders.visibleRegionCodes();
    // Another resolver of the page may have made it while this one waited.
    request = parts.byRegion.get(regionCode) ?? Object.freeze({ regionCodes, enabledRegionCodes: parts.enabledRegionCodes, regionCode, services: parts.services });
    parts.byRegion.set(regionCode, request);
  }
  return request;
}

interface PerRequest {
  enabledRegionCodes: readonly string[];
  services: FieldRequest['services'];
  byRegion: Map<string | null, FieldRequest>;
}
const requestParts = new WeakMap<WeixiContext, Map<string, PerRequest>>();

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
export function registerPluginFields(builder: WeixiBuilder, refs: Refs, fields: readonly FieldRegistration[], types: PluginTypeRefs): void {
  for (const registration of fields) {
    const { spec } = registration;
    // The host named the spec's types as in the schema (`[Sms_Message!]`, `Sms_Filter!`).
    const options = (t: any) => ({
      ...outputOptions(spec.type, types, true),
      description: `${spec.description} (plugin: ${registration.pluginId})`,
      args: Object.fromEntries(Object.entries(spec.args ?? {}).map(([name, a]) => [name, t.arg({ ...inputOptions(a.type, types), description: a.description })])),
    });
    const onParent = async (ctx: WeixiContext, args: Record<string, unknown>, customer: CustomerRow, parentId: number, info: GraphQLResolveInfo) => {
      if (!ctx.plugins?.isEnabledIn(registration.pluginId, customer.regionId)) return null;
      const region = await ctx.loaders.region.load(customer.regionId);
      const parent: FieldParent = { id: parentId, regionCode: region!.code };
      const request = await requestOf(ctx, registration.pluginId, region!.code);
      return contained(ctx, registration, customer.regionId, info, () => spec.resolve(parent, args, request));
    };
    switch (registration.type) {
      case 'Customer':
        builder.objectField(refs.Customer, registration.name, (t) =>
          t.field({ ...options(t), ...reads<CustomerRow>('id', 'regionId'), resolve: (c: CustomerRow, args: Record<string, unknown>, ctx: WeixiContext, info: GraphQLResolveInfo) => onParent(ctx, args, c, c.id, info) } as any),
        );
        break;
      case 'RetentionTask':
        builder.objectField(refs.RetentionTask, registration.name, (t) =>
          t.field({
            ...options(t),
            ...reads<TaskRow>('id', 'customerId'),
            resolve: async (task: { id: number; customerId: number }, args: Record<string, unknown>, ctx: WeixiContext, info: GraphQLResolveInfo) =>
              onParent(ctx, args, (await ctx.loaders.customer.load(task.customerId))!, task.id, info),
          } as any),
        );
        break;
      case 'Segment':
        builder.objectField(refs.Segment, registration.name, (t) =>
          t.field({
            ...options(t),
            resolve: async (segment: SegmentRow, args: Record<string, unknown>, ctx: WeixiContext, info: GraphQLResolveInfo) => {
              const owner = segment.regionId === null ? null : await ctx.loaders.region.load(segment.regionId);
              // A segment of a region where the plugin is enabled nowhere has no value from it, as a customer there.
              const enabled = ctx.plugins?.enablement(registration.pluginId);
              if (!enabled || enabled.empty || (owner && !enabled.reaches(owner.path))) return null;
              const request = await requestOf(ctx, registration.pluginId, owner?.code ?? null);
              return contained(ctx, registration, owner?.id ?? null, info, () => spec.resolve({ id: segment.id, regionCode: owner?.code ?? '' }, args, request));
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
            resolve: async (_root: unknown, args: Record<string, unknown>, ctx: WeixiContext, info: GraphQLResolveInfo) => {
              const region = await rootRegion(ctx, registration, args);
              const request = await requestOf(ctx, registration.pluginId, region?.code ?? null);
              return contained(ctx, registration, region?.id ?? null, info, () => spec.resolve(null as never, args, request));
            },
          }),
        );
        break;
      }
    }
  }
}
