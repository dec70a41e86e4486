/**
 * The contacts table is an outbox. A send writes the contact once (per plugin, customer and idempotency key)
 * as `queued` under a lease and then delivers it at once; `drainOutbox` delivers every queued contact whose
 * retry time has come and whose lease lapsed, such as one whose sender crashed between the write and the
 * channel's answer. A channel that throws is retried with backoff up to `maxAttempts` calls; one that
 * answers decides the status. The channel gets the contact id, the same on every retry, as its idempotency
 * key: after a crash between the channel accepting a message and the status being stored, the retry carries
 * the same id, so a channel that honours it (the SDK asks every channel to) never sends twice.
 */
import { and, eq, sql } from 'drizzle-orm';
import { contacts, queryRows, type Db } from '@weixi/db';
import type { ChannelSender, ContactStatus } from '@weixi/sdk';
import type { Clock } from '../clock.js';

export const OUTBOX = {
  /** How long a process may take to deliver a claimed contact before another may take it over. */
  leaseMs: 60_000,
  /** Channel calls before a contact whose channel keeps throwing is marked failed. */
  maxAttempts: 5,
  /** Delay after the first failed call, doubling after each further one, capped. */
  baseDelayMs: 10_000,
  maxDelayMs: 600_000,
} as const;

/** Where contacts go: the plugin implementing a channel, and whether it is enabled in a region. */
export interface ContactChannels {
  channel(channelId: string): { pluginId: string; sender: ChannelSender } | undefined;
  enabledIn(pluginId: string, regionId: number): boolean;
}

/** A claimed contact, with its customer's region. */
export interface OutboxContact {
  id: number;
  customerId: number;
  channel: string;
  message: string;
  attempts: number;
  regionId: number;
  regionCode: string;
}

/** The lease a process takes on a contact it is about to deliver. */
export const leaseFrom = (now: Date): Date => new Date(now.getTime() + OUTBOX.leaseMs);

/**
 * Hands a claimed contact to its channel and stores the outcome; returns the contact's status. A missing
 * or disabled channel fails the contact; a channel that throws leaves it queued for a retry.
 */
export async function deliverContact(db: Db, clock: Clock, channels: ContactChannels, contact: OutboxContact): Promise<ContactStatus> {
  const implementation = channels.channel(contact.channel);
  const outcome: { status: ContactStatus; detail: string | null; retryAt?: Date } = !implementation
    ? { status: 'failed', detail: `no plugin implements channel '${contact.channel}'` }
    : !channels.enabledIn(implementation.pluginId, contact.regionId)
      ? { status: 'failed', detail: `channel '${contact.channel}' (plugin '${implementation.pluginId}') is not enabled in region ${contact.regionCode}` }
      : await implementation.sender
          .send({ contactId: contact.id, customerId: contact.customerId, regionCode: contact.regionCode, message: contact.message })
          .then((r) => ({ status: r.status, detail: r.detail ?? null }))
          .catch((error: unknown) => afterThrow(clock, contact, error));
  await db
    .update(contacts)
    .set({ status: outcome.status, detail: outcome.detail, leaseUntil: null, updatedAt: clock.now(), ...(outcome.retryAt ? { nextAttemptAt: outcome.retryAt } : {}) })
    .where(and(eq(contacts.id, contact.id), eq(contacts.status, 'queued')));
  return outcome.status;
}

function afterThrow(clock: Clock, contact: OutboxContact, error: unknown): { status: ContactStatus; detail: string; retryAt?: Date } {
  const detail = `channel '${contact.channel}' failed: ${error instanceof Error ? error.message : String(error)}`;
  if (contact.attempts >= OUTBOX.maxAttempts) return { status: 'failed', detail: `${detail} (after ${contact.attempts} attempts)` };
  const delay = Math.min(OUTBOX.maxDelayMs, OUTBOX.baseDelayMs * 2 ** (contact.attempts - 1));
  return { status: 'queued', detail: `${detail}; attempt ${contact.attempts + 1} after ${delay / 1000} s`, retryAt: new Date(clock.now().getTime() + delay) };
}

/**
 * Delivers up to `limit` due contacts of the channels this process implements (`channelIds`; a process
 * without a channel's plugin leaves its contacts to one that has it): queued, retry time reached, lease
 * free or lapsed. Each is claimed with a lease in one statement (SKIP LOCKED, so several processes share
 * the work without taking the same contact), then delivered one by one. Returns how many were claimed.
 */
export async function drainOutbox(db: Db, clock: Clock, channels: ContactChannels, channelIds: readonly string[], limit = 100): Promise<number> {
  if (channelIds.length === 0) return 0;
  // Raw SQL gets times as text: postgres.js under drizzle serialises timestamps from strings only.
  const now = clock.now().toISOString();
  const rows = await queryRows<{ id: number; customer_id: number; channel: string; message: string; attempts: number; region_id: number; region_code: string }>(
    db,
    sql`with due as (
          select id from ${contacts}
          where status = 'queued' and next_attempt_at <= ${now}::timestamptz and (lease_until is null or lease_until <= ${now}::timestamptz)
            and channel in (${sql.join(channelIds.map((id) => sql`${id}`), sql`, `)})
          order by next_attempt_at, id limit ${limit}
          for update skip locked
        ), claimed as (
          update ${contacts} c set lease_until = ${leaseFrom(clock.now()).toISOString()}::timestamptz, attempts = c.attempts + 1, updated_at = ${now}::timestamptz
          from due where c.id = due.id
          returning c.id, c.customer_id, c.channel, c.message, c.attempts
        )
        select claimed.*, cu.region_id, r.code as region_code
        from claimed join customers cu on cu.id = claimed.customer_id join regions r on r.id = cu.region_id
        order by claimed.id`,
  );
  for (const row of rows) {
    await deliverContact(db, clock, channels, {
      id: Number(row.id),
      customerId: Number(row.customer_id),
      channel: row.channel,
      message: row.message,
      attempts: Number(row.attempts),
      regionId: Number(row.region_id),
      regionCode: row.region_code,
    });
  }
  return rows.length;
}
