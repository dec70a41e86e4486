/**
 * A plugin's failures stay in its own fields and count against it. A resolver that throws fails its field;
 * so does a value that does not fit the field's declared type, which GraphQL would otherwise report as a
 * bare completion error nobody counts. The fit is GraphQL's own rule, checked only where GraphQL checks it:
 * on the field a value lands in (nulls where `!` promised a value, lists, scalars and enums), field by
 * field as the client selected them, never on what the client did not ask for.
 */
import { getNamedType, GraphQLError, isLeafType, isListType, isNonNullType, isObjectType, type GraphQLOutputType, type GraphQLResolveInfo } from 'graphql';
import { InputError, PluginNotEnabledError, PluginUnavailableError } from '@weixi/core';
import { AccessError } from '@weixi/core/access';
import type { WeixiContext } from './context.js';

/** Why a value does not fit the type GraphQL completes it with, or undefined when it fits. */
export function misfit(value: unknown, type: GraphQLOutputType): string | undefined {
  if (isNonNullType(type)) return value == null ? `${String(value)} where ${String(type)} needs a value` : misfit(value, type.ofType);
  if (value == null) return undefined;
  if (isListType(type)) {
    if (typeof value === 'string' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') return `${describe(value)} where ${String(type)} needs a list`;
    let index = 0;
    for (const item of value as Iterable<unknown>) {
      const problem = misfit(item, type.ofType);
      if (problem !== undefined) return `item ${index}: ${problem}`;
      index++;
    }
    return undefined;
  }
  if (!isLeafType(type)) return undefined; // an object: its fields are checked as they are selected
  try {
    return type.serialize(value) === undefined ? `${describe(value)} is not a ${type.name}` : undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A plugin's `PluginInputError`, recognised by shape: a plugin may bring its own copy of the SDK. */
function pluginInputIssues(error: unknown): Array<{ path: string; message: string }> | undefined {
  const e = error as { name?: unknown; code?: unknown; issues?: unknown } | null;
  if (!(error instanceof Error) || e!.name !== 'PluginInputError' || e!.code !== 'BAD_USER_INPUT' || !Array.isArray(e!.issues)) return undefined;
  return (e!.issues as Array<{ path?: unknown; message?: unknown }>).map((i) => ({ path: String(i.path ?? ''), message: String(i.message ?? error.message) }));
}

/** Where a plugin field resolved in a request: the region its failures count in, and whether one did. */
interface Resolution {
  pluginId: string;
  regionId: number | null;
  counted: boolean;
}

const resolutions = new WeakMap<WeixiContext, Map<string, Resolution>>();

const pathKeys = (info: GraphQLResolveInfo): string[] => {
  const keys: string[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) keys.unshift(String(p.key));
  return keys;
};

/**
 * Runs a plugin resolver so that its failure stays in its field: a throw, or a result that does not fit
 * the field, is counted against the plugin (the circuit breaker reads it) and the client gets a typed
 * PLUGIN_ERROR for that field only. Values below it are checked by `checkedField` as they are selected.
 */
export async function contained(
  ctx: WeixiContext,
  owner: { pluginId: string; field: string },
  regionId: number | null,
  info: GraphQLResolveInfo,
  run: () => unknown,
): Promise<unknown> {
  const resolution: Resolution = { pluginId: owner.pluginId, regionId, counted: false };
  let value: unknown;
  try {
    value = await run();
  } catch (error) {
    // The caller asked for something outside its scope, or where the plugin is not enabled: its error, not the plugin's failure.
    if (error instanceof AccessError || error instanceof PluginNotEnabledError) throw error;
    // Its process is down: the supervisor counted the crash once against the plugin that caused it.
    if (error instanceof PluginUnavailableError) throw new GraphQLError(error.message, { extensions: { code: 'PLUGIN_UNAVAILABLE', plugin: owner.pluginId, retryable: true } });
    const issues = pluginInputIssues(error);
    if (issues) throw new InputError(issues);
    return fail(ctx, resolution, owner.field, error);
  }
  const problem = misfit(value, info.returnType);
  if (problem !== undefined) return fail(ctx, resolution, owner.field, new Error(`returned a value that does not fit ${owner.field}: ${problem}`));
  // Fields below a declared object type find the region their misfits count in here.
  if (isObjectType(getNamedType(info.returnType))) {
    if (!resolutions.has(ctx)) resolutions.set(ctx, new Map());
    resolutions.get(ctx)!.set(pathKeys(info).join('.'), resolution);
  }
  return value;
}

/**
 * The resolver of a field of a plugin's declared object type: the parent's property, checked against the
 * field's type. A misfit fails the field, counted once per plugin field resolution it came from.
 */
export function checkedField(pluginId: string, field: string) {
  const name = field.slice(field.lastIndexOf('.') + 1);
  return async (parent: Record<string, unknown> | null, _args: unknown, ctx: WeixiContext, info: GraphQLResolveInfo): Promise<unknown> => {
    const value = parent?.[name];
    const problem = misfit(value, info.returnType);
    if (problem === undefined) return value;
    const keys = pathKeys(info);
    const known = resolutions.get(ctx);
    let resolution: Resolution | undefined;
    for (let n = keys.length - 1; n > 0 && !resolution; n--) resolution = known?.get(keys.slice(0, n).join('.'));
    return fail(ctx, resolution ?? { pluginId, regionId: null, counted: false }, field, new Error(`returned a value that does not fit ${field}: ${problem}`));
  };
}

async function fail(ctx: WeixiContext, resolution: Resolution, field: string, error: unknown): Promise<never> {
  if (!resolution.counted) {
    resolution.counted = true;
    await ctx.plugins?.recordFailure(resolution.pluginId, resolution.regionId, error, `field ${field}`);
  }
  throw new GraphQLError(`plugin '${resolution.pluginId}' failed to resolve ${field}${error instanceof Error && error.message.startsWith('returned') ? `: it ${error.message}` : ''}`, {
    extensions: { code: 'PLUGIN_ERROR', plugin: resolution.pluginId },
  });
}
