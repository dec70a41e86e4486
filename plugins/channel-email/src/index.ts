import { definePlugin, disposable } from '@weixi/sdk';
import { emailSender } from './sender.js';
import type { EmailSettings } from './settings.js';
import { smtpTransports } from './transports.js';

/** 邮件渠道: implements the `email` channel over each region's SMTP server. */
export default definePlugin<EmailSettings>({
  activate(ctx) {
    const transports = smtpTransports();
    ctx.subscriptions.push(ctx.channels.register('email', emailSender(ctx, transports)), disposable(() => transports.closeAll()));
  },
});
