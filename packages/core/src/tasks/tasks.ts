import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { customers, queryRows, retentionTasks, taskAttempts, taskTransitions, TASK_OUTCOMES, type Db, type TaskOutcome, type TaskState } from '@weixi/db';
import type { Clock } from '../clock.js';
import { InputError, IssueList, NotFoundError, WeixiError } from '../errors.js';
import { checkText, TEXT_LIMITS } from '../text-limits.js';
import { ACTION_FROM, illegalTransitionMessage, stateAfterOutcome, type TaskAction } from './lifecycle.js';
import { applyTaskOutcome } from './outcomes.js';

export type RetentionTask = typeof retentionTasks.$inferSelect;

export interface CreateTaskInput {
  customerId: number;
  reason: string;
  tactic?: string | null;
  channel?: string | null;
  assignee?: string | null;
  dueAt: Date;
  script?: string | null;
  /** Skills an agent needs to work the task (`cantonese`, `device`): dispatch gives it only to agents having all. */
  requiredSkills?: readonly string[] | null;
  /**
   * Re-sending a create with the same key for the same customer returns the task created the first time.
   * Keys are scoped to the customer: another customer's (or region's) use of a key is not a replay.
   */
  idempotencyKey?: string | null;
}

export class IllegalTransitionError extends WeixiError {
  constructor(taskId: number, state: TaskState, action: TaskAction) {
    super('ILLEGAL_TRANSITION', illegalTransitionMessage(taskId, state, action));
    this.name = 'IllegalTransitionError';
  }
}

/**
 * Creates a task (assigned at once when an assignee is given). Returns `created: false` for a replayed key.
 * `scope` (a predicate on customers) bounds the customers the caller may create tasks for: any other reads
 * as not found.
 */
export async function createTask(db: Db, clock: Clock, input: CreateTaskInput, actor: string | null = null, scope?: SQL): Promise<{ task: RetentionTask; created: boolean }> {
  const issues = new IssueList();
  if (!input.reason.trim()) issues.add('input.reason', 'must not be empty');
  if (Number.isNaN(input.dueAt.getTime())) issues.add('input.dueAt', 'is not a valid time');
  if (input.assignee != null && !input.assignee.trim()) issues.add('input.assignee', 'must not be empty when given');
  checkText(issues, 'input.idempotencyKey', input.idempotencyKey, TEXT_LIMITS.idempotencyKey);
  (input.requiredSkills ?? []).forEach((skill, i) => {
    if (!skill.trim() || skill.length > 64) issues.add(`input.requiredSkills[${i}]`, 'must be 1 to 64 characters');
  });
  issues.throwIfAny();

  return db.transaction(async (tx) => {
    const [customer] = await tx.select({ id: customers.id }).from(customers).where(and(eq(customers.id, input.customerId), scope));
    if (!customer) throw new NotFoundError('customer', input.customerId, 'input.customerId');
    const now = clock.now();
    const state: TaskState = input.assignee ? 'assigned' : 'open';
    const [task] = await tx
      .insert(retentionTasks)
      .values({
        customerId: input.customerId,
        reason: input.reason.trim(),
        tactic: input.tactic ?? null,
        channel: input.channel ?? null,
        assignee: input.assignee ?? null,
        state,
        dueAt: input.dueAt,
        script: input.script ?? null,
        requiredSkills: [...new Set(input.requiredSkills ?? [])],
        idempotencyKey: input.idempotencyKey ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: [retentionTasks.customerId, retentionTasks.idempotencyKey] })
      .returning();
    if (!task) {
      // Keys are unique per customer, so the task found is this customer's, which the caller sees.
      const [existing] = await tx
        .select()
        .from(retentionTasks)
        .where(and(eq(retentionTasks.customerId, input.customerId), eq(retentionTasks.idempotencyKey, input.idempotencyKey!)));
      return { task: existing!, created: false };
    }
    await tx.insert(taskTransitions).values({ taskId: task.id, fromState: null, toState: state, at: now, actor });
    return { task, created: true };
  });
}

interface Transition {
  action: TaskAction;
  to: (task: RetentionTask) => Partial<RetentionTask> & { state: TaskState };
  note?: string | null;
  actor?: string | null;
  attempt?: { outcome: TaskOutcome; channel?: string | null };
  /** A predicate on tasks bounding what the caller may move: any other task reads as not found. */
  scope?: SQL;
}

/**
 * Moves one task. The row is locked, the state checked against the state machine, and the new state,
 * the transition row and any attempt are written in one transaction, so concurrent calls cannot both win.
 * The scope is checked on the locked row, so a task reassigned meanwhile cannot be moved by its old agent.
 */
