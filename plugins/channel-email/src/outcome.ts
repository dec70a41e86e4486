/**
 * What an SMTP answer means for a contact. Accepted: `sent` (SMTP has no delivery receipt on this path).
 * A permanent rejection of the message or its recipient (5xx but 503): `rejected`, so the next channel is
 * tried. Anything else (connection refused, timeout, 4xx, a failed login) is thrown: the outbox retries it.
 */
import type { NodemailerError, SMTPPoolSentMessageInfo } from 'nodemailer';
import type { SendOutcome } from '@weixi/sdk';

export function acceptedOutcome(info: SMTPPoolSentMessageInfo, messageId: string): SendOutcome {
  return { status: 'sent', providerRef: messageId, providerCode: replyCode(info.response) ?? '250', detail: info.response };
}

/** The outcome of a refused send, or undefined when it should be retried. */
export function refusedOutcome(error: unknown): SendOutcome | undefined {
  const e = error as NodemailerError;
  // A 535 on AUTH is our configuration, not this message: retried (and visible) until someone fixes it.
  const aboutTheMessage = e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  if (!aboutTheMessage || e.permanent !== true || e.responseCode === undefined) return undefined;
  return { status: 'rejected', providerCode: String(e.responseCode), detail: e.response ?? e.message };
}

const replyCode = (response: string | undefined) => /^\d{3}/.exec(response ?? '')?.[0];
