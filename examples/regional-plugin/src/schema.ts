/** `offerWindow(regionCode)`: this year's window in the region, whether it is open today, and its reach. */
import type { FieldSpec, PluginContext } from '@weixi/sdk';
import { CAMPUS_CUSTOMERS, inWindow, type CampusSummerSettings } from './offer.js';

export interface OfferWindow {
  from: string;
  until: string;
  open: boolean;
  /** Active campus customers of the region the caller sees. */
  campusCustomers: number;
}

export function offerWindowField(ctx: PluginContext<CampusSummerSettings>): FieldSpec<null, OfferWindow> {
  return {
    type: 'JSON',
    description: "This year's offer window in the region (the city's dates), whether it is open today, and how many campus customers it reaches",
    args: { regionCode: { type: 'String', required: true, description: 'A city or province code' } },
    async resolve(_root, args, request) {
      const regionCode = String(args.regionCode);
      // The caller's services: a region outside its scope is FORBIDDEN, and only its customers count.
      const { date } = await request.services.regions.day(regionCode);
      const settings = await ctx.settings.forRegion(regionCode);
      const year = date.slice(0, 4);
      return {
        from: `${year}-${settings.offerFrom}`,
        until: `${year}-${settings.offerUntil}`,
        open: inWindow(date, settings),
        campusCustomers: await request.services.segments.count(regionCode, CAMPUS_CUSTOMERS),
      };
    },
  };
}
