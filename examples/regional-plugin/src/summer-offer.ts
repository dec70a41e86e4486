/**
 * The `summer-offer` job, daily per enabled city: inside the window, every active campus customer of the
 * city gets the offer once this year (a rerun, a retry or the next day sends nothing twice; a student who
 * joins during the window is reached the next morning). Outside the window it sends nothing.
 */
import type { JobRun, PluginContext } from '@weixi/sdk';
import { CAMPUS_CUSTOMERS, inWindow, offerKey, offerText, type CampusSummerSettings } from './offer.js';

const BATCH = 500;

export async function offerSummerPack(ctx: PluginContext<CampusSummerSettings>, run: JobRun): Promise<void> {
  const settings = await ctx.settings.forRegion(run.regionCode);
  const { date } = await ctx.services.regions.day(run.regionCode, run.scheduledFor);
  if (!inWindow(date, settings)) {
    await run.progress(1, `${date} is outside the offer window ${settings.offerFrom}..${settings.offerUntil}`);
    return;
  }
  let reached = 0;
  for (let afterId = 0; ; ) {
    run.signal.throwIfAborted();
    const ids = await ctx.services.segments.matching(run.regionCode, CAMPUS_CUSTOMERS, { asOf: run.scheduledFor, afterId, limit: BATCH });
    if (ids.length === 0) break;
    afterId = ids.at(-1)!;
    for (const customer of await ctx.services.customers.byIds(ids)) {
      await ctx.services.contacts.send({
        channel: settings.channel,
        customerId: customer.id,
        message: offerText(settings, customer),
        idempotencyKey: offerKey(customer.id, date.slice(0, 4)),
      });
    }
    reached += ids.length;
  }
  await run.progress(1, `${reached} campus customers on ${date} have the summer offer via ${settings.channel}`);
}
