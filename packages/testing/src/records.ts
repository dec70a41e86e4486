/** What plugins did, read straight from the tables: the contacts outbox and the retention tasks. */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { listContactRecords, type ContactRecord } from '@weixi/core';
import { customers, regions, retentionTasks, warnings, type ContactStatus, type Db, type TaskState } from '@weixi/db';

/** A contact some plugin asked for, and what became of it (one row of the `contacts` table). */
export interface CapturedContact extends Omit<ContactRecord, 'contactId'> {
  id: number;
}

export interface ContactsFilter {
  channel?: string;
  customerId?: number;
  pluginId?: string;
  status?: ContactStatus | ContactStatus[];
  /** Customers in this region's subtree. */
  region?: string;
}

/** A retention task (one row of `retention_tasks`). */
export interface CapturedTask {
  id: number;
  customerId: number;
  regionCode: string;
  reason: string;
  tactic: string | null;
  channel: string | null;
  state: TaskState;
  dueAt: Date;
  script: string | null;
  idempotencyKey: string | null;
  createdAt: Date;
}

export interface TasksFilter {
  customerId?: number;
  state?: TaskState | TaskState[];
  /** Customers in this region's subtree. */
  region?: string;
  /** Tasks whose idempotency key starts with this text (plugins prefix their keys with their id). */
  keyPrefix?: string;
}

const oneOrMany = <T,>(v: T | T[]) => (Array.isArray(v) ? v : [v]);
const inSubtree = (code: string) => sql`starts_with(${regions.path}, (select path from regions where code = ${code}))`;

export async function listContacts(db: Db, filter: ContactsFilter = {}): Promise<CapturedContact[]> {
  const records = await listContactRecords(db, {
    channel: filter.channel,
    customerId: filter.customerId,
    pluginId: filter.pluginId,
    statuses: filter.status === undefined ? undefined : oneOrMany(filter.status),
    regionCode: filter.region,
    order: 'oldest',
  });
  return records.map(({ contactId, ...rest }) => ({ id: contactId, ...rest }));
}

export async function listTasks(db: Db, filter: TasksFilter = {}): Promise<CapturedTask[]> {
  const where: Array<SQL | undefined> = [
    filter.customerId === undefined ? undefined : eq(retentionTasks.customerId, filter.customerId),
    filter.state === undefined ? undefined : sql`${retentionTasks.state} = any(${sql.param(oneOrMany(filter.state))}::text[])`,
    filter.region === undefined ? undefined : inSubtree(filter.region),
    filter.keyPrefix === undefined ? undefined : sql`starts_with(${retentionTasks.idempotencyKey}, ${filter.keyPrefix})`,
  ];
  const rows = await db
    .select({ t: retentionTasks, regionCode: regions.code })
    .from(retentionTasks)
    .innerJoin(customers, eq(customers.id, retentionTasks.customerId))
    .innerJoin(regions, eq(regions.id, customers.regionId))
    .where(and(...where))
    .orderBy(asc(retentionTasks.id));
  return rows.map(({ t, regionCode }) => ({
    id: t.id,
    customerId: t.customerId,
    regionCode,
    reason: t.reason,
    tactic: t.tactic,
    channel: t.channel,
    state: t.state,
    dueAt: t.dueAt,
    script: t.script,
    idempotencyKey: t.idempotencyKey,
    createdAt: t.createdAt,
  }));
}

/** A churn warning a rule raised (one row of `warnings`). */
export interface CapturedWarning {
  id: number;
  customerId: number;
  regionCode: string;
  pluginId: string;
  ruleId: string;
  level: 'low' | 'medium' | 'high';
  score: number;
  reason: string;
  evidence: Record<string, number | null>;
  status: 'open' | 'acknowledged' | 'resolved' | 'expired';
  firstSeenAt: Date;
  lastSeenAt: Date;
  raisedByRun: number | null;
}

export interface WarningsFilter {
  pluginId?: string;
  ruleId?: string;
  customerId?: number;
  status?: CapturedWarning['status'] | Array<CapturedWarning['status']>;
  /** Warnings of this region's subtree. */
  region?: string;
}

export async function listWarnings(db: Db, filter: WarningsFilter = {}): Promise<CapturedWarning[]> {
  const where: Array<SQL | undefined> = [
    filter.pluginId === undefined ? undefined : eq(warnings.pluginId, filter.pluginId),
    filter.ruleId === undefined ? undefined : eq(warnings.ruleId, filter.ruleId),
    filter.customerId === undefined ? undefined : eq(warnings.customerId, filter.customerId),
    filter.status === undefined ? undefined : sql`${warnings.status} = any(${sql.param(oneOrMany(filter.status))}::text[])`,
    filter.region === undefined ? undefined : inSubtree(filter.region),
  ];
  const rows = await db
    .select({ w: warnings, regionCode: regions.code })
    .from(warnings)
    .innerJoin(regions, eq(regions.id, warnings.regionId))
    .where(and(...where))
    .orderBy(asc(warnings.id));
  return rows.map(({ w, regionCode }) => ({
    id: w.id,
    customerId: w.customerId,
    regionCode,
    pluginId: w.pluginId,
    ruleId: w.ruleId,
    level: w.level,
    score: w.score,
    reason: w.reason,
    evidence: w.evidence,
    status: w.status,
    firstSeenAt: w.firstSeenAt,
    lastSeenAt: w.lastSeenAt,
    raisedByRun: w.raisedByRun,
  }));
}
