/**
 * Consent (同意) and do-not-disturb records. A consent record is the customer's newest word for a channel (or
 * `*`, every channel) and a purpose; the gate reads the newest matching one. Writes are idempotent upserts.
 */
import { sql } from 'drizzle-orm';
import { contactConsents, doNotDisturb, queryRows, type Db } from '@weixi/db';

export type ConsentPurpose = 'service' | 'marketing';

export interface ConsentRecord {
  customerId: number;
  /** A channel id or `*`. */
  channel: string;
  /** `all` records both purposes. */
  purpose: ConsentPurpose | 'all';
  granted: boolean;
  source: string;
}

const purposes = (p: ConsentRecord['purpose']): ConsentPurpose[] => (p === 'all' ? ['service', 'marketing'] : [p]);

/** Records consent given or withdrawn at `at`; a wildcard record replaces the customer's per-channel ones for those purposes. */
export async function recordConsent(db: Db, records: readonly ConsentRecord[], at: Date): Promise<void> {
  const rows = records.flatMap((r) => purposes(r.purpose).map((purpose) => ({ customerId: r.customerId, channel: r.channel, purpose, granted: r.granted, source: r.source, updatedAt: at })));
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    for (const r of rows.filter((x) => x.channel === '*')) {
      await tx.execute(sql`delete from ${contactConsents} where customer_id = ${r.customerId} and purpose = ${r.purpose} and channel <> '*'`);
    }
    await tx
      .insert(contactConsents)
      .values(rows)
      .onConflictDoUpdate({
        target: [contactConsents.customerId, contactConsents.channel, contactConsents.purpose],
        set: { granted: sql`excluded.granted`, source: sql`excluded.source`, updatedAt: sql`excluded.updated_at` },
      });
  });
}

/** The customer id of a number, whatever the caller's scope (an opt-out by reply names only the number). */
export async function customerOfMsisdn(db: Db, msisdn: string): Promise<number | null> {
  const [row] = await queryRows<{ id: number }>(db, sql`select id from customers where msisdn = ${msisdn}`);
  return row ? Number(row.id) : null;
}

export interface ConsentView {
  channel: string;
  purpose: ConsentPurpose;
  granted: boolean;
  source: string;
  updatedAt: Date;
}

/** A customer's consent records, newest first. */
export async function consentsOf(db: Db, customerId: number): Promise<ConsentView[]> {
  const rows = await queryRows<{ channel: string; purpose: ConsentPurpose; granted: boolean; source: string; updated_at: string }>(
    db,
    sql`select channel, purpose, granted, source, updated_at::text from ${contactConsents} where customer_id = ${customerId} order by updated_at desc, channel, purpose`,
  );
  return rows.map((r) => ({ channel: r.channel, purpose: r.purpose, granted: r.granted, source: r.source, updatedAt: new Date(r.updated_at) }));
}

export interface DoNotDisturbEntry {
  msisdn: string;
  reason: string;
  source: string;
  expiresAt?: Date | null;
}

/** Adds numbers to the do-not-disturb list (an entry already there takes the new reason and expiry). */
export async function addDoNotDisturb(db: Db, entries: readonly DoNotDisturbEntry[], at: Date): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = await db
    .insert(doNotDisturb)
    .values(entries.map((e) => ({ msisdn: e.msisdn, reason: e.reason, source: e.source, addedAt: at, expiresAt: e.expiresAt ?? null })))
    .onConflictDoUpdate({ target: doNotDisturb.msisdn, set: { reason: sql`excluded.reason`, source: sql`excluded.source`, expiresAt: sql`excluded.expires_at` } })
    .returning({ msisdn: doNotDisturb.msisdn });
  return rows.length;
}

export async function removeDoNotDisturb(db: Db, msisdns: readonly string[]): Promise<number> {
  if (msisdns.length === 0) return 0;
  const rows = await queryRows<{ msisdn: string }>(db, sql`delete from ${doNotDisturb} where msisdn in (${sql.join(msisdns.map((m) => sql`${m}`), sql`, `)}) returning msisdn`);
  return rows.length;
}
