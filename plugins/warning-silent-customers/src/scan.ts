/**
 * The daily `scan` job: finds the region's silent customers (one set-based query) and opens a task for
 * each. Tasks are keyed per customer and month, so a rerun, a retry or a run that died halfway opens
 * only the tasks still missing.
 */
import type { JobRun, PluginContext } from '@weixi/sdk';
import { activeLastMonth, addMonths, monthOf, silentCondition } from './rule.js';
import { silentTask, type SilentSettings } from './task.js';

const BATCH = 100;

export async function scanRegion(ctx: PluginContext<SilentSettings>, run: JobRun): Promise<void> {
  const settings = await ctx.settings.forRegion(run.regionCode);
  const day = await ctx.services.regions.day(run.regionCode, run.scheduledFor);
  const asOf = { asOf: run.scheduledFor };
  const lastMonth = addMonths(monthOf(day.date), -1);
  if ((await ctx.services.segments.count(run.regionCode, activeLastMonth, asOf)) === 0) {
    await run.progress(1, `no usage recorded for ${lastMonth} in ${run.regionCode} yet; nothing scanned`);
    return;
  }
  const silent = await ctx.services.segments.matching(run.regionCode, silentCondition(settings.silentMonths, day.date), asOf);
  let opened = 0;
  for (let done = 0; done < silent.length; ) {
    run.signal.throwIfAborted();
    for (const customerId of silent.slice(done, done + BATCH)) {
      const { created } = await ctx.services.tasks.create(silentTask(customerId, day, settings));
      if (created) opened++;
    }
    done = Math.min(silent.length, done + BATCH);
    await run.progress(done / silent.length, `${done} of ${silent.length} silent customers checked, ${opened} tasks opened`);
  }
  const summary = `${silent.length} customers silent for ${settings.silentMonths} month(s) through ${lastMonth}; ${opened} tasks opened, ${silent.length - opened} already had one this month`;
  await run.progress(1, summary);
  ctx.logger.info('silent customers scanned', { region: run.regionCode, silent: silent.length, opened });
}
