/** The planner job (next best action): a core job of the plugin host, daily where a tactic plugin is enabled. */
import type { Clock, PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import { planRegion, planRegions, PLANNER_JOB, plannerRegions, reportPlans } from '@weixi/planner';

/** The owner of the planner job's runs in the job runner: `core:planner`. */
export const PLANNER_OWNER = 'planner';

export function registerPlannerJob(host: PluginHost, database: Database, clock: Clock) {
  return host.registerCoreJob(
    PLANNER_OWNER,
    PLANNER_JOB,
    async (run) => {
      await planRegion(database.db, host, run.regionCode, clock.now(), run.runId, (done, message) => run.progress(done, message));
    },
    () => Promise.resolve(plannerRegions(host)),
    // The cities' runs due at one slot, planned together: cities with the same plan read the population once.
    async (runs) => {
      const outcomes = await planRegions(database.db, host, runs.map((r) => ({ regionCode: r.regionCode, jobRunId: r.runId })), clock.now());
      const errors: unknown[] = [];
      for (const [i, outcome] of outcomes.entries()) {
        await reportPlans(outcome.summaries, (done, message) => runs[i]!.progress(done, message));
        errors.push(outcome.error);
      }
      return errors;
    },
  );
}
