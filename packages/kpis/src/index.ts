/**
 * @weixi/kpis: measuring retention (考核管控). Churn facts by each region's churn definition, control groups
 * held out of tactics and warning rules, and the KPIs with uplift against the control group.
 */
export { addMonths, computeChurnFacts, lastCompleteMonth, monthStart, type ChurnFactsRun, type ChurnFactsSummary } from './churn.js';
export {
  computeKpis,
  KPI_DIMENSIONS,
  meanDifference,
  proportionDifference,
  type Interval,
  type KpiDimension,
  type KpiReport,
  type KpiRow,
  type Uplift,
} from './figures.js';
export { HELD_OUT_REASON, heldOutCheck, heldOutOfRule } from './control-groups.js';
export { seedControlGroupHistory, type DemoHistoryOptions } from './demo-history.js';
export { barChart, DAILY_REPORT_JOB, dailyReportRegions, describeDailyReport, makeDailyReport, ranked, reportCsv, reportHtml, reportTitle, type DailyFigures, type DailyReport } from './daily-report.js';
export { CHURN_FACTS_JOB, CHURN_FACTS_MONTHS, churnFactsRegions, describeChurnFacts, runChurnFacts } from './job.js';
export { kpisOf } from './report.js';
export {
  checkKpiSettingsPatch,
  DEFAULT_KPI_SETTINGS,
  kpiSettingsOfSubtree,
  mergeKpiSettings,
  setKpiSettings,
  type ChurnDefinition,
  type KpiSettings,
  type KpiSettingsPatch,
  type RegionKpiSettings,
} from './settings.js';
