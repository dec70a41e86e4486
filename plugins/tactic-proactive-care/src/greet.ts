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
  // Counts only greetings this run created: a rerun finds the earlier ones already there and says so.
  const statuses = new Map<string, number>();
  let created = 0;
  for (let done = 0; done < ids.length; done += BATCH) {
    run.signal.throwIfAborted();
    for (const customer of await ctx.services.customers.byIds(ids.slice(done, done + BATCH))) {
      const birthday = nextBirthday(customer.birthday!, day.date);
      const contact = await ctx.services.contacts.send({
        channel: settings.channel,
        customerId: customer.id,
        message: greetingText(settings.message, customer, birthday),
        idempotencyKey: greetingKey(customer.id, birthday),
      });
      if (!contact.created) continue;
      created++;
      statuses.set(contact.status, (statuses.get(contact.status) ?? 0) + 1);
    }
    await run.progress(Math.min(ids.length, done + BATCH) / ids.length);
  }
  const counts = [...statuses].sort().map(([status, n]) => `${n} ${status}`).join(', ');
  const earlier = ids.length - created;
  await run.progress(1, `${created} birthday greetings on ${day.date} via ${settings.channel}${counts ? `: ${counts}` : ''}${earlier ? ` (${earlier} greeted before)` : ''}`);
}
