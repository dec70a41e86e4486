/**
 * A contact attempt as the agent records it: a disposition code (what happened on the line) and, when the
 * customer was reached, the outcome. Unreached attempts leave the task for the dispatch run, which puts it
 * back in the queue for another time of day or hands it to the account manager.
 */
import { and, eq, type SQL } from 'drizzle-orm';
import { applyTaskOutcome, IllegalTransitionError, InputError, IssueList, NotFoundError, checkText, type Clock, type RetentionTask } from '@weixi/core';
import { retentionTasks, taskAttempts, taskTransitions, TASK_OUTCOMES, type Db, type Disposition, type TaskOutcome } from '@weixi/db';

/** The customer was not reached: the dispatch run retries at another time of day. */
export const UNREACHED: readonly Disposition[] = ['no_answer', 'powered_off', 'suspended'];

/** The outcome a disposition implies; `reached` implies none (the agent must say how it ended). */
const IMPLIED: Record<Disposition, TaskOutcome | null> = {
  reached: null,
  no_answer: 'unreachable',
  powered_off: 'unreachable',
  suspended: 'unreachable',
  refused: 'declined',
  promised: 'callback_requested',
  accepted: 'retained',
};

/** Outcomes that leave the task open for another attempt. */
const CONTINUING: readonly TaskOutcome[] = ['unreachable', 'callback_requested'];

export interface ContactAttemptInput {
  disposition: Disposition;
  outcome?: TaskOutcome | null;
  note?: string | null;
  channel?: string | null;
}

/** The outcome recorded for an attempt, or the InputError naming why the pair does not fit. */
export function attemptOutcome(input: ContactAttemptInput): TaskOutcome {
  const implied = IMPLIED[input.disposition];
  if (implied === undefined) throw new InputError([{ path: 'disposition', message: `must be one of ${Object.keys(IMPLIED).join(', ')}` }]);
  const outcome = input.outcome ?? implied;
  if (outcome === null) throw new InputError([{ path: 'outcome', message: 'is required when the disposition is reached (say how the contact ended)' }]);
  if (!TASK_OUTCOMES.includes(outcome)) throw new InputError([{ path: 'outcome', message: `must be one of ${TASK_OUTCOMES.join(', ')}` }]);
  // Unreached and UNREACHABLE go together; a reached customer may end any other way (refused: not eligible).
  if (UNREACHED.includes(input.disposition) !== (outcome === 'unreachable')) {
    throw new InputError([{ path: 'outcome', message: `${outcome} does not fit the disposition ${input.disposition}` }]);
  }
  return outcome;
}

/**
 * Records an attempt on a task in progress (start it first). A final outcome closes the task as done; an
 * unreached customer or a promise keeps it in progress, and an unreached one clears `nextAttemptAt` so the
 * next dispatch run schedules the retry. `scope` bounds the tasks the caller may work (others are not found).
 */
export async function recordContactAttempt(db: Db, clock: Clock, taskId: number, input: ContactAttemptInput, actor: string | null, scope?: SQL): Promise<RetentionTask> {
  const outcome = attemptOutcome(input);
  const issues = new IssueList();
  checkText(issues, 'note', input.note, 2000);
  checkText(issues, 'channel', input.channel, 64);
  issues.throwIfAny();
  return db.transaction(async (tx) => {
    const [task] = await tx.select().from(retentionTasks).where(and(eq(retentionTasks.id, taskId), scope)).for('update');
    if (!task) throw new NotFoundError('retention task', taskId, 'taskId');
    if (task.state !== 'in_progress') throw new IllegalTransitionError(task.id, task.state, 'recordOutcome');
    const now = clock.now();
    const closes = !CONTINUING.includes(outcome);
    const [updated] = await tx
      .update(retentionTasks)
      .set({
        state: closes ? 'done' : 'in_progress',
        outcome: closes ? outcome : null,
        closedAt: closes ? now : null,
        attemptCount: task.attemptCount + 1,
        nextAttemptAt: outcome === 'unreachable' || closes ? null : task.nextAttemptAt,
        updatedAt: now,
      })
      .where(eq(retentionTasks.id, taskId))
      .returning();
    await tx.insert(taskAttempts).values({ taskId, attemptedAt: now, channel: input.channel ?? task.channel, outcome, disposition: input.disposition, note: input.note ?? null, actor });
    if (closes) {
      await tx.insert(taskTransitions).values({ taskId, fromState: 'in_progress', toState: 'done', at: now, actor, note: `${input.disposition}: ${outcome}` });
      await applyTaskOutcome(tx, taskId, now);
    }
    return updated!;
  });
}
