/**
 * The audit log: one append-only row per mutation (who, what, which objects, which plugin, when, and how
 * it ended). The table refuses UPDATE and DELETE by trigger; this module only inserts and reads.
 *
 * `detail` is free text when a core function writes the row (`apiKey.create` describes the grant), and a
 * JSON object (`AuditDetail`) when the GraphQL layer records a mutation field, so the error code, the
 * request id and the full object count stay readable without more columns.
 */
import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { auditLog, type Db } from '@weixi/db';
import { InputError } from '../errors.js';
import { keysetBounds, keysetOrder, type PageRequest } from '../pages.js';

export type AuditEntry = typeof auditLog.$inferSelect;
export type AuditOutcome = AuditEntry['outcome'];

/** Objects listed in one row at most; `AuditDetail.objectCount` keeps the full number. */
export const MAX_AUDIT_OBJECTS = 100;

/** What the GraphQL layer stores in `detail`, as JSON. */
export interface AuditDetail {
  /** The typed error code the client got (`FORBIDDEN`, `BAD_USER_INPUT`, ...), for outcome `error`. */
  errorCode?: string;
  /** The error message the client got. */
  message?: string;
  /** The caller's `X-Request-Id`, when it sent one. */
  requestId?: string;
  /** How many objects the mutation touched, when more than `MAX_AUDIT_OBJECTS` (the list is cut). */
  objectCount?: number;
}

export interface AuditRecord {
  at: Date;
  actor: string;
  role: string | null;
  operation: string;
  /** Global ids and natural keys (`msisdn:…`, `region:…`); cut to `MAX_AUDIT_OBJECTS`, counted in detail. */
  objects: readonly string[];
  pluginId: string | null;
  outcome: AuditOutcome;
  detail: AuditDetail;
}

/** Appends one row. */
export async function recordAudit(db: Db, record: AuditRecord): Promise<void> {
  const unique = [...new Set(record.objects)];
  const cut = unique.length > MAX_AUDIT_OBJECTS;
  const detail: AuditDetail = { ...record.detail, ...(cut ? { objectCount: unique.length } : {}) };
  await db.insert(auditLog).values({
    at: record.at,
    actor: record.actor,
    role: record.role,
    operation: record.operation,
    objects: unique.slice(0, MAX_AUDIT_OBJECTS),
    pluginId: record.pluginId,
    outcome: record.outcome,
    detail: Object.keys(detail).length > 0 ? JSON.stringify(detail) : null,
  });
}

/** The structured part of a row's `detail` (empty for rows whose detail is free text). */
export function auditDetail(entry: Pick<AuditEntry, 'detail'>): AuditDetail {
  if (!entry.detail?.startsWith('{')) return {};
  try {
    return JSON.parse(entry.detail) as AuditDetail;
  } catch {
    return {};
  }
}

export interface AuditLogFilter {
  actor?: string | null;
  operation?: string | null;
  pluginId?: string | null;
  outcome?: AuditOutcome | null;
  /** Rows at or after this time. */
  since?: Date | null;
  /** Rows before this time. */
  until?: Date | null;
  /** Rows that list this object (a global id, or `msisdn:…`, `region:…`, `apiKey:…`). */
  objectId?: string | null;
}

/** The WHERE clause for a filter; `until` not after `since` is bad input (it could match nothing). */
export function auditLogFilterSql(filter: AuditLogFilter | null | undefined, path = 'filter'): SQL | undefined {
  if (!filter) return undefined;
  const { since, until } = filter;
  if (since && until && until.getTime() <= since.getTime()) {
    throw new InputError([{ path: `${path}.until`, message: `${until.toISOString()} is not after since (${since.toISOString()})` }]);
  }
  return and(
    filter.actor != null ? eq(auditLog.actor, filter.actor) : undefined,
    filter.operation != null ? eq(auditLog.operation, filter.operation) : undefined,
    filter.pluginId != null ? eq(auditLog.pluginId, filter.pluginId) : undefined,
    filter.outcome != null ? eq(auditLog.outcome, filter.outcome) : undefined,
    since ? gte(auditLog.at, since) : undefined,
    until ? lt(auditLog.at, until) : undefined,
    filter.objectId != null ? sql`${auditLog.objects} @> ${JSON.stringify([filter.objectId])}::jsonb` : undefined,
  );
}

const KEYS = [sql`${auditLog.at}`, sql`${auditLog.id}`];

/** A page of rows, newest first (by time, then by id), keyset-paged. */
export function listAuditLog(db: Db, where: SQL | undefined, page: PageRequest): Promise<AuditEntry[]> {
  return db
    .select()
    .from(auditLog)
    .where(and(where, keysetBounds(KEYS, 'desc', page)))
    .orderBy(keysetOrder(KEYS, 'desc', page.inverted))
    .limit(page.limit);
}

export function auditSortKey(entry: AuditEntry): unknown[] {
  return [entry.at.toISOString(), entry.id];
}

export async function countAuditLog(db: Db, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(where);
  return row!.n;
}
