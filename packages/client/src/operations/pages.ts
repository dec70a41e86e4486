import { graphql } from '../gql/index.js';

/** What every keyset-paged list asks of its page: whether there is more, and the cursor to pass as `after`. */
export const pageFieldsFragment = graphql(`
  fragment PageFields on PageInfo {
    hasNextPage
    endCursor
  }
`);
