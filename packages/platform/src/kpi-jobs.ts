/**
 * The KPI jobs, core jobs of the plugin host: churn facts (离网事实, daily 02:00 in every city where KPIs are set up) and the daily
 * report (每日通报, 07:30 in every province and city where they are), both owned by `core:kpis...`.
 */
import { regionsByCode, type Clock, type JobRegion, type PluginHost, type Region } from '@weixi/core';
import { disposable, type Disposable } from '@weixi/sdk';
import type { Database, Db } from '@weixi/db';
import { CHURN_FACTS_JOB, churnFactsRegions, DAILY_REPORT_JOB, dailyReportRegions, describeChurnFacts, describeDailyReport, makeDailyReport, runChurnFacts } from '@weixi/kpis';

/** The owner of the churn-facts job's runs in the job runner: `core:kpis`; the report's is `core:kpis-report`. */
export const KPIS_OWNER = 'kpis';

export function registerKpiJobs(host: PluginHost, database: Database, clock: Clock): Disposable {
  const register = (owner: string, job: typeof CHURN_FACTS_JOB, work: (region: Region, now: Date) => Promise<string>, regions: (db: Db) => Promise<JobRegion[]>) =>
    host.registerCoreJob(
      owner,
      job,
      async (run) => {
        const region = (await regionsByCode(database.db, [run.regionCode])).get(run.regionCode);
        if (!region) return; // removed after the run was queued
        await run.progress(1, await work(region, clock.now()));
      },
      regions,
    );
  const jobs = [
    register(KPIS_OWNER, CHURN_FACTS_JOB, async (region, now) => describeChurnFacts(await runChurnFacts(database.db, region, now)), churnFactsRegions),
    register(`${KPIS_OWNER}-report`, DAILY_REPORT_JOB, async (region, now) => {
      const report = await makeDailyReport(database.db, region, now);
      // To the plugins enabled in the region only (the event bus checks); a failing subscriber is counted
      // against its plugin and does not fail the run, and a rerun emits the same reportId again.
      await host.events.emit('kpi.report.ready', { regionCode: region.code, reportId: report.id, day: report.figures.day, title: report.title, html: report.html, csv: report.csv });
      return describeDailyReport(report);
    }, dailyReportRegions),
  ];
  return disposable(...jobs.map((j) => () => j.dispose()));
}
