import { definePlugin } from '@weixi/sdk';
import { hallSender } from './hall.js';
import { pendingOffersField } from './offers.js';
import { recordVisitOutcomeField } from './outcome.js';
import { ACCOUNT_MANAGER, HALL, type HallSettings } from './settings.js';
import { onTaskCompleted } from './task-closed.js';
import { accountManagerSender } from './visit.js';

/** 营业厅与客户经理: offers waiting at the retail hall, and account-manager visits as retention tasks. */
export default definePlugin<HallSettings>({
  activate(ctx) {
    ctx.subscriptions.push(
      ctx.channels.register(HALL, hallSender()),
      ctx.channels.register(ACCOUNT_MANAGER, accountManagerSender(ctx)),
      ctx.graphql.addRootField('Query', 'pendingOffers', pendingOffersField()),
      ctx.graphql.addRootField('Mutation', 'recordVisitOutcome', recordVisitOutcomeField(ctx.channels)),
      ctx.events.on('task.completed', onTaskCompleted(ctx.channels)),
    );
  },
});
