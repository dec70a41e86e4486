/** The email a contact becomes: sender, subject, text and the headers that identify it. */
import addressparser from 'nodemailer/lib/addressparser';
import type { SendMailOptions } from 'nodemailer';
import type { OutgoingContact } from '@weixi/sdk';
import type { EmailSettings } from './settings.js';

/** The sender's address out of `from` (`中国移动江苏 <care@js.example.cn>`), or null when it has none. */
export function senderAddress(from: string): string | null {
  const [first] = addressparser(from, { flatten: true });
  return first && /^[^\s@]+@[^\s@]+$/.test(first.address) ? first.address : null;
}

/**
 * Derived from the contact id alone (or a KPI report's id), so a retry of the same contact carries the same
 * Message-ID and the receiving side can recognise a duplicate; it is also the contact's `providerRef`.
 */
export function messageIdOf(contactId: number, sender: string, kind: 'contact' | 'kpi-report' = 'contact'): string {
  return `<weixi-${kind}-${contactId}@${sender.slice(sender.lastIndexOf('@') + 1)}>`;
}

/** RFC 2369 List-Unsubscribe for marketing: the configured address with `{contactId}`, else a mail to the sender. */
export function unsubscribeHeaders(contactId: number, sender: string, unsubscribeUrl: string): Record<string, string> {
  if (!unsubscribeUrl) return { 'List-Unsubscribe': `<mailto:${sender}?subject=unsubscribe%20${contactId}>` };
  const target = unsubscribeUrl.replaceAll('{contactId}', String(contactId));
  // RFC 8058 one-click (a POST to the https address), which large mailbox providers ask bulk senders for.
  return target.startsWith('https://') ? { 'List-Unsubscribe': `<${target}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : { 'List-Unsubscribe': `<${target}>` };
}

export function composeEmail(contact: OutgoingContact, to: string, sender: string, settings: EmailSettings): SendMailOptions {
  return {
    from: settings.from,
    to,
    ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
    subject: contact.subject ?? settings.subjectDefault,
    text: contact.message,
    messageId: messageIdOf(contact.contactId, sender),
    headers: {
      'X-Weixi-Contact': String(contact.contactId),
      ...(contact.purpose === 'marketing' ? unsubscribeHeaders(contact.contactId, sender, settings.unsubscribeUrl) : {}),
    },
  };
}
