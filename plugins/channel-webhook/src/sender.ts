/** The `app` sender: one signed JSON POST per contact to the region's receiver. */
import type { ChannelSender, OutgoingContact, PluginContext } from '@weixi/sdk';
import { outcomeOf } from './answer.js';
import type { WebhookSettings } from './settings.js';
import { SIGNATURE_HEADER, sign, TIMESTAMP_HEADER } from './signature.js';

/** The body a receiver gets: the contact as the core handed it, and when it left. */
export function payloadOf(contact: OutgoingContact, sentAt: Date) {
  const { contactId, customerId, regionCode, channel, purpose, language, subject, message, taskId, requestedBy } = contact;
  return { contactId, customerId, regionCode, channel, purpose, language, subject, message, taskId, requestedBy, sentAt: sentAt.toISOString() };
}

/** Why a request got no answer, without the url's path or query (they may hold a token). */
function unreachable(url: URL, timeoutMs: number, error: unknown): Error {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return new Error(`no answer from ${url.origin} within ${timeoutMs} ms`);
  return new Error(`cannot reach ${url.origin}: ${e.cause?.code ?? e.cause?.message ?? e.message ?? String(error)}`);
}

export function webhookSender(ctx: PluginContext<WebhookSettings>): ChannelSender {
  return {
    async send(contact) {
      const { url, secret, timeoutMs } = await ctx.settings.forRegion(contact.regionCode);
      // A region without a receiver or a key cannot send: final, so the next channel gets the contact.
      if (!url) return { status: 'failed', detail: `no webhook url configured for region ${contact.regionCode}` };
      if (!secret) return { status: 'failed', detail: `no signing secret configured for region ${contact.regionCode}` };
      const target = new URL(url);
      // The wall clock, not the platform's: the receiver checks the timestamp against its own clock.
      const now = new Date();
      const timestamp = Math.floor(now.getTime() / 1000);
      const body = JSON.stringify(payloadOf(contact, now));
      // The same key on every retry of the contact: the receiver drops a duplicate.
      const idempotencyKey = `contact-${contact.contactId}`;
      let response: Response;
      try {
        response = await fetch(target, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Idempotency-Key': idempotencyKey,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: sign(secret, timestamp, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw unreachable(target, timeoutMs, error);
      }
      const text = await response.text().catch(() => '');
      return outcomeOf(response.status, text, idempotencyKey);
    },
  };
}
