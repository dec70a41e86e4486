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
