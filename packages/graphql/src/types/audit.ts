import { auditDetail, auditLogFilterSql, auditSortKey, countAuditLog, listAuditLog, type AuditEntry } from '@weixi/core';
import type { WeixiBuilder } from '../builder.js';
import { cursorKey, keysetConnection } from '../connections.js';
import { enumOf } from './enums.js';
import type { RoleEnum } from './api-keys.js';

/** The admin-only `auditLog` query over the append-only record of every mutation. */
export function registerAudit(builder: WeixiBuilder, Role: RoleEnum): void {
  const Outcome = enumOf(builder, 'AuditOutcome', ['ok', 'error'] as const, 'How an audited mutation ended.', {
    ok: 'It did what it was asked.',
    error: 'It failed or was refused; errorCode says why.',
  });
  const Entry = builder.objectRef<AuditEntry>('AuditEntry').implement({
    description: 'One mutation: who did what to which objects, through which plugin, when, and how it ended.',
    fields: (t) => ({
      at: t.expose('at', { type: 'DateTime', description: 'When it was asked, by the platform clock.' }),
      actor: t.exposeString('actor', { description: '`key:<prefix>`, `jwt:<subject>` or `system`.' }),
      role: t.field({ type: Role, nullable: true, resolve: (e) => e.role as never }),
      operation: t.exposeString('operation', { description: 'The mutation field (`upsertCustomers`, `<plugin namespace>_<field>`), or a core operation such as `apiKey.create`.' }),
      objects: t.exposeStringList('objects', { description: `Global ids and natural keys (\`msisdn:…\`, \`region:…\`, \`apiKey:…\`) of the objects touched, the first 100.` }),
      objectCount: t.int({ description: 'How many objects it touched; more than objects lists when the list was cut.', resolve: (e) => auditDetail(e).objectCount ?? e.objects.length }),
      plugin: t.string({ nullable: true, description: 'The plugin whose field it was, or that it enabled, disabled, configured or ran.', resolve: (e) => e.pluginId }),
      outcome: t.field({ type: Outcome, resolve: (e) => e.outcome }),
      errorCode: t.string({ nullable: true, description: 'The error code the caller got (`FORBIDDEN`, `BAD_USER_INPUT`, ...).', resolve: (e) => auditDetail(e).errorCode ?? null }),
      detail: t.string({ nullable: true, description: 'The error message the caller got, or what a core operation noted.', resolve: (e) => (e.detail?.startsWith('{') ? auditDetail(e).message ?? null : e.detail) }),
      requestId: t.string({ nullable: true, description: 'The X-Request-Id the caller sent.', resolve: (e) => auditDetail(e).requestId ?? null }),
    }),
  });
  const Filter = builder.inputType('AuditLogFilter', {
    fields: (t) => ({
      actor: t.string({ description: 'Exactly this actor, e.g. `key:ab12cd34ef`.' }),
      operation: t.string(),
      plugin: t.string(),
      outcome: t.field({ type: Outcome }),
      since: t.field({ type: 'DateTime', description: 'At or after.' }),
      until: t.field({ type: 'DateTime', description: 'Before.' }),
      objectId: t.string({ description: 'Entries that list this object (a global id, `msisdn:…`, `region:…`).' }),
    }),
  });
  const Connection = builder.connectionObject({ type: Entry, name: 'AuditEntryConnection' }, { name: 'AuditEntryEdge' });
  builder.queryField('auditLog', (t) =>
    t.connection(
      {
        type: Entry,
        description: 'Every mutation, newest first. Platform admins only.',
        args: { filter: t.arg({ type: Filter }) },
        resolve: (_root, args, ctx) => {
          const { db } = ctx.database;
          const f = args.filter;
          const where = auditLogFilterSql(f && { ...f, pluginId: f.plugin });
          return keysetConnection(args, cursorKey(['time', 'id'], auditSortKey), (page) => listAuditLog(db, where, page), () => countAuditLog(db, where));
        },
      },
      Connection,
    ),
  );
}
