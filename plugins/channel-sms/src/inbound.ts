/**
 * What an SMSC delivers to us (deliver_sm): a delivery receipt (回执, esm_class bit 0x04) for a message we
 * submitted, or a customer's own message (上行短信), of which we act on unsubscribe replies only.
 */
import type { PDU } from 'smpp';
import type { DeliveryStatus } from '@weixi/sdk';

export interface Receipt {
  /** The message_id of the part it is about (receipted_message_id, else the text's `id:`). */
  messageId: string;
  /** The receipt's `stat:` word: DELIVRD, UNDELIV, EXPIRED, DELETED, UNKNOWN, REJECTD, ACCEPTD, ENROUTE. */
  stat: string;
  /** The `err:` code, when the text has one. */
  err: string | undefined;
}

const RECEIPT = 0x04;

/** Final receipt states and what they mean for the contact; ACCEPTD and ENROUTE are not final and change nothing. */
export const RECEIPT_STATUS: Readonly<Record<string, DeliveryStatus>> = {
  DELIVRD: 'delivered',
  UNDELIV: 'failed',
  EXPIRED: 'failed',
  DELETED: 'failed',
  UNKNOWN: 'failed',
  REJECTD: 'rejected',
};

/** message_state TLV values (SMPP 3.4 §5.2.28), for receipts without a `stat:` in their text. */
const MESSAGE_STATES: Record<number, string> = { 1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD' };

export const isReceipt = (pdu: PDU) => (Number(pdu.esm_class) & 0x3c) === RECEIPT;

/** The receipt a deliver_sm carries; undefined when it names no message or no state. */
export function parseReceipt(pdu: PDU): Receipt | undefined {
  const text = textOf(pdu);
  const messageId = stringTlv(pdu.receipted_message_id) ?? /\bid:(\S+)/i.exec(text)?.[1];
  const stat = /\bstat:(\w+)/i.exec(text)?.[1]?.toUpperCase() ?? MESSAGE_STATES[Number(pdu.message_state)];
  if (!messageId || !stat) return undefined;
  return { messageId, stat, err: /\berr:(\w+)/i.exec(text)?.[1] };
}

/** Replies that withdraw marketing consent, as the MIIT asks every marketing SMS to accept (回复TD退订). */
const UNSUBSCRIBE = new Set(['退订', 'td', 't', 'unsubscribe']);

export const isUnsubscribe = (pdu: PDU) => UNSUBSCRIBE.has(textOf(pdu).trim().toLowerCase());

/**
 * The sender's number as customers are stored: digits only, without the +86 / 86 country code.
 * An SMSC may send `8613800000001` or `+8613800000001` for `13800000001`.
 */
export function nationalNumber(sourceAddr: string): string {
  const digits = sourceAddr.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

/** The short_message (or message_payload) text, as smpp decoded it by data_coding. */
export function textOf(pdu: PDU): string {
  const body: unknown = pdu.message_payload ?? pdu.short_message;
  const message = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : body;
  return typeof message === 'string' ? message : Buffer.isBuffer(message) ? message.toString('latin1') : '';
}

const stringTlv = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
