/**
 * The contacts table is an outbox. A send writes the contact once (per plugin, customer and idempotency key)
 * as `queued` under a lease and then delivers it at once; `drainOutbox` delivers every queued contact whose
 * retry time has come and whose lease lapsed (such as one whose sender crashed between the write and the
 * channel's answer), and every deferred one whose quiet hours ended. Before any channel sees a contact it
 * passes the contact-policy gate (@weixi/contact-policy), on every delivery. A channel that throws is retried
 * with backoff up to `maxAttempts` calls; one that answers decides the status. The channel gets the contact
 * id, the same on every retry, as its idempotency key: after a crash between the channel accepting a message
 * and the status being stored, the retry carries the same id, so a channel that honours it (the SDK asks every
 * channel to) never sends twice.
 */
import { and, eq, sql } from 'drizzle-orm';
import { contacts, queryRows, type Db } from '@weixi/db';
import { gateContacts } from '@weixi/contact-policy';
import type { ChannelSender, ContactPurpose, ContactStatus, OutgoingContact } from '@weixi/sdk';
import type { Clock } from '../clock.js';
import { fallBack } from './fallback.js';

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
  pluginId: string;
  purpose: ContactPurpose;
  language: string | null;
  subject: string | null;
  message: string;
  taskId: number | null;
  attempts: number;
  regionId: number;
  regionCode: string;
}

/** The lease a process takes on a contact it is about to deliver. */
export const leaseFrom = (now: Date): Date => new Date(now.getTime() + OUTBOX.leaseMs);

interface Outcome {
  status: ContactStatus;
  detail: string | null;
  providerCode?: string | null;
  providerRef?: string | null;
  retryAt?: Date;
}

/**
 * Delivers claimed contacts: those whose channel is missing or disabled in the customer's region fail; the
 * others pass the contact-policy gate together (one transaction; a stopped or deferred contact never reaches
 * its channel); each one let through goes to its channel, whose answer is stored. A channel that throws
 * leaves the contact queued for a retry; an undeliverable one (failed, rejected) falls back to the next
 * channel the sender preferred. Returns each contact's status by id.
 */
export async function deliverContacts(db: Db, clock: Clock, channels: ContactChannels, claimed: readonly OutboxContact[]): Promise<Map<number, ContactStatus>> {
  const statuses = new Map<number, ContactStatus>();
  const unavailable = new Map<number, string>();
  for (const contact of claimed) {
    const implementation = channels.channel(contact.channel);
    if (!implementation) unavailable.set(contact.id, `no plugin implements channel '${contact.channel}'`);
    else if (!channels.enabledIn(implementation.pluginId, contact.regionId)) {
      unavailable.set(contact.id, `channel '${contact.channel}' (plugin '${implementation.pluginId}') is not enabled in region ${contact.regionCode}`);
    }
  }
  const decisions = await gateContacts(db, claimed.filter((c) => !unavailable.has(c.id)).map((c) => c.id), clock.now());
  for (const contact of claimed) {
    const decision = decisions.get(contact.id);
    if (decision && decision.decision !== 'sent') {
      statuses.set(contact.id, decision.decision);
      continue;
    }
    const outcome: Outcome = unavailable.has(contact.id)
      ? { status: 'failed', detail: unavailable.get(contact.id)! }
      : await channels
          .channel(contact.channel)!
          .sender.send(outgoing(contact))
          .then((r): Outcome => ({ status: r.status, detail: r.detail ?? null, providerCode: r.providerCode ?? null, providerRef: r.providerRef ?? null }))
          .catch((error: unknown) => afterThrow(clock, contact, error));
    await db
      .update(contacts)
      .set({
        status: outcome.status,
        detail: outcome.detail,
        leaseUntil: null,
        updatedAt: clock.now(),
        ...(outcome.retryAt ? { nextAttemptAt: outcome.retryAt } : {}),
        ...(outcome.providerCode !== undefined ? { providerCode: outcome.providerCode, providerRef: outcome.providerRef } : {}),
      })
      .where(and(eq(contacts.id, contact.id), eq(contacts.status, 'queued')));
    statuses.set(contact.id, outcome.status);
    if (outcome.status === 'failed' || outcome.status === 'rejected') {
      const next = await fallBack(db, clock, contact.id, leaseFrom(clock.now()));
      if (next) await deliverContacts(db, clock, channels, [{ ...contact, id: next.id, channel: next.channel, attempts: 1 }]);
    }
  }
  return statuses;
}

/** Hands one claimed contact to its channel (see `deliverContacts`); returns its status. */
export async function deliverContact(db: Db, clock: Clock, channels: ContactChannels, contact: OutboxContact): Promise<ContactStatus> {
  return (await deliverContacts(db, clock, channels, [contact])).get(contact.id)!;
}

const outgoing = (c: OutboxContact): OutgoingContact => ({
  contactId: c.id,
  customerId: c.customerId,
  regionCode: c.regionCode,
  channel: c.channel,
  purpose: c.purpose,
  language: c.language ?? 'zh',
  subject: c.subject,
  message: c.message,
  taskId: c.taskId,
  requestedBy: c.pluginId,
});

function afterThrow(clock: Clock, contact: OutboxContact, error: unknown): Outcome {
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
  const rows = await queryRows<ClaimedRow>(
    db,
    sql`with due as (
          select id from ${contacts}
          where status in ('queued', 'deferred') and next_attempt_at <= ${now}::timestamptz and (lease_until is null or lease_until <= ${now}::timestamptz)
            and channel in (${sql.join(channelIds.map((id) => sql`${id}`), sql`, `)})
          order by next_attempt_at, id limit ${limit}
          for update skip locked
        ), claimed as (
          update ${contacts} c set status = 'queued', lease_until = ${leaseFrom(clock.now()).toISOString()}::timestamptz, attempts = c.attempts + 1, updated_at = ${now}::timestamptz
          from due where c.id = due.id
          returning c.id, c.customer_id, c.channel, c.plugin_id, c.purpose, c.language, c.subject, c.message, c.task_id, c.attempts
        )
        select claimed.*, cu.region_id, r.code as region_code
        from claimed join customers cu on cu.id = claimed.customer_id join regions r on r.id = cu.region_id
        order by claimed.id`,
  );
  await deliverContacts(db, clock, channels, rows.map(claimedContact));
  return rows.length;
}

type ClaimedRow = {
  id: number;
  customer_id: number;
  channel: string;
  plugin_id: string;
  purpose: ContactPurpose;
  language: string | null;
  subject: string | null;
  message: string;
  task_id: number | null;
  attempts: number;
  region_id: number;
  region_code: string;
};

const claimedContact = (row: ClaimedRow): OutboxContact => ({
  id: Number(row.id),
  customerId: Number(row.customer_id),
  channel: row.channel,
  pluginId: row.plugin_id,
  purpose: row.purpose,
  language: row.language,
  subject: row.subject,
  message: row.message,
  taskId: row.task_id === null ? null : Number(row.task_id),
  attempts: Number(row.attempts),
  regionId: Number(row.region_id),
  regionCode: row.region_code,
});
