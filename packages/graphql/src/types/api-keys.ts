import { and, getTableColumns, isNotNull, isNull, sql } from 'drizzle-orm';
import { keysetBounds, keysetOrder, type PageRequest } from '@weixi/core';
import { createApiKey, INTEGRATOR_SCOPES, revokeApiKey, ROLES, type ApiKeyRecord } from '@weixi/core/access';
import { apiKeys, type Db } from '@weixi/db';
import type { WeixiBuilder } from '../builder.js';
import { cursorKey, keysetConnection } from '../connections.js';
import { enumOf } from './enums.js';

/** Every column of a key but the hash of its secret, which never leaves the database. */
const { secretHash: _secretHash, ...recordColumns } = getTableColumns(apiKeys);
const KEYS = [sql`${apiKeys.id}`];

function listKeys(db: Db, where: ReturnType<typeof and>, page: PageRequest): Promise<ApiKeyRecord[]> {
  return db.select(recordColumns).from(apiKeys).where(and(where, keysetBounds(KEYS, 'asc', page))).orderBy(keysetOrder(KEYS, 'asc', page.inverted)).limit(page.limit);
}

export function registerRoleEnum(builder: WeixiBuilder) {
  return enumOf(builder, 'Role', ROLES, 'What a principal may do.', {
    admin: 'Platform admin: everything in every region, keys, plugins and the audit log.',
    operator: 'Regional operator: everything in its regions and the regions below them.',
    agent: 'Retention agent: its own tasks and their customers.',
    integrator: 'A system integration: read and/or ingest, as its scopes say.',
  });
}
export type RoleEnum = ReturnType<typeof registerRoleEnum>;

/** API keys over GraphQL, for platform admins: create (the key is shown once), list without secrets, revoke. */
export function registerApiKeys(builder: WeixiBuilder, Role: RoleEnum): void {
  const Scope = enumOf(builder, 'ApiKeyScope', INTEGRATOR_SCOPES, 'What an integrator key may do.', {
    read: 'Read data in its regions.',
    ingest: 'Write customers, usage and events in its regions.',
  });
  const ApiKey = builder.objectRef<ApiKeyRecord>('ApiKey').implement({
    description: 'An API key, without its secret (only its SHA-256 is stored).',
    fields: (t) => ({
      prefix: t.exposeString('prefix', { description: 'The public part: the key is `wx_<prefix>_<secret>`; its actor is `key:<prefix>`.' }),
      name: t.exposeString('name', { nullable: true }),
      role: t.field({ type: Role, resolve: (k) => k.role }),
      regionCodes: t.exposeStringList('regionCodes', { description: 'Regions whose subtrees it may see; none: all (or, for admins, everything).' }),
      agentId: t.exposeString('agentId', { nullable: true }),
      scopes: t.field({ type: [Scope], resolve: (k) => k.scopes as (typeof INTEGRATOR_SCOPES)[number][] }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Noted at most once a minute.' }),
      revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    }),
  });
  const Connection = builder.connectionObject({ type: ApiKey, name: 'ApiKeyConnection' }, { name: 'ApiKeyEdge' });
  builder.queryField('apiKeys', (t) =>
    t.connection(
      {
        type: ApiKey,
        description: 'API keys, oldest first, without secrets. Platform admins only.',
        args: { revoked: t.arg.boolean({ description: 'True: only revoked keys; false: only live ones; none: all.' }) },
        resolve: (_root, args, ctx) => {
          const { db } = ctx.database;
          const where = args.revoked == null ? undefined : args.revoked ? isNotNull(apiKeys.revokedAt) : isNull(apiKeys.revokedAt);
          return keysetConnection(
            args,
            cursorKey(['id'], (k: ApiKeyRecord) => [k.id]),
            (page) => listKeys(db, where, page),
            async () => (await db.select({ n: sql<number>`count(*)::int` }).from(apiKeys).where(where))[0]!.n,
          );
        },
      },
      Connection,
    ),
  );

  const CreateInput = builder.inputType('CreateApiKeyInput', {
    fields: (t) => ({
      role: t.field({ type: Role, required: true }),
      regionCodes: t.stringList({ description: 'Operators: at least one. Agents and integrators: an optional bound. Admins: none.' }),
      agentId: t.string({ description: 'Agents only: whose tasks the key works on.' }),
      scopes: t.field({ type: [Scope], description: 'Integrators only: at least one.' }),
      name: t.string({ description: 'What the key is for, shown in lists.' }),
    }),
  });
  const Created = builder.objectRef<{ key: string; record: ApiKeyRecord }>('CreateApiKeyPayload').implement({
    fields: (t) => ({
      key: t.exposeString('key', { description: 'The whole key, to send as `Authorization: Bearer <key>`. Shown this once: it is not stored.' }),
      apiKey: t.field({ type: ApiKey, resolve: (p) => p.record }),
    }),
  });
  const Revoked = builder.objectRef<{ record: ApiKeyRecord; alreadyRevoked: boolean }>('RevokeApiKeyPayload').implement({
    fields: (t) => ({
      apiKey: t.field({ type: ApiKey, resolve: (p) => p.record }),
      alreadyRevoked: t.exposeBoolean('alreadyRevoked', { description: 'True when it was revoked before; the first revocation time stays.' }),
    }),
  });
  builder.mutationFields((t) => ({
    createApiKey: t.field({
      type: Created,
      description: 'Creates an API key. Platform admins only.',
      args: { input: t.arg({ type: CreateInput, required: true }) },
      // Admins only: a mutation missing from the permission matrix needs `administer`.
      resolve: (_root, { input }, ctx) => createApiKey(ctx.database.db, input, { by: ctx.principal, clock: ctx.clock }),
    }),
    revokeApiKey: t.field({
      type: Revoked,
      description: 'Revokes a key by its prefix: its next request is refused (401, reason revoked_key). Idempotent. Platform admins only.',
      args: { prefix: t.arg.string({ required: true, description: 'The key\'s prefix (`wx_<prefix>` is accepted too).' }) },
      resolve: (_root, args, ctx) => revokeApiKey(ctx.database.db, args.prefix, { by: ctx.principal, clock: ctx.clock }),
    }),
  }));
}
