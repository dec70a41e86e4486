/**
 * The `listen` job: opens the region's broker link, so dispositions are consumed after a restart even before
 * this process sends a call. It never fails on an unreachable broker (the link keeps retrying on its own and
 * logs it); it reports in its progress message whether the link is up.
 */
import type { JobRun, PluginContext } from '@weixi/sdk';
import type { CallCentreLinks } from './links.js';
import type { CallSettings } from './settings.js';

export function listenJob(ctx: PluginContext<CallSettings>, links: CallCentreLinks): (run: JobRun) => Promise<void> {
  return async (run) => {
    const link = links.for(await ctx.settings.forRegion(run.regionCode));
    if (!link) return run.progress(1, 'no call centre broker configured (setting url)');
    await link.open();
    await run.progress(1, link.connected ? `listening on ${link.broker}` : `${link.broker} unreachable; retrying`);
  };
}
