import { graphql } from '../gql/index.js';

export const segmentFieldsFragment = graphql(`
  fragment SegmentFields on Segment {
    id
    name
    description
    definition
    version
    count
    stale
    refreshedAt
  }
`);

/** Saves a segment definition; it has no members until refreshed. */
export const createSegmentMutation = graphql(`
  mutation CreateSegment($input: CreateSegmentInput!) {
    createSegment(input: $input) {
      segment {
        ...SegmentFields
      }
    }
  }
`);

/** Recomputes a segment's membership, returning who entered and who left. */
export const refreshSegmentMutation = graphql(`
  mutation RefreshSegment($id: ID!) {
    refreshSegment(id: $id) {
      entered
      left
      segment {
        ...SegmentFields
      }
    }
  }
`);

/** A segment's member count as of its last refresh (null when the id is unknown). */
export const segmentCountQuery = graphql(`
  query SegmentCount($id: ID!) {
    segment(id: $id) {
      id
      name
      count
      stale
      refreshedAt
    }
  }
`);

/** How many customers a definition matches right now, without saving anything. */
export const segmentPreviewQuery = graphql(`
  query SegmentPreview($definition: SegmentCondition!) {
    segmentPreview(definition: $definition)
  }
`);

/** A page of a segment's current members (those the caller sees), keyset-paged by `after`. */
export const segmentMembersQuery = graphql(`
  query SegmentMembers($id: ID!, $first: Int, $after: String) {
    segment(id: $id) {
      id
      name
      refreshedAt
      members(first: $first, after: $after) {
        totalCount
        pageInfo {
          ...PageFields
        }
        edges {
          node {
            ...CustomerSummary
          }
        }
      }
    }
  }
`);

/** A customer's segment history: every stay, current and past, with when it entered and left. */
export const segmentHistoryQuery = graphql(`
  query SegmentHistory($msisdn: String!, $first: Int, $after: String) {
    customerByMsisdn(msisdn: $msisdn) {
      id
      msisdn
      segments(includePast: true, first: $first, after: $after) {
        totalCount
        pageInfo {
          ...PageFields
        }
        edges {
          node {
            enteredAt
            leftAt
            segment {
              id
              name
            }
          }
        }
      }
    }
  }
`);
