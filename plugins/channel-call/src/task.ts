/** The call task the call centre receives: one JSON message per contact, on the task queue. */
import type { CustomerView, OutgoingContact } from '@weixi/sdk';

export interface CallTask {
  contactId: number;
  customerId: number;
  regionCode: string;
  msisdn: string;
  name: string | null;
  taskId: number | null;
  purpose: OutgoingContact['purpose'];
  language: string;
  /** What the agent says: the contact's message, variables filled in. */
  script: string;
  requestedBy: string;
}

/** The AMQP message id of a contact's task: stable across retries, so the call centre drops duplicates by it. */
export const taskMessageId = (contactId: number) => `contact-${contactId}`;

export function callTask(contact: OutgoingContact, customer: CustomerView & { msisdn: string }): CallTask {
  return {
    contactId: contact.contactId,
    customerId: contact.customerId,
    regionCode: contact.regionCode,
    msisdn: customer.msisdn,
    name: customer.name ?? null,
    taskId: contact.taskId,
    purpose: contact.purpose,
    language: contact.language,
    script: contact.message,
    requestedBy: contact.requestedBy,
  };
}
