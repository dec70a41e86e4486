import { graphql } from '../gql/index.js';

/** KPIs of a region subtree for a month, in total or by a dimension, with uplift against the control group. */
export const kpisQuery = graphql(`
  query Kpis($regionCode: String!, $month: Month!, $by: KpiDimension) {
    kpis(regionCode: $regionCode, month: $month, by: $by) {
      regionCode
      month
      by
      horizonMonths
      rows {
        key
        customers
        churned
        retentionRate
        churnRate
        warned
        warningPrecision
        warningRecall
        tasks
        done
        retained
        attempted
        reached
        completionRate
        successRate
        reachRate
        costCents
        costPerRetainedCents
        uplift {
          treated
          control
          treatedRetentionRate
          controlRetentionRate
          retention {
            difference
            low
            high
          }
          treatedRevenueCents
          controlRevenueCents
          revenueCents {
            difference
            low
            high
          }
        }
      }
    }
  }
`);

/** The KPI settings in force in a region: churn definition, control-group shares, horizon. */
export const kpiSettingsQuery = graphql(`
  query KpiSettings($regionCode: String!) {
    kpiSettings(regionCode: $regionCode)
  }
`);

/** Sets KPI settings of a region (null removes a key); returns the settings in force there. */
export const setKpiSettingsMutation = graphql(`
  mutation SetKpiSettings($regionCode: String!, $settings: JSONObject!) {
    setKpiSettings(regionCode: $regionCode, settings: $settings)
  }
`);

/** A region's daily reports, newest first: the HTML page and the CSV as made at 07:30 local. */
export const kpiReportsQuery = graphql(`
  query KpiReports($regionCode: String!, $last: Int) {
    kpiReports(regionCode: $regionCode, last: $last) {
      regionCode
      day
      month
      html
      csv
      createdAt
    }
  }
`);
