/** The gate's stored decisions, newest first: what was sent, deferred until when, or suppressed and why. */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';

export interface ContactDecisionView {
  id: number;
  contactId: number;
  customerId: number;
  channel: string;
  purpose: 'service' | 'marketing';
  decision: 'sent' | 'deferred' | 'suppressed';
  /** The rule that stopped or deferred the contact: consent, do_not_disturb, port_out, frequency_cap, quiet_hours, holiday. */
  rule: string | null;
  reason: string | null;
  until: Date | null;
  decidedAt: Date;
}

export interface DecisionFilter {
  customerIds?: readonly number[];
  contactId?: number;
  decisions?: ReadonlyArray<ContactDecisionView['decision']>;
  /** Newest first, at most this many. */
  limit: number;
  /** An extra condition on `d` (the caller's scope). */
  where?: SQL;
}

export async function listDecisions(db: Db, filter: DecisionFilter): Promise<ContactDecisionView[]> {
  const conditions: SQL[] = [sql`true`];
  if (filter.customerIds) conditions.push(filter.customerIds.length ? sql`d.customer_id in (${sql.join(filter.customerIds.map((id) => sql`${id}`), sql`, `)})` : sql`false`);
  if (filter.contactId !== undefined) conditions.push(sql`d.contact_id = ${filter.contactId}`);
  if (filter.decisions?.length) conditions.push(sql`d.decision in (${sql.join(filter.decisions.map((x) => sql`${x}`), sql`, `)})`);
  if (filter.where) conditions.push(filter.where);
  const rows = await queryRows<{ id: number; contact_id: number; customer_id: number; channel: string; purpose: 'service' | 'marketing'; decision: ContactDecisionView['decision']; rule: string | null; reason: string | null; until: string | null; decided_at: string }>(
    db,
    sql`select d.id, d.contact_id, d.customer_id, d.channel, d.purpose, d.decision, d.rule, d.reason, d.until::text, d.decided_at::text
        from contact_decisions d where ${sql.join(conditions, sql` and `)} order by d.id desc limit ${filter.limit}`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    contactId: Number(r.contact_id),
    customerId: Number(r.customer_id),
    channel: r.channel,
    purpose: r.purpose,
    decision: r.decision,
    rule: r.rule,
    reason: r.reason,
    until: r.until ? new Date(r.until) : null,
    decidedAt: new Date(r.decided_at),
  }));
}
