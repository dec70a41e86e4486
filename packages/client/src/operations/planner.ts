import { graphql } from '../gql/index.js';

/** A customer's next best actions: the tactics the planner would consider now, ranked, with why each is or is not chosen. */
export const nextBestActionsQuery = graphql(`
  query NextBestActions($id: ID!) {
    customer(id: $id) {
      id
      nextBestActions {
        tactic
        title
        rank
        score
        eligible
        reason
        chosen
        offerTitle
        costCents
      }
    }
  }
`);

/** Planner runs of a region and the regions below it, newest first. */
export const plannerRunsQuery = graphql(`
  query PlannerRuns($regionCode: String!, $first: Int) {
    plannerRuns(regionCode: $regionCode, first: $first) {
      id
      day
      status
      startedAt
      finishedAt
      tactics
      considered
      eligible
      chosen
      created
      error
      region {
        code
      }
      skipped {
        tactic
        error
      }
    }
  }
`);

/** Queues the planner job now in every city of the region; returns the job run ids. */
export const runPlannerMutation = graphql(`
  mutation RunPlanner($regionCode: String!) {
    runPlanner(regionCode: $regionCode)
  }
`);
