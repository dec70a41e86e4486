import { graphql } from '../gql/index.js';

/** Records monthly facts, replacing earlier figures for the same customer and month, up to 5000 per call. */
export const recordUsageMutation = graphql(`
  mutation RecordUsage($usage: [UsageInput!]!) {
    recordUsage(usage: $usage) {
      recorded
    }
  }
`);

/** Records customer events, up to 5000 per call; events whose idempotencyKey was seen are skipped. */
export const recordEventsMutation = graphql(`
  mutation RecordEvents($events: [CustomerEventInput!]!) {
    recordEvents(events: $events) {
      recorded
      duplicates
    }
  }
`);
