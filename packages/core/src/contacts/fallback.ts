/**
 * Fallback (渠道兜底): a contact its channel could not deliver (failed, rejected) hands over to the next channel
 * its sender preferred, as a new contact of the same plugin, customer, message and purpose, whose key is the
 * original's with the channel appended (so a repeated receipt never creates it twice). It goes through the
 * contact-policy gate like any other.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import type { Clock } from '../clock.js';

/**
 * Creates the fallback of an undeliverable contact, under `lease` when the caller delivers it at once (else
 * queued for the outbox). Returns it, or null when the contact has no channel left or already fell back.
 */
export async function fallBack(db: Db, clock: Clock, contactId: number, lease: Date | null = null): Promise<{ id: number; channel: string } | null> {
  const now = clock.now().toISOString();
  const [row] = await queryRows<{ id: number; channel: string }>(
    db,
    sql`insert into contacts (customer_id, channel, plugin_id, message, purpose, language, subject, task_id, idempotency_key,
          fallback_channels, fallback_of, status, attempts, lease_until, next_attempt_at, created_at, updated_at)
        select customer_id, fallback_channels[1], plugin_id, message, purpose, language, subject, task_id,
          idempotency_key || ' > ' || fallback_channels[1], fallback_channels[2:], id, 'queued', ${lease ? 1 : 0},
          ${lease?.toISOString() ?? null}::timestamptz, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
        from contacts where id = ${contactId} and cardinality(fallback_channels) > 0 and status in ('failed', 'rejected')
        on conflict (plugin_id, customer_id, idempotency_key) do nothing
        returning id, channel`,
  );
  return row ? { id: Number(row.id), channel: row.channel } : null;
}
