import type { FieldRegistration } from '@weixi/core';
import { AccessError } from '@weixi/core/access';
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

/**
 * Runs a plugin resolver so that its failure stays in its field: the error is counted against the plugin
 * (the circuit breaker reads it) and the client gets a typed PLUGIN_ERROR for that field only.
 */
async function contained(ctx: WeixiContext, registration: FieldRegistration, regionId: number | null, run: () => unknown): Promise<unknown> {
  try {
    const value = await run();
    return value;
  } catch (error) {
    // The caller asked for something outside its scope: its error, not the plugin's failure.
    if (error instanceof AccessError) throw error;
    await ctx.plugins?.recordFailure(registration.pluginId, regionId, error, `field ${registration.type}.${registration.name}`);
    throw new GraphQLError(`plugin '${registration.pluginId}' failed to resolve ${registration.type}.${registration.name}`, {
      extensions: { code: 'PLUGIN_ERROR', plugin: registration.pluginId },
    });
  }
}

/**
 * What a plugin resolver may serve: the codes of every region the caller sees as a whole (an operator's
 * subtrees, all for admins, none for an agent, whose customers reach plugins only as parents), and the
 * plugin's services narrowed to the caller.
 */
async function requestOf(ctx: WeixiContext, pluginId: string): Promise<FieldRequest> {
  if (!ctx.plugins) throw new Error(`plugin field of '${pluginId}' resolved without a plugin host`);
  return { regionCodes: await ctx.loaders.visibleRegionCodes(), services: ctx.plugins.services(pluginId, ctx.principal) };
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
      const request = await requestOf(ctx, registration.pluginId);
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
              const request = await requestOf(ctx, registration.pluginId);
              return contained(ctx, registration, null, () => spec.resolve({ id: segment.id, regionCode: owner?.code ?? '' }, args, request));
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
              const request = await requestOf(ctx, registration.pluginId);
              return contained(ctx, registration, null, () => spec.resolve(null as never, args, request));
            },
          }),
        );
        break;
      }
    }
  }
}
