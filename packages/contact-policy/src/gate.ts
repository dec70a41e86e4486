/**
 * The gate (触达闸门): every contact passes here right before its channel would get it, whichever plugin asked
 * and whichever channel it goes through, first delivery, retry or the end of a deferral alike. In order:
 *
 * 1. consent: the BSS flag for the channel (customers.consent), then the customer's newest consent record for
 *    the channel (or `*`; at the same instant the channel's own wins) and purpose; under an `opt-in` policy marketing needs a record that grants it;
 * 2. do-not-disturb (免打扰): a listed number gets no marketing;
 * 3. port-out (携号转网, MIIT 2019): after an application and until it is completed or cancelled, no
 *    marketing, which could only obstruct it;
 * 4. frequency cap: marketing contacts the gate let through for the customer, on every channel, plus the
 *    agents' recorded call and visit attempts, today (local), in 7 and in 30 days;
 * 5. quiet hours per channel and public holidays: deferred to the first instant allowed.
 *
 * One statement reads what the rules need for a whole batch, after locking the batch's customers (in id
 * order, so two gates never deadlock): two processes gating contacts of one customer take turns, and the
 * second counts what the first let through. Every decision is written in the same transaction.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import { policiesOf, type ContactPolicy } from './policy.js';
import { deferral, parseQuietHours } from './quiet-hours.js';

export type GateDecision =
  | { decision: 'sent' }
  | { decision: 'deferred'; until: Date; rule: string; reason: string }
  | { decision: 'suppressed'; rule: string; reason: string };

type Row = {
  id: number;
  customer_id: number;
  channel: string;
  purpose: 'service' | 'marketing';
  gated_at: string | null;
  bss_consent: string | null;
  consent_granted: boolean | null;
  consent_source: string | null;
  consent_at: string | null;
  dnd_reason: string | null;
  region_code: string;
  region_path: string;
  time_zone: string;
  today: number;
  week: number;
  month: number;
  port_out_type: string | null;
  port_out_at: string | null;
};

const DAY_MS = 86_400_000;

/**
 * Decides the contacts (ids) at `now`, stores each decision (a deferral or suppression on the contact and
 * in `contact_decisions`; a first pass as `gated_at`) and returns them by contact id.
 */
export async function gateContacts(db: Db, contactIds: readonly number[], now: Date): Promise<Map<number, GateDecision>> {
  if (contactIds.length === 0) return new Map();
  return db.transaction(async (tx) => {
    // One array parameter, not a list of 500: the statements plan in microseconds instead of milliseconds.
    const ids = sql`${`{${contactIds.map((id) => Math.trunc(id)).join(',')}}`}::int[]`;
    const locked = await queryRows<{ path: string }>(
      tx,
      sql`select r.path from customers cu join regions r on r.id = cu.region_id
          where cu.id in (select customer_id from contacts where id = any(${ids})) order by cu.id for update of cu`,
    );
    const policies = await policiesOf(tx, [...new Set(locked.map((r) => r.path))]);
    const portOutEvents = [...new Set([...policies.values()].flatMap((p) => [p.portOut.applicationEvent, ...p.portOut.closingEvents]))];
    const maxPortOutDays = Math.max(1, ...[...policies.values()].map((p) => p.portOut.days));
    const at = now.toISOString();
    const rows = await queryRows<Row>(
      tx,
      sql`select c.id, c.customer_id, c.channel, c.purpose, c.gated_at::text, cu.consent ->> c.channel as bss_consent,
            cc.granted as consent_granted, cc.source as consent_source, cc.updated_at::text as consent_at,
            dnd.reason as dnd_reason, r.code as region_code, r.path as region_path, r.time_zone,
            coalesce(n.today, 0)::int + coalesce(a.today, 0)::int as today, coalesce(n.week, 0)::int + coalesce(a.week, 0)::int as week,
            coalesce(n.month, 0)::int + coalesce(a.month, 0)::int as month,
            po.type as port_out_type, po.occurred_at::text as port_out_at
          from contacts c
          join customers cu on cu.id = c.customer_id
          join regions r on r.id = cu.region_id
          cross join lateral (select date_trunc('day', ${at}::timestamptz at time zone r.time_zone) at time zone r.time_zone as day_start) d
          left join lateral (
            select x.granted, x.source, x.updated_at from contact_consents x
            where x.customer_id = c.customer_id and x.channel in (c.channel, '*') and x.purpose = c.purpose
            order by x.updated_at desc, x.channel = '*' limit 1) cc on true
          left join do_not_disturb dnd on dnd.msisdn = cu.msisdn and (dnd.expires_at is null or dnd.expires_at > ${at}::timestamptz)
          left join lateral (
            select count(*) filter (where o.gated_at >= d.day_start) as today,
                   count(*) filter (where o.gated_at > ${at}::timestamptz - interval '7 days') as week,
                   count(*) as month
            from contacts o
            where o.customer_id = c.customer_id and o.id <> c.id and o.purpose = 'marketing'
              and o.gated_at > ${at}::timestamptz - interval '30 days' and o.status in ('queued', 'sent', 'delivered')) n on true
          left join lateral (
            select count(*) filter (where ta.attempted_at >= d.day_start) as today,
                   count(*) filter (where ta.attempted_at > ${at}::timestamptz - interval '7 days') as week,
                   count(*) as month
            from task_attempts ta join retention_tasks t on t.id = ta.task_id
            where t.customer_id = c.customer_id and ta.attempted_at > ${at}::timestamptz - interval '30 days' and ta.attempted_at <= ${at}::timestamptz) a on true
          left join lateral (
            select e.type, e.occurred_at from customer_events e
            where e.customer_id = c.customer_id and e.type in (${sql.join(portOutEvents.map((t) => sql`${t}`), sql`, `)})
              and e.occurred_at > ${at}::timestamptz - make_interval(days => ${maxPortOutDays}) and e.occurred_at <= ${at}::timestamptz
            order by e.occurred_at desc limit 1) po on true
          where c.id = any(${ids})
          order by c.id`,
    );
    const decisions = new Map<number, GateDecision>();
    // Contacts of one customer in this batch count against each other's cap in id order.
    const passed = new Map<number, number>();
    // Quiet hours depend on the region, channel and purpose only: computed once each per batch.
    const later = new Map<string, ReturnType<typeof deferral>>();
    for (const row of rows) {
      const id = Number(row.id);
      const policy = policies.get(row.region_path)!;
      const earlier = passed.get(Number(row.customer_id)) ?? 0;
      const key = `${row.region_code}\u0000${row.channel}\u0000${row.purpose}`;
      if (!later.has(key)) later.set(key, quietDeferral(row, policy, now));
      const decision = decide(row, policy, now, earlier, later.get(key)!);
      if (decision.decision === 'sent' && row.purpose === 'marketing') passed.set(Number(row.customer_id), earlier + 1);
      decisions.set(id, decision);
    }
    await store(tx, rows, decisions, now);
    return decisions;
  });
}

