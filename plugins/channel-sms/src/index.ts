import { definePlugin, disposable } from '@weixi/sdk';
import { receiver } from './receiver.js';
import { outboxField } from './schema.js';
import { smsSender } from './sender.js';
import type { SmsSettings } from './settings.js';
import { Smsc, accountKey } from './smsc.js';
import { Submissions } from './submissions.js';

/** 短信渠道: implements the `sms` channel over SMPP 3.4, its receipts and TD replies, and the `sms_outbox` query. */
export default definePlugin<SmsSettings>({
  activate(ctx) {
    // one session per SMSC account, whichever regions share it; unbound when the plugin stops
    const smscs = new Map<string, Smsc>();
    const submissions = new Submissions();
    const inbound = receiver(ctx, submissions);
    const smscFor = (settings: SmsSettings) => {
      const key = accountKey(settings);
      let smsc = smscs.get(key);
      if (!smsc) smscs.set(key, (smsc = new Smsc(inbound, ctx.logger)));
      return smsc;
    };
    ctx.subscriptions.push(
      ctx.channels.register('sms', smsSender(ctx, smscFor, submissions)),
      ctx.graphql.addRootField('Query', 'outbox', outboxField()),
      disposable(async () => {
        await Promise.all([...smscs.values()].map((smsc) => smsc.close()));
        smscs.clear();
      }),
    );
  },
});
