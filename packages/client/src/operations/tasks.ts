import { graphql } from '../gql/index.js';

export const taskFieldsFragment = graphql(`
  fragment TaskFields on RetentionTask {
    id
    state
    reason
    tactic
    channel
    script
    assignee
    dueAt
    outcome
    attemptCount
    closedAt
    idempotencyKey
    customer {
      id
      msisdn
    }
  }
`);

/** Creates a retention task (派单); resending the same idempotencyKey returns the first task. */
export const createTaskMutation = graphql(`
  mutation CreateTask($input: CreateTaskInput!) {
    createTask(input: $input) {
      created
      task {
        ...TaskFields
      }
    }
  }
`);

export const assignTaskMutation = graphql(`
  mutation AssignTask($id: ID!, $assignee: String!) {
    assignTask(id: $id, assignee: $assignee) {
      task {
        ...TaskFields
      }
    }
  }
`);

export const startTaskMutation = graphql(`
  mutation StartTask($id: ID!) {
    startTask(id: $id) {
      task {
        ...TaskFields
      }
    }
  }
`);

/** Records a contact attempt; a final outcome closes the task as done. */
export const recordTaskOutcomeMutation = graphql(`
  mutation RecordTaskOutcome($id: ID!, $outcome: TaskOutcome!, $channel: String, $note: String) {
    recordTaskOutcome(id: $id, outcome: $outcome, channel: $channel, note: $note) {
      task {
        ...TaskFields
        transitions {
          edges {
            node {
              fromState
              toState
              at
              note
            }
          }
        }
      }
    }
  }
`);

export const cancelTaskMutation = graphql(`
  mutation CancelTask($id: ID!, $reason: String) {
    cancelTask(id: $id, reason: $reason) {
      task {
        ...TaskFields
      }
    }
  }
`);

/** Tasks matching a filter, soonest due first. */
export const tasksQuery = graphql(`
  query Tasks($filter: TaskFilter, $first: Int, $after: String) {
    tasks(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageFields
      }
      edges {
        node {
          ...TaskFields
        }
      }
    }
  }
`);
