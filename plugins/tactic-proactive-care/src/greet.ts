/**
 * The `birthday-greetings` job: today's birthdays in the region (or those within `daysAhead`), each greeted
 * once through the configured channel. The core suppresses customers who withdrew consent for it.
 */
import type { JobRun, PluginContext } from '@weixi/sdk';
import { nextBirthday } from './birthday.js';
import { greetingKey, greetingText, type CareSettings } from './greeting.js';

const BATCH = 200;

export async function greetBirthdays(ctx: PluginContext<CareSettings>, run: JobRun): Promise<void> {
  const settings = await ctx.settings.forRegion(run.regionCode);
  const day = await ctx.services.regions.day(run.regionCode, run.scheduledFor);
  const ids = await ctx.services.customers.withBirthdayWithin(run.regionCode, settings.daysAhead, { asOf: run.scheduledFor });
  const statuses = new Map<string, number>();
  for (let done = 0; done < ids.length; done += BATCH) {
    run.signal.throwIfAborted();
    for (const customer of await ctx.services.customers.byIds(ids.slice(done, done + BATCH))) {
      const birthday = nextBirthday(customer.birthday!, day.date);
      const { status } = await ctx.services.contacts.send({
        channel: settings.channel,
        customerId: customer.id,
        message: greetingText(settings.message, customer, birthday),
        idempotencyKey: greetingKey(customer.id, birthday),
      });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    await run.progress(Math.min(ids.length, done + BATCH) / ids.length);
  }
  const counts = [...statuses].sort().map(([status, n]) => `${n} ${status}`).join(', ');
  await run.progress(1, `${ids.length} birthday greetings on ${day.date} via ${settings.channel}${counts ? `: ${counts}` : ''}`);
}
