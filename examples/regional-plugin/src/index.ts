import { definePlugin } from '@weixi/sdk';
import type { CampusSummerSettings } from './offer.js';
import { offerWindowField } from './schema.js';
import { offerSummerPack } from './summer-offer.js';

/** 校园暑期维系: the daily `summer-offer` job and the `offerWindow` query. */
export default definePlugin<CampusSummerSettings>({
  activate(ctx) {
    ctx.subscriptions.push(
      ctx.jobs.handle('summer-offer', (run) => offerSummerPack(ctx, run)),
      ctx.graphql.addRootField('Query', 'offerWindow', offerWindowField(ctx)),
    );
  },
});
