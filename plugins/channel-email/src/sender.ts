/** The `email` channel's sender: one email per contact, to the customer's address, over the region's SMTP server. */
import type { ChannelSender, PluginContext } from '@weixi/sdk';
import { composeEmail, senderAddress } from './message.js';
import { acceptedOutcome, refusedOutcome } from './outcome.js';
import type { EmailSettings } from './settings.js';
import type { SmtpTransports } from './transports.js';

export function emailSender(ctx: PluginContext<EmailSettings>, transports: SmtpTransports): ChannelSender {
  return {
    async send(contact) {
      const settings = await ctx.settings.forRegion(contact.regionCode);
      if (!settings.host) return { status: 'failed', detail: `email is not configured for region ${contact.regionCode} (no SMTP host)` };
      const sender = senderAddress(settings.from);
      if (!sender) return { status: 'failed', detail: `email sender for region ${contact.regionCode} has no address: from is ${JSON.stringify(settings.from)}` };
      const [customer] = await ctx.services.customers.byIds([contact.customerId]);
      if (!customer?.email) return { status: 'failed', detail: `customer ${contact.customerId} has no email address` };

      const email = composeEmail(contact, customer.email, sender, settings);
      try {
        const info = await transports.for(settings).sendMail(email);
        return acceptedOutcome(info, email.messageId!);
      } catch (error) {
        const refused = refusedOutcome(error);
        if (refused) return refused;
        throw error;
      }
    },
  };
}
