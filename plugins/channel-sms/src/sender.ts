/**
 * The sms sender. This proof plugin has no gateway: a message that passes the daily limit is recorded as
 * `sent`, with the sender id and the masked number in its detail, and the contacts table is the outbox.
 */
import type { ChannelSender, PluginContext } from '@weixi/sdk';
import { dailyLimitProblem, type SmsSettings } from './limit.js';

/** 138****0001: enough for an agent to recognise the number, not enough to copy it. */
export function maskMsisdn(msisdn: string): string {
  return msisdn.length < 8 ? '****' : `${msisdn.slice(0, 3)}****${msisdn.slice(-4)}`;
}

export function smsSender(ctx: PluginContext<SmsSettings>): ChannelSender {
  return {
    async send(contact) {
      const settings = await ctx.settings.forRegion(contact.regionCode);
      const problem = await dailyLimitProblem(ctx.services, contact, settings.dailyLimitPerCustomer);
      if (problem) return { status: 'failed', detail: problem };
      const [customer] = await ctx.services.customers.byIds([contact.customerId]);
      if (!customer?.msisdn) return { status: 'failed', detail: `customer ${contact.customerId} has no number` };
      return { status: 'sent', detail: `from ${settings.senderId} to ${maskMsisdn(customer.msisdn)}` };
    },
  };
}
