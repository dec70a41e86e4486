/**
 * Webhook signatures: `X-Weixi-Signature: sha256=<hex>` is the HMAC-SHA256, under the region's secret, of
 * `<X-Weixi-Timestamp>.<raw body>`. Signing the timestamp with the body lets a receiver refuse a replayed
 * request once it is older than its window, without keeping every request it saw.
 */
import { createHmac } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Weixi-Timestamp';
export const SIGNATURE_HEADER = 'X-Weixi-Signature';

/** The signature header's value for a body sent at `timestamp` (unix seconds). */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
