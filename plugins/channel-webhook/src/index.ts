import { definePlugin } from '@weixi/sdk';
import { receiptField } from './receipt.js';
import { webhookSender } from './sender.js';
import type { WebhookSettings } from './settings.js';

/** App push and partner systems: the `app` channel as signed webhooks, and `webhook_receipt` for what became of them. */
export default definePlugin<WebhookSettings>({
  activate(ctx) {
    ctx.subscriptions.push(
      ctx.channels.register('app', webhookSender(ctx)),
      ctx.graphql.addRootField('Mutation', 'receipt', receiptField(ctx.channels)),
    );
  },
});
