/**
 * What a planned task's outcome triggers (the tactic's `outcomes`, stored on the task when the planner
 * created it): grant the offer's benefit, schedule a follow-up task, resolve the warnings it answered.
 * Every path that closes a task as done calls `applyTaskOutcomes` in its own transaction; each action is
 * idempotent (one grant per task, one follow-up per task, resolving only live warnings), so a task done
 * twice (reopened by a failed quality audit) applies them once.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';

/** The actor of follow-up tasks' transitions and of the warnings a task resolves. */
export const OUTCOME_ACTOR = 'outcome';

export interface AppliedOutcomes {
  granted: number;
  followUps: number;
  warningsClosed: number;
}

/**
 * Applies the outcome actions of the done tasks among `taskIds` (ids, or a query selecting them), set-based.
 * A task without stored outcomes, or whose outcome has no actions, is left alone.
 */
export async function applyTaskOutcomes(db: Db, taskIds: readonly number[] | SQL, now: Date): Promise<AppliedOutcomes> {
  if (Array.isArray(taskIds) && taskIds.length === 0) return { granted: 0, followUps: 0, warningsClosed: 0 };
  const ids = Array.isArray(taskIds) ? sql`select unnest(${sql.param(taskIds.map(Number))}::int[])` : (taskIds as SQL);
  const at = sql`${now.toISOString()}::timestamptz`;
  const [row] = await queryRows<{ granted: number; follow_ups: number; closed: number }>(
    db,
    sql`with done as (
          select t.*, a.action from retention_tasks t
          cross join lateral jsonb_array_elements(coalesce(t.outcomes -> t.outcome, '[]'::jsonb)) a(action)
          where t.id in (${ids}) and t.state = 'done' and t.outcome is not null
        ),
        granted as (
          insert into benefit_grants (customer_id, task_id, tactic, kind, value_cents, granted_at)
          select customer_id, id, coalesce(tactic, ''), offer -> 'benefit' ->> 'kind', (offer -> 'benefit' ->> 'valueCents')::int, ${at}
          from done where action ? 'grant' and offer -> 'benefit' is not null
          on conflict (task_id) do nothing
          returning 1
        ),
        followed as (
          insert into retention_tasks (customer_id, reason, tactic, plugin_id, channel, state, due_at, next_attempt_at, script, idempotency_key,
            offer, outcomes, cost_cents, warning_ids, required_skills, created_at, updated_at)
          select distinct on (id) customer_id, action -> 'followUp' ->> 'reason', tactic, plugin_id, channel, 'open',
            ${at} + make_interval(days => (action -> 'followUp' ->> 'days')::int), ${at} + make_interval(days => (action -> 'followUp' ->> 'days')::int),
            script, 'followup:' || id, offer, outcomes, 0, warning_ids, required_skills, ${at}, ${at}
          from done where action ? 'followUp'
          order by id
          on conflict (customer_id, idempotency_key) do nothing
          returning id
        ),
        logged as (
          insert into task_transitions (task_id, from_state, to_state, at, actor, note)
          select id, null, 'open', ${at}, ${OUTCOME_ACTOR}, 'follow-up' from followed
          returning 1
        ),
        closed as (
          update warnings w set status = 'resolved', resolved_at = ${at}, resolved_by = ${OUTCOME_ACTOR}, note = 'task #' || d.id || ' ' || d.outcome
          from done d
          where d.action ? 'closeWarnings' and w.id = any(d.warning_ids) and w.status in ('open', 'acknowledged')
          returning 1
        )
        select (select count(*) from granted)::int as granted, (select count(*) from logged)::int as follow_ups, (select count(*) from closed)::int as closed`,
  );
  return { granted: Number(row?.granted ?? 0), followUps: Number(row?.follow_ups ?? 0), warningsClosed: Number(row?.closed ?? 0) };
}

/** `applyTaskOutcomes` for one task. */
export function applyTaskOutcome(db: Db, taskId: number, now: Date): Promise<AppliedOutcomes> {
  return applyTaskOutcomes(db, [taskId], now);
}
