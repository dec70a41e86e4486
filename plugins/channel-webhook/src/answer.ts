/**
 * What a receiver's HTTP answer means for the contact. 2xx: accepted. 408, 429 and 5xx say "later": the
 * sender throws and the core retries with backoff. Any other answer is final: the receiver refused this
 * contact, and retrying would get the same answer.
 */
import type { SendOutcome } from '@weixi/sdk';

const EXCERPT = 200;

/** The start of a body, on one line, for a contact's detail. */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT ? `${line.slice(0, EXCERPT)}…` : line;
}

/** The receiver's own id for the message: a string or number `id` in a JSON answer. */
function receiverId(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { id?: unknown } | null)?.id;
    return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}

/** Thrown for an answer worth retrying; the core keeps the contact queued. */
export class RetryLater extends Error {
  override name = 'RetryLater';
}

export function outcomeOf(status: number, body: string, idempotencyKey: string): SendOutcome {
  const providerCode = String(status);
  if (status >= 200 && status < 300) return { status: 'sent', providerCode, providerRef: receiverId(body) ?? idempotencyKey };
  if (status === 408 || status === 429 || status >= 500) throw new RetryLater(`receiver answered ${status}${body ? `: ${excerpt(body)}` : ''}`);
  const why = status >= 300 && status < 400 ? 'receiver redirected (point the url at the final address)' : `receiver refused it (${status})`;
  return { status: 'rejected', providerCode, detail: body ? `${why}: ${excerpt(body)}` : why };
}
