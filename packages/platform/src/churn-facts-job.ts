/** The churn-facts job (离网事实): a core job of the plugin host, daily in every city. */
import { regionsByCode, type Clock, type PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import { CHURN_FACTS_JOB, churnFactsRegions, describeChurnFacts, runChurnFacts } from '@weixi/kpis';

/** The owner of the job's runs in the job runner: `core:kpis`. */
export const KPIS_OWNER = 'kpis';

export function registerChurnFactsJob(host: PluginHost, database: Database, clock: Clock) {
  return host.registerCoreJob(
    KPIS_OWNER,
    CHURN_FACTS_JOB,
    async (run) => {
      const region = (await regionsByCode(database.db, [run.regionCode])).get(run.regionCode);
      if (!region) return; // removed after the run was queued
      await run.progress(1, describeChurnFacts(await runChurnFacts(database.db, region, clock.now())));
    },
    churnFactsRegions,
  );
}
