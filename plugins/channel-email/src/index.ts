import { definePlugin, disposable } from '@weixi/sdk';
import { reportMailer } from './kpi-report.js';
import { emailSender } from './sender.js';
import type { EmailSettings } from './settings.js';
import { smtpTransports } from './transports.js';

/** 邮件渠道: implements the `email` channel over each region's SMTP server, and mails the daily KPI report to staff. */
export default definePlugin<EmailSettings>({
  activate(ctx) {
    const transports = smtpTransports();
    ctx.subscriptions.push(
      ctx.channels.register('email', emailSender(ctx, transports)),
      ctx.events.on('kpi.report.ready', reportMailer(ctx, transports)),
      disposable(() => transports.closeAll()),
    );
  },
});
