/**
 * `hall_recordVisitOutcome(contactId, outcome)`: the customer's answer to an offer presented in person, at
 * the hall or on an account manager's visit. The contact is found through the caller's services (a contact
 * of a customer it cannot see is not found), then reported as the plugin.
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
      contactId: { type: 'Int', required: true, description: 'From hall_pendingOffers, or the visit task' },
      outcome: { type: 'VisitOutcome', required: true },
      note: { type: 'String', description: 'What the customer said, kept as the contact detail' },
    },
    async resolve(_root, args, request) {
      const contactId = Number(args.contactId);
      const [contact] = await request.services.contacts.list({ contactId });
      if (!contact || !(CHANNELS as readonly string[]).includes(contact.channel)) throw new PluginInputError(`no hall or account-manager contact ${contactId} that you can see`, { path: 'contactId' });
      const { status, disposition } = OUTCOMES[String(args.outcome)]!;
      const note = args.note == null ? '' : String(args.note).trim().slice(0, 500);
      const reported = await channels.report({ channel: contact.channel, contactId, status, disposition, ...(note ? { detail: `${disposition}: ${note}` } : {}) });
      return { contactId, channel: contact.channel, status: reported!.status };
    },
  };
}
