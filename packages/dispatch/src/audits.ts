/**
 * Quality audits (回访抽检): a sample of each agent's done tasks is drawn for a callback check; a failed
 * check reopens the task for dispatch. The draw is idempotent: per agent it tops the sample up to
 * ceil(rate x done tasks in the window), so a rerun draws nothing more.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { InputError, NotFoundError, WeixiError, type Clock } from '@weixi/core';
import { queryRows, retentionTasks, taskAudits, taskTransitions, type Db } from '@weixi/db';
import { rulesOfSubtree } from './rules.js';

export type TaskAudit = typeof taskAudits.$inferSelect;

/** A reopened task whose due date is nearer than this gets this long from the reopening. */
export const REOPEN_DAYS = 3;

export interface DrawOptions {
  /** Overrides the regions' `auditSampleRate` (0 to 1). */
  rate?: number | null;
  actor?: string | null;
  /** A predicate on retention_tasks bounding what the caller sees. */
  scope?: SQL;
}

/** Draws audits among the done tasks of a region's subtree; returns the audits drawn now. */
export async function drawQualityAudits(db: Db, clock: Clock, region: { path: string }, options: DrawOptions = {}): Promise<TaskAudit[]> {
  const { rate } = options;
  if (rate != null && !(rate >= 0 && rate <= 1)) throw new InputError([{ path: 'rate', message: 'must be from 0 to 1' }]);
  const regions = await rulesOfSubtree(db, region.path);
  const values = sql.join(regions.map((r) => sql`(${r.regionId}::int, ${rate ?? r.rules.auditSampleRate}::float8, ${r.rules.auditWindowDays}::int)`), sql`, `);
  const now = clock.now().toISOString();
  return queryRows<TaskAudit>(db, sql`
    with audit_rules(region_id, rate, window_days) as (values ${values}),
    done as (
      select retention_tasks.id, retention_tasks.assignee, retention_tasks.closed_at, ar.rate,
        exists (select from task_audits a where a.task_id = retention_tasks.id and a.task_closed_at = retention_tasks.closed_at) as drawn
      from retention_tasks join customers c on c.id = retention_tasks.customer_id join audit_rules ar on ar.region_id = c.region_id
      where retention_tasks.state = 'done' and retention_tasks.assignee is not null
        and retention_tasks.closed_at >= ${now}::timestamptz - make_interval(days => ar.window_days) and ${options.scope ?? sql`true`}
    ),
    wanted as (select assignee, ceil(sum(rate))::int - count(*) filter (where drawn)::int as more from done group by assignee),
    -- md5 of the id: an order nobody chooses, and the same on every rerun
    ranked as (select d.*, row_number() over (partition by d.assignee order by md5(d.id::text), d.id) as rn from done d where not d.drawn)
    insert into task_audits (task_id, agent_id, task_closed_at, status, drawn_at, drawn_by)
    select r.id, r.assignee, r.closed_at, 'pending', ${now}::timestamptz, ${options.actor ?? null}
    from ranked r join wanted w on w.assignee = r.assignee where r.rn <= w.more
    on conflict (task_id, task_closed_at) do nothing
    returning id, task_id as "taskId", agent_id as "agentId", task_closed_at as "taskClosedAt", status, drawn_at as "drawnAt", drawn_by as "drawnBy",
      checked_at as "checkedAt", checked_by as "checkedBy", note`).then((rows) => rows.map(asAudit));
}

/** Raw rows carry times as strings on one driver and Dates on the other. */
function asAudit(row: TaskAudit): TaskAudit {
  const time = (v: Date | string | null) => (v === null ? null : new Date(v));
  return { ...row, taskClosedAt: time(row.taskClosedAt)!, drawnAt: time(row.drawnAt)!, checkedAt: time(row.checkedAt) };
}

export interface AuditResult {
  audit: TaskAudit;
  /** The task, reopened when the check failed. */
  reopened: boolean;
}

/**
 * Records a callback check. A failed check reopens the task (open, undispatched, its outcome cleared) for
 * the next dispatch run, unless it was reopened already. `scope` bounds the tasks the caller sees: an
 * audit of any other task is not found.
 */
export async function recordAuditResult(db: Db, clock: Clock, auditId: number, input: { passed: boolean; note?: string | null }, actor: string | null, scope?: SQL): Promise<AuditResult> {
  if (input.note != null && input.note.length > 2000) throw new InputError([{ path: 'note', message: `is ${input.note.length} characters; at most 2000` }]);
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ audit: taskAudits, task: retentionTasks })
      .from(taskAudits)
      .innerJoin(retentionTasks, eq(retentionTasks.id, taskAudits.taskId))
      .where(and(eq(taskAudits.id, auditId), scope))
      .for('update');
    if (!found) throw new NotFoundError('audit', auditId, 'auditId');
    if (found.audit.status !== 'pending') throw new WeixiError('ILLEGAL_TRANSITION', `audit ${auditId} is ${found.audit.status} already; only a pending audit takes a result`);
    const now = clock.now();
    const [audit] = await tx
      .update(taskAudits)
      .set({ status: input.passed ? 'passed' : 'failed', checkedAt: now, checkedBy: actor, note: input.note ?? null })
      .where(eq(taskAudits.id, auditId))
      .returning();
    const { task } = found;
    const reopen = !input.passed && task.state === 'done' && task.closedAt?.getTime() === found.audit.taskClosedAt.getTime();
    if (reopen) {
      const due = new Date(Math.max(task.dueAt.getTime(), now.getTime() + REOPEN_DAYS * 24 * 3600_000));
      await tx
        .update(retentionTasks)
        .set({ state: 'open', outcome: null, closedAt: null, assignee: null, teamId: null, dispatchedAt: null, slaDueAt: null, nextAttemptAt: null, escalatedAt: null, dueAt: due, updatedAt: now })
        .where(eq(retentionTasks.id, task.id));
      await tx.insert(taskTransitions).values({ taskId: task.id, fromState: 'done', toState: 'open', at: now, actor, kind: 'reopen', note: `quality audit ${auditId} failed${input.note ? `: ${input.note}` : ''}` });
    }
    return { audit: audit!, reopened: reopen };
  });
}
