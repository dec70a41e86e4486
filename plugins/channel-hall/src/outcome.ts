/**
 * `hall_recordVisitOutcome(customerId, contactId, outcome)`: the customer's answer to an offer presented in
 * person, at the hall or on an account manager's visit. The contact is found through the caller's services
 * (a customer it cannot see has no contacts), then reported as the plugin.
 */
import { PluginInputError, type DeliveryStatus, type FieldSpec, type PluginChannels } from '@weixi/sdk';
import { CHANNELS } from './settings.js';

export interface VisitResult {
  contactId: number;
  channel: string;
  status: string;
}

const OUTCOMES: Record<string, { status: DeliveryStatus; disposition: string }> = {
  ACCEPTED: { status: 'delivered', disposition: 'accepted' },
  DECLINED: { status: 'delivered', disposition: 'declined' },
  NOT_PRESENTED: { status: 'failed', disposition: 'not_presented' },
};

export function recordVisitOutcomeField(channels: PluginChannels): FieldSpec<null, VisitResult> {
  return {
    type: 'VisitResult',
    description: 'Records what the customer said to an offer presented at the hall or on a visit',
    args: {
      customerId: { type: 'Int', required: true },
      contactId: { type: 'Int', required: true, description: 'From hall_pendingOffers, or the visit task' },
      outcome: { type: 'VisitOutcome', required: true },
      note: { type: 'String', description: 'What the customer said, kept as the contact detail' },
    },
    async resolve(_root, args, request) {
      const customerId = Number(args.customerId);
      const contactId = Number(args.contactId);
      const lists = await Promise.all(CHANNELS.map((channel) => request.services.contacts.list({ customerId, channel, limit: 500 })));
      const contact = lists.flat().find((c) => c.contactId === contactId);
      if (!contact) throw new PluginInputError(`no hall or account-manager contact ${contactId} of customer ${customerId} that you can see`, { path: 'contactId' });
      const { status, disposition } = OUTCOMES[String(args.outcome)]!;
      const note = args.note == null ? '' : String(args.note).trim().slice(0, 500);
      const reported = await channels.report({ channel: contact.channel, contactId, status, disposition, ...(note ? { detail: `${disposition}: ${note}` } : {}) });
      return { contactId, channel: contact.channel, status: reported!.status };
    },
  };
}
