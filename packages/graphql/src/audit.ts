/**
 * Every mutation field leaves one audit row, written here once for the whole schema (plugin fields
 * included), not per resolver: who (actor, role), what (the field name), which objects, which plugin,
 * when (the platform clock at the start), and the outcome with the client's error code. Refused and failed
 * calls are recorded too: a FORBIDDEN attempt is what an auditor looks for.
 *
 * Where the row goes: a success is written on the context's database, so when row security runs the
 * request in one transaction (non-admins on PostgreSQL) the row commits or rolls back with the mutation's
 * writes. Otherwise (admins, PGlite) it is written right after the resolver settles, as core functions open
 * their own transactions: a process dying between the two loses the row. A failure is written outside any
 * request transaction (`auditDatabase`), so a request that rolls back still shows the attempt. API key
 * changes are the exception: the core writes their success rows inside its own transaction, so only their
 * failures are written here.
 */
import { GraphQLError, type GraphQLField, type GraphQLFieldResolver, type GraphQLSchema, defaultFieldResolver } from 'graphql';
import { recordAudit, type AuditDetail, type FieldRegistration } from '@weixi/core';
import { argumentObjects, resultObjects } from './audit-objects.js';
import type { WeixiContext } from './context.js';
import { toClientError } from './errors.js';

/** Mutations acting on a plugin named by another argument than `pluginId`. */
const PLUGIN_ARGS: Record<string, string> = { enablePlugin: 'id', disablePlugin: 'id', updatePluginSettings: 'id', upgradePlugin: 'id', uninstallPlugin: 'id', purgePlugin: 'id' };

/** Mutations whose core function records its successes itself, in its transaction, as this operation. */
const RECORDED_BY_CORE: Record<string, string> = { createApiKey: 'apiKey.create', revokeApiKey: 'apiKey.revoke', revokeJwt: 'jwt.revoke' };

/**
 * Wraps every field of the schema's Mutation type so that each execution is audited. `pluginFields` are
 * the plugin-contributed fields, whose rows name their plugin.
 */
export function auditMutations(schema: GraphQLSchema, pluginFields: readonly FieldRegistration[]): GraphQLSchema {
  const owners = new Map(pluginFields.filter((f) => f.type === 'Mutation').map((f) => [f.name, f.pluginId]));
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    field.resolve = audited(field as GraphQLField<unknown, WeixiContext>, owners.get(field.name));
  }
  return schema;
}

function audited(field: GraphQLField<unknown, WeixiContext>, owner: string | undefined): GraphQLFieldResolver<unknown, WeixiContext> {
  const resolve = field.resolve ?? defaultFieldResolver;
  const byCore = RECORDED_BY_CORE[field.name];
  return async (source, args: Record<string, unknown>, ctx, info) => {
    const at = ctx.clock.now();
    const record = (outcome: 'ok' | 'error', objects: string[], detail: AuditDetail) => {
      const plugin = owner ?? args[PLUGIN_ARGS[field.name] ?? 'pluginId'];
      const { requestId } = ctx;
      return recordAudit((outcome === 'ok' ? ctx.database : ctx.auditDatabase).db, {
        at,
        actor: ctx.principal.actor,
        role: ctx.principal.kind,
        operation: byCore ?? field.name,
        objects,
        pluginId: typeof plugin === 'string' ? plugin : null,
        outcome,
        detail: { ...detail, ...(requestId ? { requestId } : {}) },
      });
    };
    let result: unknown;
    try {
      result = await resolve(source, args, ctx, info);
    } catch (error) {
      await record('error', argumentObjects(field, args), clientError(error));
      throw error;
    }
    if (!byCore) await record('ok', [...argumentObjects(field, args), ...resultObjects(field.type, result)], {});
    return result;
  };
}

/** The code and message the client gets for this error (the same mapping the server applies). */
function clientError(error: unknown): AuditDetail {
  const original = error instanceof Error ? error : new Error(String(error));
  const masked = new GraphQLError('masked');
  const client = toClientError(new GraphQLError(original.message, { originalError: original }), () => masked);
  if (client === masked) return { errorCode: 'INTERNAL_SERVER_ERROR' };
  return { errorCode: String(client.extensions.code ?? 'INTERNAL_SERVER_ERROR'), message: client.message };
}
