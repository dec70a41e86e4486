/** `Customer.silentMonths`: how long the customer has been silent, for consoles and agent desktops. */
import type { FieldSpec, FieldParent, PluginContext } from '@weixi/sdk';
import { addMonths, LOOKBACK_MONTHS, monthOf, trailingSilentMonths } from './rule.js';
import type { SilentSettings } from './task.js';

export function silentMonthsField(ctx: PluginContext<SilentSettings>): FieldSpec<FieldParent, number | null> {
  return {
    type: 'Int',
    description: `Complete months in a row, up to ${LOOKBACK_MONTHS}, without an active day (0: active last month)`,
    async resolve(customer) {
      const [view] = await ctx.services.customers.byIds([customer.id]);
      if (!view) return null;
      const current = monthOf((await ctx.services.regions.day(customer.regionCode)).date);
      const usage = await ctx.services.usage.monthly([customer.id], { from: addMonths(current, -LOOKBACK_MONTHS), to: addMonths(current, -1) });
      return trailingSilentMonths(usage, current, view.joinedOn);
    },
  };
}
