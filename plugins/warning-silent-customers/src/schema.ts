/**
 * `Customer.silentMonths` and `Customer.silence`: how long the customer has been silent, and the evidence
 * (the months looked at) as the declared `Silence` type, for consoles and agent desktops.
 */
import type { FieldParent, FieldSpec, PluginContext } from '@weixi/sdk';
import { addMonths, LOOKBACK_MONTHS, monthOf, trailingSilentMonths } from './rule.js';
import type { SilentSettings } from './rule.js';

/** `WarningSilentCustomers_Silence` as declared in package.json. */
export interface Silence {
  months: number;
  warned: boolean;
  evidence: Array<{ month: string; activeDays: number }>;
}

async function silenceOf(ctx: PluginContext<SilentSettings>, customer: FieldParent): Promise<Silence | null> {
  const [view] = await ctx.services.customers.byIds([customer.id]);
  if (!view) return null;
  const current = monthOf((await ctx.services.regions.day(customer.regionCode)).date);
  const usage = await ctx.services.usage.monthly([customer.id], { from: addMonths(current, -LOOKBACK_MONTHS), to: addMonths(current, -1) });
  const months = trailingSilentMonths(usage, current, view.joinedOn);
  const { silentMonths } = await ctx.settings.forRegion(customer.regionCode);
  const evidence = Array.from({ length: LOOKBACK_MONTHS }, (_, i) => addMonths(current, -1 - i))
    .filter((month) => month > monthOf(view.joinedOn))
    .map((month) => ({ month, activeDays: usage.find((u) => u.month === month)?.activeDays ?? 0 }));
  return { months, warned: months >= silentMonths, evidence };
}

export function silentMonthsField(ctx: PluginContext<SilentSettings>): FieldSpec<FieldParent, number | null> {
  return {
    type: 'Int',
    description: `Complete months in a row, up to ${LOOKBACK_MONTHS}, without an active day (0: active last month)`,
    resolve: async (customer) => (await silenceOf(ctx, customer))?.months ?? null,
  };
}

export function silenceField(ctx: PluginContext<SilentSettings>): FieldSpec<FieldParent, Silence | null> {
  return {
    type: 'Silence',
    description: "The silent-customer warning's evidence: the months looked at, their active days, and whether the rule fires",
    resolve: (customer) => silenceOf(ctx, customer),
  };
}
