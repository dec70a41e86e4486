/** `sms_outbox(regionCode, limit, filter)`: what the channel sent (or refused) lately in a region, typed. */
import type { ContactStatus, FieldSpec } from '@weixi/sdk';

/** `Sms_Message` as declared in package.json; the status is the `Sms_Status` enum value's name. */
export interface OutboxEntry {
  contactId: number;
  customerId: number;
  regionCode: string;
  /** The plugin that asked for the message. */
  requestedBy: string;
  message: string;
  status: Uppercase<ContactStatus>;
  detail: string | null;
  at: Date;
}

/** `Sms_OutboxFilter`: GraphQL has checked its shape and enum values before the resolver runs. */
interface OutboxFilter {
  statuses?: Array<Uppercase<ContactStatus>> | null;
  customerId?: number | null;
  since?: Date | null;
}

export function outboxField(): FieldSpec<null, OutboxEntry[]> {
  return {
    type: '[Message!]',
    description: 'The latest SMS of a region (its whole subtree), newest first',
    args: {
      regionCode: { type: 'String', required: true, description: 'A region code' },
      limit: { type: 'Int', description: 'At most this many entries (1 to 500); default 20' },
      filter: { type: 'OutboxFilter', description: 'Only the messages that match' },
    },
    async resolve(_root, args, request) {
      const regionCode = String(args.regionCode);
      const filter = (args.filter ?? {}) as OutboxFilter;
      // The caller's services: a region outside its scope is refused, and only its customers are listed.
      const contacts = await request.services.contacts.list({
        regionCode,
        channel: 'sms',
        limit: args.limit == null ? 20 : Number(args.limit),
        ...(filter.statuses ? { statuses: filter.statuses.map((s) => s.toLowerCase() as ContactStatus) } : {}),
        ...(filter.customerId != null ? { customerId: filter.customerId } : {}),
        ...(filter.since ? { since: filter.since } : {}),
      });
      return contacts.map((c) => ({
        contactId: c.contactId,
        customerId: c.customerId,
        regionCode: c.regionCode,
        requestedBy: c.pluginId,
        message: c.message,
        status: c.status.toUpperCase() as Uppercase<ContactStatus>,
        detail: c.detail,
        at: c.createdAt,
      }));
    },
  };
}
