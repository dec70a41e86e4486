import { graphql } from '../gql/index.js';

/** The fields most integrations want back for a customer. */
export const customerSummaryFragment = graphql(`
  fragment CustomerSummary on Customer {
    id
    msisdn
    name
    status
    paymentType
    plan
    joinedOn
    tenureMonths
    balanceCents
    tier
    lifecycleStage
    warnings
    region {
      code
      name
    }
  }
`);

/**
 * Inserts or replaces customers by MSISDN, up to 1000 per call; a batch with any bad item writes nothing.
 * Returns the counts only: read customers back with `customersQuery` or `customerByMsisdnQuery`.
 */
export const upsertCustomersMutation = graphql(`
  mutation UpsertCustomers($customers: [CustomerInput!]!) {
    upsertCustomers(customers: $customers) {
      created
      updated
    }
  }
`);

/** A page of customers matching a filter, keyset-paged (pass `pageInfo.endCursor` as `after`). */
export const customersQuery = graphql(`
  query Customers($filter: CustomerFilter, $orderBy: CustomerOrder, $first: Int, $after: String) {
    customers(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageFields
      }
      edges {
        cursor
        node {
          ...CustomerSummary
        }
      }
    }
  }
`);

/** One customer's profile: facts, recent usage, tasks, segments and lifecycle. */
export const customerByMsisdnQuery = graphql(`
  query CustomerByMsisdn($msisdn: String!, $usageMonths: Int = 6, $tasks: Int = 10, $segments: Int = 20) {
    customerByMsisdn(msisdn: $msisdn) {
      ...CustomerSummary
      birthday
      churnedOn
      contractEndsOn
      creditLimitCents
      points
      device
      accountManager
      groupId
      groupKind
      isCampus
      attributes
      valueRankPct
      consent {
        channel
        granted
      }
      usage(months: $usageMonths) {
        totalCount
        edges {
          node {
            month
            revenueCents
            rechargeCents
            voiceMinutes
            dataMb
            sms
            activeDays
            complaints
            competitorContacts
          }
        }
      }
      tasks(first: $tasks) {
        totalCount
        edges {
          node {
            id
            state
            reason
            tactic
            channel
            assignee
            dueAt
            outcome
          }
        }
      }
      segments(first: $segments) {
        totalCount
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

/** Customers by id (as returned by upsertCustomers), in the order asked; unknown ids come back null. */
export const customersByIdQuery = graphql(`
  query CustomersById($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on Customer {
        ...CustomerSummary
      }
    }
  }
`);
