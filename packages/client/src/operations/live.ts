import { graphql } from '../gql/index.js';

/** Each task created or changed that the caller sees (an agent: its own; an operator: its regions'). */
export const taskChangedSubscription = graphql(`
  subscription TaskChanged {
    taskChanged {
      ...TaskFields
      updatedAt
    }
  }
`);

/** Each job run queued, started, reporting progress or finished in the caller's regions. */
export const jobRunChangedSubscription = graphql(`
  subscription JobRunChanged {
    jobRunChanged {
      id
      pluginId
      jobId
      region
      status
      progress
      progressMessage
      error
      startedAt
      finishedAt
    }
  }
`);

/** Each churn warning raised for a customer the caller sees. */
export const warningRaisedSubscription = graphql(`
  subscription WarningRaised {
    warningRaised {
      id
      rule
      level
      score
      reason
      region {
        code
      }
      customer {
        id
        msisdn
      }
    }
  }
`);
