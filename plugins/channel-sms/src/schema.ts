/** `sms_outbox(regionCode, limit)`: what the channel sent (or refused) lately in a region. */
import type { FieldSpec } from '@weixi/sdk';

export interface OutboxEntry {
  contactId: number;
  customerId: number;
  regionCode: string;
  /** The plugin that asked for the message. */
  requestedBy: string;
  message: string;
  status: string;
  detail: string | null;
  at: string;
}

export function outboxField(): FieldSpec<null, OutboxEntry[]> {
  return {
    type: '[JSON]',
    description: 'The latest SMS of a region (its whole subtree), newest first: { contactId, customerId, regionCode, requestedBy, message, status, detail, at }',
    args: {
      regionCode: { type: 'String', required: true, description: 'A region code' },
      limit: { type: 'Int', description: 'At most this many entries (1 to 500); default 20' },
    },
    async resolve(_root, args, request) {
      const regionCode = String(args.regionCode);
      // The caller's services: a region outside its scope is refused, and only its customers are listed.
      const contacts = await request.services.contacts.list({ regionCode, channel: 'sms', limit: args.limit == null ? 20 : Number(args.limit) });
      return contacts.map((c) => ({
        contactId: c.contactId,
        customerId: c.customerId,
        regionCode: c.regionCode,
        requestedBy: c.pluginId,
        message: c.message,
        status: c.status,
        detail: c.detail,
        at: c.createdAt.toISOString(),
      }));
    },
  };
}
