import { graphql } from '../gql/index.js';

/** Creates or updates teams of regions (by region and name): account managers, a call center, an automated channel. */
export const upsertTeamsMutation = graphql(`
  mutation UpsertTeams($input: [TeamInput!]!) {
    upsertTeams(input: $input) {
      id
      name
      kind
      leadAgentId
      skills
      region {
        code
      }
    }
  }
`);

/** Creates or updates agents by id, each in a team of its region, with its capacity per day. */
export const upsertAgentsMutation = graphql(`
  mutation UpsertAgents($input: [AgentInput!]!) {
    upsertAgents(input: $input) {
      agentId
      name
      capacityPerDay
      skills
      active
      team {
        id
        name
      }
    }
  }
`);

/** The agents of a region and the regions below it. */
export const agentsQuery = graphql(`
  query Agents($regionCode: String!) {
    agents(regionCode: $regionCode) {
      agentId
      name
      capacityPerDay
      active
      team {
        name
        kind
      }
      region {
        code
      }
    }
  }
`);

/** Queues the dispatch job in every city of a region; returns the job run ids. */
export const runDispatchMutation = graphql(`
  mutation RunDispatch($regionCode: String!) {
    runDispatch(regionCode: $regionCode)
  }
`);

/** The calling agent's queue, soonest due first. */
export const myTasksQuery = graphql(`
  query MyTasks($states: [TaskState!], $first: Int, $after: String) {
    myTasks(states: $states, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          reason
          tactic
          channel
          state
          dueAt
          slaDueAt
          nextAttemptAt
          script
          customer {
            id
            msisdn
            name
          }
        }
      }
    }
  }
`);

/** Records a contact attempt: the disposition and, when the customer was reached, the outcome. */
export const recordContactAttemptMutation = graphql(`
  mutation RecordContactAttempt($taskId: ID!, $disposition: Disposition!, $outcome: TaskOutcome, $note: String) {
    recordContactAttempt(taskId: $taskId, disposition: $disposition, outcome: $outcome, note: $note) {
      task {
        id
        state
        outcome
        attemptCount
      }
    }
  }
`);

/** A task's timeline: state changes, dispatch actions, attempts and audits in time order. */
export const taskTimelineQuery = graphql(`
  query TaskTimeline($id: ID!) {
    task(id: $id) {
      id
      state
      assignee
      slaDueAt
      nextAttemptAt
      timeline {
        at
        kind
        actor
        note
        fromState
        toState
        disposition
        outcome
        auditId
        auditStatus
      }
    }
  }
`);

/** Draws quality audits (回访抽检) among the done tasks of a region. */
export const drawQualityAuditsMutation = graphql(`
  mutation DrawQualityAudits($regionCode: String!, $rate: Float) {
    drawQualityAudits(regionCode: $regionCode, rate: $rate) {
      id
      agentId
      status
      task {
        id
      }
    }
  }
`);

/** Records a callback check; a failed one reopens the task for dispatch. */
export const recordAuditResultMutation = graphql(`
  mutation RecordAuditResult($auditId: Int!, $passed: Boolean!, $note: String) {
    recordAuditResult(auditId: $auditId, passed: $passed, note: $note) {
      reopened
      dispatchRunIds
      audit {
        id
        status
      }
    }
  }
`);
