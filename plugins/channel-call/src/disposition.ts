/**
 * An agent's disposition as the call centre publishes it, and the delivery status it means for the contact.
 * Reaching the customer (whatever they answered) is `delivered`; not reaching them is `failed`, so the
 * contact falls back to the sender's next channel; a wrong number is `rejected` (the number is bad).
 */
import type { DeliveryStatus } from '@weixi/sdk';

export const DISPOSITION_STATUS = {
  accepted: 'delivered',
  declined: 'delivered',
  callback: 'delivered',
  do_not_call: 'delivered',
  no_answer: 'failed',
  busy: 'failed',
  wrong_number: 'rejected',
} as const satisfies Record<string, DeliveryStatus>;

export type DispositionCode = keyof typeof DISPOSITION_STATUS;

export interface Disposition {
  /** Which contact: its id, or the task's message id (`contact-<id>`). */
  contactId?: number;
  messageId?: string;
  /** Echoed from the task; needed for `do_not_call` (one of the two). */
  customerId?: number;
  msisdn?: string;
  disposition: DispositionCode;
  agentId?: string;
  note?: string;
  at?: Date;
}

const isCode = (value: unknown): value is DispositionCode => typeof value === 'string' && Object.hasOwn(DISPOSITION_STATUS, value);
const positiveInt = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/** Parses a disposition message body; a problem names what is wrong (the message is then dropped). */
export function parseDisposition(body: Buffer): { disposition: Disposition } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { problem: `not JSON: ${(error as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problem: 'not a JSON object' };
  const m = raw as Record<string, unknown>;
  if (m.contactId !== undefined && !positiveInt(m.contactId)) return { problem: 'contactId must be a positive integer' };
  if (m.messageId !== undefined && (typeof m.messageId !== 'string' || m.messageId === '')) return { problem: 'messageId must be a non-empty string' };
  if (m.contactId === undefined && m.messageId === undefined) return { problem: 'names no contact (contactId or messageId)' };
  if (!isCode(m.disposition)) return { problem: `disposition must be one of ${Object.keys(DISPOSITION_STATUS).join(', ')}, got ${JSON.stringify(m.disposition)}` };
  if (m.customerId !== undefined && !positiveInt(m.customerId)) return { problem: 'customerId must be a positive integer' };
  if (m.msisdn !== undefined && typeof m.msisdn !== 'string') return { problem: 'msisdn must be a string' };
  if (m.agentId !== undefined && typeof m.agentId !== 'string' && typeof m.agentId !== 'number') return { problem: 'agentId must be a string or a number' };
  if (m.note !== undefined && typeof m.note !== 'string') return { problem: 'note must be a string' };
  const at = m.at === undefined ? undefined : new Date(typeof m.at === 'string' ? m.at : Number.NaN);
  if (at && Number.isNaN(at.getTime())) return { problem: 'at must be an ISO 8601 timestamp' };
  return {
    disposition: {
      ...(m.contactId !== undefined ? { contactId: m.contactId as number } : {}),
      ...(m.messageId !== undefined ? { messageId: m.messageId as string } : {}),
      ...(m.customerId !== undefined ? { customerId: m.customerId as number } : {}),
      ...(m.msisdn !== undefined ? { msisdn: m.msisdn as string } : {}),
      disposition: m.disposition,
      ...(m.agentId !== undefined ? { agentId: String(m.agentId) } : {}),
      ...(m.note !== undefined ? { note: m.note as string } : {}),
      ...(at ? { at } : {}),
    },
  };
}

/** `callback by agent A07: after 18:00`: what the contact's detail shows. */
export function dispositionDetail(d: Disposition): string {
  return `${d.disposition}${d.agentId ? ` by agent ${d.agentId}` : ''}${d.note ? `: ${d.note}` : ''}`;
}
