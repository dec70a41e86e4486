/**
 * The frequency limit (频次管控) of the channel: a customer receives at most `dailyLimitPerCustomer`
 * messages on it per calendar day of their region. Counted from the recorded contacts, so every plugin's
 * messages count, whichever tactic sent them.
 */
import type { PluginServices } from '@weixi/sdk';

export interface SmsSettings {
  senderId: string;
  dailyLimitPerCustomer: number;
}

/** Why this contact would exceed the day's limit, or undefined when it may go out. */
export async function dailyLimitProblem(
  services: PluginServices,
  contact: { contactId: number; customerId: number; regionCode: string },
  limit: number,
): Promise<string | undefined> {
  const day = await services.regions.day(contact.regionCode);
  const today = await services.contacts.list({ customerId: contact.customerId, channel: 'sms', statuses: ['sent', 'delivered'], since: day.start, limit: limit + 1 });
  const earlier = today.filter((c) => c.contactId !== contact.contactId).length;
  if (earlier < limit) return undefined;
  return `daily limit reached: customer ${contact.customerId} already received ${earlier} SMS on ${day.date} (${day.timeZone}); dailyLimitPerCustomer is ${limit}`;
}
