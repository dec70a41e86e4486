/**
 * `hall_pendingOffers(customerId | msisdn, regionCode?)`: what the hall system shows when a customer walks
 * in: their hall offers not yet answered (`sent`), newest first. Read through the caller's services, so a
 * hall of one region never sees another region's customers.
 */
import { PluginInputError, type FieldRequest, type FieldSpec } from '@weixi/sdk';
import { HALL } from './settings.js';

/** `Hall_Offer` as declared in package.json. */
export interface Offer {
  contactId: number;
  customerId: number;
  regionCode: string;
  message: string;
  purpose: string;
  requestedBy: string;
  offeredAt: Date;
  /** The retention task the offer serves, if the tactic named one. */
  taskId: number | null;
}

/** The customer a hall names: by id, or by number among the caller's customers (null: none it can see). */
async function customerOf(args: Record<string, unknown>, request: FieldRequest): Promise<number | null> {
  if ((args.customerId == null) === (args.msisdn == null)) throw new PluginInputError('name the customer by customerId or by msisdn', { path: 'customerId' });
  if (args.customerId != null) return Number(args.customerId);
  const msisdn = String(args.msisdn);
  return (await request.services.customers.idsByMsisdn([msisdn])).get(msisdn) ?? null;
}

export function pendingOffersField(): FieldSpec<null, Offer[]> {
  return {
    type: '[Offer!]',
    description: "A customer's hall offers not yet answered, newest first",
    args: {
      customerId: { type: 'Int', description: "The customer's id" },
      msisdn: { type: 'String', description: "Or the customer's number" },
      regionCode: { type: 'String', description: "The hall's region, optional: only customers in its subtree" },
    },
    async resolve(_root, args, request) {
      const customerId = await customerOf(args, request);
      if (customerId === null) return [];
      const offers = await request.services.contacts.list({
        customerId,
        channel: HALL,
        statuses: ['sent'],
        limit: 100,
        ...(args.regionCode != null ? { regionCode: String(args.regionCode) } : {}),
      });
      return offers.map((c) => ({
        contactId: c.contactId,
        customerId: c.customerId,
        regionCode: c.regionCode,
        message: c.message,
        purpose: c.purpose,
        requestedBy: c.pluginId,
        offeredAt: c.createdAt,
        taskId: c.taskId,
      }));
    },
  };
}