function quietDeferral(row: Row, policy: ContactPolicy, now: Date): ReturnType<typeof deferral> {
  const hours = policy.quietHours[row.channel] !== undefined ? policy.quietHours[row.channel] : policy.quietHours['default'];
  return deferral(now, row.time_zone, hours ? parseQuietHours(hours) : null, new Set(policy.holidays), row.purpose === 'marketing', `${row.channel} in ${row.region_code}`);
}

function decide(row: Row, policy: ContactPolicy, now: Date, earlierInBatch: number, later: ReturnType<typeof deferral>): GateDecision {
  const marketing = row.purpose === 'marketing';
  if (row.bss_consent === 'false') return { decision: 'suppressed', rule: 'consent', reason: `no consent for ${row.channel} (withdrawn in the customer's record)` };
  if (row.consent_granted === false) return { decision: 'suppressed', rule: 'consent', reason: `opted out of ${row.purpose} on ${row.channel} (${row.consent_source}, ${row.consent_at?.slice(0, 19)})` };
  if (marketing && policy.marketingConsent === 'opt-in' && row.consent_granted !== true) {
    return { decision: 'suppressed', rule: 'consent', reason: `no opt-in to marketing on ${row.channel} (the region's policy is opt-in)` };
  }
  if (marketing && row.dnd_reason !== null) return { decision: 'suppressed', rule: 'do_not_disturb', reason: `number on the do-not-disturb list: ${row.dnd_reason}` };
  if (marketing && row.port_out_type === policy.portOut.applicationEvent && Date.parse(row.port_out_at!) > now.getTime() - policy.portOut.days * DAY_MS) {
    return { decision: 'suppressed', rule: 'port_out', reason: `port-out applied for on ${row.port_out_at!.slice(0, 10)}: no offer may obstruct it (MIIT 2019 number portability rules)` };
  }
  if (marketing) {
    const cap = policy.frequencyCap;
    const over: Array<[number, number, string]> = [
      [row.today + earlierInBatch, cap.perDay, 'today'],
      [row.week + earlierInBatch, cap.perWeek, 'in 7 days'],
      [row.month + earlierInBatch, cap.perMonth, 'in 30 days'],
    ];
    const hit = over.find(([count, limit]) => count >= limit);
    if (hit) return { decision: 'suppressed', rule: 'frequency_cap', reason: `frequency cap: ${hit[0]} marketing contact(s) ${hit[2]} across all channels; the region allows ${hit[1]}` };
  }
  return later ? { decision: 'deferred', ...later } : { decision: 'sent' };
}

async function store(tx: Db, rows: readonly Row[], decisions: ReadonlyMap<number, GateDecision>, now: Date): Promise<void> {
  const at = now.toISOString();
  const changed = rows.filter((r) => decisions.get(Number(r.id))!.decision !== 'sent' || r.gated_at === null);
  if (changed.length === 0) return;
  const values = sql.join(
    changed.map((r) => {
      const d = decisions.get(Number(r.id))!;
      const until = d.decision === 'deferred' ? d.until.toISOString() : null;
      const rule = d.decision === 'sent' ? null : d.rule;
      const reason = d.decision === 'sent' ? null : d.reason;
      return sql`(${Number(r.id)}::int, ${d.decision}::text, ${rule}::text, ${reason}::text, ${until}::timestamptz)`;
    }),
    sql`, `,
  );
  await tx.execute(sql`with d(id, decision, rule, reason, until) as (values ${values})
    update contacts c set
      status = case d.decision when 'sent' then c.status else d.decision end,
      detail = case d.decision when 'sent' then c.detail else d.reason end,
      gated_at = case d.decision when 'sent' then ${at}::timestamptz else c.gated_at end,
      deferred_until = d.until,
      next_attempt_at = coalesce(d.until, c.next_attempt_at),
      lease_until = case d.decision when 'sent' then c.lease_until else null end,
      -- a deferral is not a channel call: give back the attempt the claim counted
      attempts = case d.decision when 'deferred' then greatest(c.attempts - 1, 0) else c.attempts end,
      updated_at = ${at}::timestamptz
    from d where c.id = d.id`);
  await tx.execute(sql`with d(id, decision, rule, reason, until) as (values ${values})
    insert into contact_decisions (contact_id, customer_id, channel, purpose, decision, rule, reason, until, decided_at)
    select c.id, c.customer_id, c.channel, c.purpose, d.decision, d.rule, d.reason, d.until, ${at}::timestamptz from d join contacts c on c.id = d.id`);
}
