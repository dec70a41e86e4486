/**
 * The monthly usage of one chunk's customers, as SQL over the inserted rows (`inserted`: id, msisdn) and the
 * chunk's `customer_rows`. A customer's spend is stable from month to month with ±15% noise and a rare dip
 * (a month abroad, a month on Wi-Fi); in the 1–4 months up to a customer's anchor date (see signals.ts) their
 * signals grow: revenue, voice or data falling, silence, complaints, calls to competitors. The first and the
 * churn month are prorated; churned customers have no row after their churn month, new customers none
 * before their join month.
 */
import type { GeneratorContext } from './context.js';
import { CUSTOMER_ROWS } from './customer-sql.js';
import { createDraws } from './draws.js';
import { arrayLiteral, dateLiteral } from './sql-text.js';
import { STREAM as S } from './streams.js';

/** The customer columns the usage and the events are built from, with the customer's id. */
export const USAGE_CUSTOMERS = 'usage_customers';

export function usageRowsSql(context: GeneratorContext, inserted: string): string {
  const { uniform } = createDraws(context.seed);
  const u = (stream: number) => uniform('month_key', stream);
  const { calendar } = context;
  const months = `ARRAY[${calendar.months.map(dateLiteral).join(',')}]`;
  const days = arrayLiteral(calendar.monthDays);
  const ordinals = arrayLiteral(calendar.monthOrdinals);
  const count = calendar.months.length;
  // Months before the anchor month (0: the anchor month itself); null without an anchor.
  const before = '(c.anchor_mi - m.ordinal)';
  const episode = `coalesce(${before} between 0 and c.lead, false)`;
  // A rare dip of one metric for one month, to 35-65% (the draw below `share`, rescaled, sets the depth).
  const dip = (stream: number, share: number) => `case when ${u(stream)} < ${share} then 0.35 + 0.3 * ${u(stream)} / ${share} else 1.0 end`;

  return `
  ${USAGE_CUSTOMERS} as (
    -- Ids by phone number before fanning out to months: a join of chunk × chunk rows, not chunk × months.
    select i.id as customer_id, c.n, c.joined_on, c.churned_on, c.anchor_on, c.anchor_mi, c.lead, c.spend_cents,
      c.payment_type, c.status, c.activity, c.voice_rate, c.data_rate, c.decline, c.voice_decline, c.data_decline,
      c.silence_months, c.inquiries, c.sig_revenue, c.sig_voice, c.sig_data, c.sig_silence, c.sig_complaints,
      c.sig_competitors, c.sig_port_out, c.dormant
    from ${inserted} i join ${CUSTOMER_ROWS} c on c.msisdn = i.msisdn
    offset 0
  ),
  usage_months as (
    select c.*, c.n * 64 + ${count} + 1 - m.k as month_key, m.month, m.days,
      ${episode} as episode,
      -- How far into the signals' run-up: 1/(lead+1) in its first month, 1 in the anchor month.
      (c.lead + 1 - ${before})::float8 / (c.lead + 1) as depth,
      c.dormant or coalesce(c.sig_silence and ${before} between 0 and c.silence_months, false) as silent,
      case when c.sig_revenue and ${episode} then 1.0 - c.decline * (c.lead + 1 - ${before})::float8 / (c.lead + 1)
        else 1.0 end as trend,
      -- Share of the month the customer was on the network (join and churn months are partial).
      ((case when c.churned_on < m.month + (m.days - 1) then extract(day from c.churned_on)::int else m.days end)
        - (case when c.joined_on > m.month then extract(day from c.joined_on)::int else 1 end) + 1)::float8
        / m.days as present
    from ${USAGE_CUSTOMERS} c
    cross join (select k, (${months})[k] as month, (${days})[k] as days, (${ordinals})[k] as ordinal
      from generate_series(1, ${count}) as k) m
    where m.month >= date_trunc('month', c.joined_on)::date
      and (c.churned_on is null or m.month <= c.churned_on)
    offset 0
  ),
  usage_amounts as (
    select um.*,
      case when silent then 0
        else round(spend_cents * trend * present * (0.85 + 0.3 * ${u(S.revenueNoise)}) * ${dip(S.revenueDip, 0.015)}) end::int
        as revenue_cents,
      case when silent then 0
        else least(days, greatest(1, round(days * activity * trend * present * (0.9 + 0.1 * ${u(S.activityNoise)}))))
        end::int as active_days
    from usage_months um offset 0
  ),
  usage_rows as (
    select customer_id, month, revenue_cents, active_days,
      least(9000, round(revenue_cents / 100.0 * voice_rate * (0.8 + 0.4 * ${u(S.voiceNoise)}) * ${dip(S.voiceDip, 0.02)}
        * case when sig_voice and episode then 1.0 - voice_decline * depth else 1.0 end))::int as voice_minutes,
      least(400000, round(revenue_cents / 100.0 * data_rate * (0.8 + 0.4 * ${u(S.dataNoise)}) * ${dip(S.dataDip, 0.02)}
        * case when sig_data and episode then 1.0 - data_decline * depth else 1.0 end))::int as data_mb,
      floor(${u(S.sms)} * 30 * active_days / days)::int as sms,
      -- Prepaid customers top up in 10-yuan steps most months; postpaid ones pay the bill unless in arrears.
      (case when revenue_cents = 0 then 0
        when payment_type = 'postpaid' then case when status = 'suspended' then 0 else ceil(revenue_cents / 100.0) * 100 end
        when ${u(S.rechargeSkipped)} < 0.3 then 0
        else ceil(revenue_cents * (1.0 + 0.4 * ${u(S.rechargeAmount)}) / 1000.0) * 1000 end)::int as recharge_cents,
      -- Complaints and competitor contacts: rare for anyone, frequent and growing in a run-up with the signal.
      (case when sig_complaints and episode
          then (${u(S.complaint)} < 0.2 + 0.35 * depth)::int + (${u(S.secondComplaint)} < 0.05 + 0.2 * depth)::int
        else (${u(S.complaint)} < 0.012)::int end) as complaints,
      (case when silent then 0
        when sig_competitors and episode then floor(${u(S.competitorContacts)} * (2 + 5 * depth))
        else (${u(S.competitorContacts)} < 0.015)::int end)::int as competitor_contacts
    from usage_amounts
  )`;
}
