/** The dispatch job (派单): a core job of the plugin host, run on `DISPATCH_JOB`'s schedule where dispatch is set up. */
import { regionsByCode, type Clock, type PluginHost } from '@weixi/core';
import type { Database } from '@weixi/db';
import { describeDispatch, DISPATCH_JOB, dispatchRegions, runDispatch } from '@weixi/dispatch';

/** The owner of the dispatch job's runs in the job runner: `core:dispatch`. */
export const DISPATCH_OWNER = 'dispatch';

export function registerDispatchJob(host: PluginHost, database: Database, clock: Clock) {
  return host.registerCoreJob(
    DISPATCH_OWNER,
    DISPATCH_JOB,
    async (run) => {
      const region = (await regionsByCode(database.db, [run.regionCode])).get(run.regionCode);
      if (!region) return; // removed after the run was queued
      // Automated tasks go only through channels the host says are available in the customer's region.
      await run.progress(1, describeDispatch(await runDispatch(database.db, clock, region, { channels: host })));
    },
    dispatchRegions,
  );
}
