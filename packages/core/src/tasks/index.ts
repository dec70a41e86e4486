export {
  assignTask,
  cancelTask,
  createTask,
  expireOverdueTasks,
  recordTaskOutcome,
  startTask,
  IllegalTransitionError,
  type CreateTaskInput,
  type RetentionTask,
  type TaskOutcomeInput,
} from './tasks.js';
export { ACTION_FROM, MAX_ATTEMPTS, RETRYABLE_OUTCOMES, stateAfterOutcome, type TaskAction } from './lifecycle.js';
export { countTasks, listTasks, tasksPageQuery, taskFilterSql, taskSortKey, type TaskFilter } from './list.js';
export { OUTCOME_ACTOR, applyTaskOutcome, applyTaskOutcomes, type AppliedOutcomes } from './outcomes.js';
