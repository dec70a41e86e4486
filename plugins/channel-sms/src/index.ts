import { definePlugin } from '@weixi/sdk';
import type { SmsSettings } from './limit.js';
import { outboxField } from './schema.js';
import { smsSender } from './sender.js';

/** 短信渠道: implements the `sms` channel and the `sms_outbox` query. */
export default definePlugin<SmsSettings>({
  activate(ctx) {
    ctx.subscriptions.push(ctx.channels.register('sms', smsSender(ctx)), ctx.graphql.addRootField('Query', 'outbox', outboxField()));
  },
});
