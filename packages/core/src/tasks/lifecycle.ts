import type { TaskOutcome, TaskState } from '@weixi/db';

/**
 * The retention task state machine:
 *
 *   open ──assign──▶ assigned ──start──▶ in_progress ──recordOutcome(final)──▶ done
 *     │                │  ▲ reassign         │  ▲ recordOutcome(retryable) keeps it in progress
 *     └────────────────┴──┴───cancel─────────┴──▶ cancelled       (due date passed) ──▶ expired
 *
 * An action from any other state is an IllegalTransitionError naming the state and what is allowed.
 */
export type TaskAction = 'assign' | 'start' | 'recordOutcome' | 'cancel' | 'expire';

export const ACTION_FROM: Record<TaskAction, readonly TaskState[]> = {
  assign: ['open', 'assigned'],
  start: ['assigned'],
  recordOutcome: ['in_progress'],
  cancel: ['open', 'assigned', 'in_progress'],
  expire: ['open', 'assigned', 'in_progress'],
};

/** Outcomes after which the customer is tried again; the others close the task. */
export const RETRYABLE_OUTCOMES: readonly TaskOutcome[] = ['unreachable', 'callback_requested'];
/** Attempts after which a retryable outcome closes the task anyway (re-dispatch is a new task). */
export const MAX_ATTEMPTS = 3;

/** Where an outcome leaves a task that has had `attempts` attempts, this one included. */
export function stateAfterOutcome(outcome: TaskOutcome, attempts: number): TaskState {
  return RETRYABLE_OUTCOMES.includes(outcome) && attempts < MAX_ATTEMPTS ? 'in_progress' : 'done';
}

const HINT: Partial<Record<TaskAction, string>> = {
  start: 'assign it first',
  recordOutcome: 'start it first',
};

export function illegalTransitionMessage(taskId: number, state: TaskState, action: TaskAction): string {
  const allowed = ACTION_FROM[action].join(' or ');
  const hint = HINT[action] && state === 'open' ? ` (${HINT[action]})` : '';
  return `task ${taskId} is ${state}; ${action} needs a task that is ${allowed}${hint}`;
}
