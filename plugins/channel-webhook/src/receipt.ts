/**
 * `webhook_receipt(contactId, status)`: a receiver reports what became of a contact (the push reached the
 * device, or the app is gone), by the `contactId` of the body it was sent. The caller must see the customer:
 * the contact is looked up through the caller's own services, so a key of one region cannot move another
 * region's contacts.
 */
import { PluginInputError, type FieldSpec, type PluginChannels } from '@weixi/sdk';
import { excerpt } from './answer.js';

export interface ReceiptResult {
  contactId: number;
  status: string;
}

const STATUS = { DELIVERED: 'delivered', FAILED: 'failed' } as const;

export function receiptField(channels: PluginChannels): FieldSpec<null, ReceiptResult> {
  return {
    type: 'Receipt',
    description: 'Records what became of a contact of the app channel at its receiver',
    args: {
      contactId: { type: 'Int', required: true, description: 'The `contactId` of the webhook body' },
      status: { type: 'ReceiptStatus', required: true },
      code: { type: 'String', description: "The receiver's own code (kept as the provider code)" },
      detail: { type: 'String', description: 'Why, for a failure' },
    },
    async resolve(_root, args, request) {
      const contactId = Number(args.contactId);
      const [sent] = await request.services.contacts.list({ contactId, channel: 'app' });
      if (!sent) throw new PluginInputError(`no app contact ${contactId} that you can see`, { path: 'contactId' });
      const reported = await channels.report({
        channel: 'app',
        contactId,
        status: STATUS[args.status as keyof typeof STATUS],
        ...(args.code != null ? { providerCode: excerpt(String(args.code)) } : {}),
        ...(args.detail != null ? { detail: excerpt(String(args.detail)) } : {}),
      });
      // The contact was just listed, so the report found it.
      return { contactId, status: reported!.status };
    },
  };
}
