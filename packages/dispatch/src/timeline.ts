/**
 * A task's timeline: its state changes (with what dispatch did: routed, escalated, re-dispatched, handed
 * off, reopened, expired), contact attempts and quality audits, in time order; one statement for many tasks.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Disposition, type TaskOutcome, type TaskState } from '@weixi/db';

export const TIMELINE_KINDS = ['state', 'dispatch', 'escalation', 'redispatch', 'handoff', 'reopen', 'expiry', 'attempt', 'audit_drawn', 'audit_checked'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  taskId: number;
  at: Date;
  kind: TimelineKind;
  actor: string | null;
  note: string | null;
  fromState: TaskState | null;
  toState: TaskState | null;
  disposition: Disposition | null;
  outcome: TaskOutcome | null;
  auditId: number | null;
  auditStatus: 'pending' | 'passed' | 'failed' | null;
}

/** The timelines of these tasks, by task id; tasks without entries map to empty lists. */
export async function timelines(db: Db, taskIds: readonly number[]): Promise<Map<number, TimelineEntry[]>> {
  const byTask = new Map<number, TimelineEntry[]>(taskIds.map((id) => [id, []]));
  if (taskIds.length === 0) return byTask;
  const ids = sql`(${sql.join(taskIds.map((id) => sql`${id}::int`), sql`, `)})`;
  // At one instant: a plain state change (created, started), then attempts and audits, then what they
  // caused (closing as done, reopening) and what dispatch did.
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select * from (
      select task_id, at, coalesce(kind, 'state') as kind, actor, note, from_state, to_state, null::text as disposition, null::text as outcome, null::int as audit_id, null::text as audit_status,
        case when kind is not null or to_state = 'done' then 3 else 1 end as ord, id
      from task_transitions where task_id in ${ids}
      union all
      select task_id, attempted_at, 'attempt', actor, note, null, null, disposition, outcome, null, null, 2, id from task_attempts where task_id in ${ids}
      union all
      select task_id, drawn_at, 'audit_drawn', drawn_by, null, null, null, null, null, id, 'pending', 2, id from task_audits where task_id in ${ids}
      union all
      select task_id, checked_at, 'audit_checked', checked_by, note, null, null, null, null, id, status, 2, id from task_audits where task_id in ${ids} and checked_at is not null
    ) e order by task_id, at, ord, id`);
  for (const r of rows) {
    byTask.get(Number(r.task_id))?.push({
      taskId: Number(r.task_id),
      at: new Date(r.at as string),
      kind: r.kind as TimelineKind,
      actor: (r.actor as string | null) ?? null,
      note: (r.note as string | null) ?? null,
      fromState: (r.from_state as TaskState | null) ?? null,
      toState: (r.to_state as TaskState | null) ?? null,
      disposition: (r.disposition as Disposition | null) ?? null,
      outcome: (r.outcome as TaskOutcome | null) ?? null,
      auditId: r.audit_id == null ? null : Number(r.audit_id),
      auditStatus: (r.audit_status as TimelineEntry['auditStatus']) ?? null,
    });
  }
  return byTask;
}