async function transition(db: Db, clock: Clock, taskId: number, change: Transition): Promise<RetentionTask> {
  return db.transaction(async (tx) => {
    const [task] = await tx.select().from(retentionTasks).where(and(eq(retentionTasks.id, taskId), change.scope)).for('update');
    if (!task) throw new NotFoundError('retention task', taskId, 'id');
    if (!ACTION_FROM[change.action].includes(task.state)) throw new IllegalTransitionError(task.id, task.state, change.action);
    const now = clock.now();
    const next = change.to(task);
    const closes = next.state === 'done' || next.state === 'cancelled' || next.state === 'expired';
    const [updated] = await tx
      .update(retentionTasks)
      .set({ ...next, updatedAt: now, closedAt: closes ? now : null, attemptCount: change.attempt ? task.attemptCount + 1 : task.attemptCount })
      .where(eq(retentionTasks.id, taskId))
      .returning();
    if (change.attempt) {
      await tx.insert(taskAttempts).values({ taskId, attemptedAt: now, channel: change.attempt.channel ?? task.channel, outcome: change.attempt.outcome, note: change.note ?? null, actor: change.actor ?? null });
    }
    if (next.state !== task.state || change.action === 'assign') {
      await tx.insert(taskTransitions).values({ taskId, fromState: task.state, toState: next.state, at: now, actor: change.actor ?? null, note: change.note ?? null });
    }
    if (next.state === 'done') await applyTaskOutcome(tx, taskId, now);
    return updated!;
  });
}

export function assignTask(db: Db, clock: Clock, taskId: number, assignee: string, actor: string | null = null, scope?: SQL): Promise<RetentionTask> {
  if (!assignee.trim()) throw new InputError([{ path: 'input.assignee', message: 'must not be empty' }]);
  return transition(db, clock, taskId, { action: 'assign', actor, scope, note: `assigned to ${assignee.trim()}`, to: () => ({ state: 'assigned', assignee: assignee.trim() }) });
}

export function startTask(db: Db, clock: Clock, taskId: number, actor: string | null = null, scope?: SQL): Promise<RetentionTask> {
  return transition(db, clock, taskId, { action: 'start', actor, scope, to: () => ({ state: 'in_progress' }) });
}

export interface TaskOutcomeInput {
  outcome: TaskOutcome;
  note?: string | null;
  channel?: string | null;
}

/** Records a contact attempt; a final outcome (or the last allowed attempt) closes the task as done. */
export function recordTaskOutcome(db: Db, clock: Clock, taskId: number, input: TaskOutcomeInput, actor: string | null = null, scope?: SQL): Promise<RetentionTask> {
  if (!TASK_OUTCOMES.includes(input.outcome)) throw new InputError([{ path: 'input.outcome', message: `must be one of ${TASK_OUTCOMES.join(', ')}` }]);
  return transition(db, clock, taskId, {
    action: 'recordOutcome',
    actor,
    scope,
    note: input.note,
    attempt: { outcome: input.outcome, channel: input.channel },
    to: (task) => {
      const state = stateAfterOutcome(input.outcome, task.attemptCount + 1);
      return state === 'done' ? { state, outcome: input.outcome } : { state };
    },
  });
}

export function cancelTask(db: Db, clock: Clock, taskId: number, reason: string | null = null, actor: string | null = null, scope?: SQL): Promise<RetentionTask> {
  return transition(db, clock, taskId, { action: 'cancel', actor, scope, note: reason, to: () => ({ state: 'cancelled' }) });
}

/** Expires every unfinished task whose due time has passed, in one statement; returns how many. */
export async function expireOverdueTasks(db: Db, clock: Clock): Promise<number> {
  // Raw SQL gets the time as text: postgres.js under drizzle serialises timestamps from strings only.
  const now = clock.now().toISOString();
  const [row] = await queryRows<{ n: number }>(db, sql`
    with overdue as (
      select id, state from ${retentionTasks}
      where ${and(inArray(retentionTasks.state, [...ACTION_FROM.expire]), sql`${retentionTasks.dueAt} < ${now}::timestamptz`)}
      for update
    ), expired as (
      update ${retentionTasks} t set state = 'expired', updated_at = ${now}::timestamptz, closed_at = ${now}::timestamptz
      from overdue where t.id = overdue.id
      returning t.id, overdue.state as from_state
    ), logged as (
      insert into ${taskTransitions} (task_id, from_state, to_state, at, note)
      select id, from_state, 'expired', ${now}::timestamptz, 'due date passed' from expired
      returning 1
    )
    select count(*)::int as n from logged`);
  return Number(row?.n ?? 0);
}
