/**
 * The `call` sender: a contact becomes a call task on the call centre's queue. `sent` means the broker
 * confirmed the task (persisted it); the agent's disposition arrives later on the disposition queue.
 */
import type { ChannelSender, PluginContext } from '@weixi/sdk';
import type { CallCentreLinks } from './links.js';
import type { CallSettings } from './settings.js';
import { callTask, taskMessageId } from './task.js';

/** Confirmed contacts remembered: retries come within the core's backoff, long before this many others. */
const REMEMBERED = 100_000;

export function callSender(ctx: PluginContext<CallSettings>, links: CallCentreLinks): ChannelSender {
  // contactId → its publish (in flight or confirmed): a contact is published at most once by this process.
  const published = new Map<number, Promise<string>>();

  const publish = async (contact: Parameters<ChannelSender['send']>[0], settings: CallSettings): Promise<string> => {
    const [customer] = await ctx.services.customers.byIds([contact.customerId]);
    if (!customer?.msisdn) throw new NoNumber(contact.customerId);
    const messageId = taskMessageId(contact.contactId);
    await links.for(settings)!.publish(callTask(contact, { ...customer, msisdn: customer.msisdn }), messageId);
    return messageId;
  };

  return {
    async send(contact) {
      const settings = await ctx.settings.forRegion(contact.regionCode);
      if (!settings.url) return { status: 'failed', detail: `no call centre broker configured for region ${contact.regionCode} (setting url)` };
      let publishing = published.get(contact.contactId);
      if (!publishing) {
        const started = publish(contact, settings);
        published.set(contact.contactId, (publishing = started));
        started.catch(() => published.get(contact.contactId) === started && published.delete(contact.contactId));
        if (published.size > REMEMBERED) published.delete(published.keys().next().value!);
      }
      try {
        const messageId = await publishing;
        return { status: 'sent', providerRef: messageId, detail: `call task ${messageId} queued on ${settings.taskQueue}` };
      } catch (error) {
        if (error instanceof NoNumber) return { status: 'failed', detail: error.message };
        throw error;
      }
    },
  };
}

class NoNumber extends Error {
  constructor(customerId: number) {
    super(`customer ${customerId} has no number to call`);
  }
}
