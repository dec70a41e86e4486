import { graphql } from '../gql/index.js';

export const warningFieldsFragment = graphql(`
  fragment WarningFields on Warning {
    id
    rule
    level
    score
    reason
    evidence
    status
    asOfMonth
    firstSeenAt
    lastSeenAt
    runId
    region {
      code
    }
    customer {
      id
      msisdn
    }
  }
`);

/** Churn warnings (流失预警) of the caller's regions, newest first; live ones unless `filter.statuses` says otherwise. */
export const warningsQuery = graphql(`
  query Warnings($filter: WarningFilter, $first: Int, $after: String) {
    warnings(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...WarningFields
        }
      }
    }
  }
`);

/** A customer's combined churn risk and its warnings. */
export const customerChurnRiskQuery = graphql(`
  query CustomerChurnRisk($id: ID!) {
    customer(id: $id) {
      id
      churnRisk {
        score
        level
        factors {
          rule
          feature
          value
          contribution
        }
      }
      churnWarnings(first: 20) {
        edges {
          node {
            ...WarningFields
          }
        }
      }
    }
  }
`);

export const acknowledgeWarningMutation = graphql(`
  mutation AcknowledgeWarning($id: ID!, $note: String) {
    acknowledgeWarning(id: $id, note: $note) {
      warning {
        ...WarningFields
      }
    }
  }
`);

export const resolveWarningMutation = graphql(`
  mutation ResolveWarning($id: ID!, $note: String) {
    resolveWarning(id: $id, note: $note) {
      warning {
        ...WarningFields
      }
    }
  }
`);

export const warningBacktestFiguresFragment = graphql(`
  fragment WarningBacktestFiguresFields on WarningBacktestFigures {
    flagged
    churned
    precision
    recall
    lift
    top {
      customers
      churned
      precision
      lift
    }
  }
`);

/**
 * How often each warning rule enabled in `region` would have been right as of `asOf` (YYYY-MM), against who
 * churned in the `horizon` months after it; per rule and for the combined risk. Read-only.
 */
export const warningBacktestQuery = graphql(`
  query WarningBacktest($asOf: String!, $horizon: Int!, $region: String, $monthsWithoutRevenue: Int) {
    warningBacktest(asOf: $asOf, horizon: $horizon, region: $region, monthsWithoutRevenue: $monthsWithoutRevenue) {
      asOf
      horizon
      region {
        code
      }
      monthsWithoutRevenue
      population
      churned
      baseRate
      topSize
      rules {
        rule
        title
        cities
        figures {
          ...WarningBacktestFiguresFields
        }
      }
      combined {
        ...WarningBacktestFiguresFields
      }
    }
  }
`);

/** The churn model versions that score a region (its own and its ancestors'), with their cross-validated figures. */
export const churnModelsQuery = graphql(`
  query ChurnModels($region: String, $first: Int) {
    churnModels(region: $region, first: $first) {
      id
      rule
      regionCode
      version
      kind
      label
      asOf
      horizon
      trainingRows
      positives
      trainedAt
      auc
      aucSd
      liftAt10
      liftAt20
      calibrationError
      calibration {
        predicted
        observed
        count
      }
      importances {
        feature
        importance
      }
      candidates {
        label
        auc
      }
    }
  }
`);
