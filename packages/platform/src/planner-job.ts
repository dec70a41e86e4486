/** The planner job (next best action): a core job of the plugin host, daily where a tactic plugin is enabled. */
import type { Clock, PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import { planRegion, PLANNER_JOB, plannerRegions } from '@weixi/planner';

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
  );
}
