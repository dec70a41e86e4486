import { refreshTiers, DEFAULT_TIER_THRESHOLDS } from '@weixi/core';
import type { WeixiBuilder } from '../builder.js';

/** Value tiers are materialised on customers; this mutation re-ranks them after new usage arrives. */
export function registerTiers(builder: WeixiBuilder): void {
  const d = DEFAULT_TIER_THRESHOLDS;
  const Thresholds = builder.inputType('TierThresholdsInput', {
    description: 'Cumulative shares of a province\'s customers, top tier first (0 < diamond ≤ gold ≤ silver ≤ midHigh ≤ 1).',
    fields: (t) => ({
      diamond: t.float({ required: true, defaultValue: d.diamond }),
      gold: t.float({ required: true, defaultValue: d.gold }),
      silver: t.float({ required: true, defaultValue: d.silver }),
      midHigh: t.float({ required: true, defaultValue: d.midHigh }),
    }),
  });
  const Payload = builder.objectRef<{ updated: number }>('RefreshTiersPayload').implement({
    fields: (t) => ({ updated: t.exposeInt('updated', { description: 'Customers whose tier or rank changed.' }) }),
  });
  builder.mutationField('refreshTiers', (t) =>
    t.field({
      type: Payload,
      description: `Re-ranks every customer by revenue of the last 3 complete months within their province, in one statement. Default thresholds: top ${d.diamond * 100}% diamond, ${d.gold * 100}% gold, ${d.silver * 100}% silver, ${d.midHigh * 100}% mid-high.`,
      args: { thresholds: t.arg({ type: Thresholds }) },
      resolve: (_root, args, ctx) => refreshTiers(ctx.database.db, { now: ctx.clock.now(), thresholds: args.thresholds ?? undefined }),
    }),
  );
}
