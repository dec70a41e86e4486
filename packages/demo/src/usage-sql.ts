/**
 * The monthly usage of one chunk's customers, as SQL over the inserted rows (`inserted`: id, msisdn) and the
 * chunk's `customer_rows`. A customer's spend is stable from month to month with ±15% noise; the churn-prone
 * decline linearly or fall silent (active days 0); the first and the churn month are prorated; churned
 * customers have no row after their churn month, new customers none before their join month.
 */
import type { GeneratorContext } from './context.js';
import { CUSTOMER_ROWS } from './customer-sql.js';
import { createDraws } from './draws.js';
import { arrayLiteral, dateLiteral } from './sql-text.js';
import { STREAM as S } from './streams.js';

export function usageRowsSql(context: GeneratorContext, inserted: string): string {
  const { uniform } = createDraws(context.seed);
  const u = (stream: number) => uniform('month_key', stream);
  const months = `ARRAY[${context.calendar.months.map(dateLiteral).join(',')}]`;
  const days = arrayLiteral(context.calendar.monthDays);
  const count = context.calendar.months.length;

  return `
  usage_customers as (
    -- Ids by phone number before fanning out to months: a join of chunk × chunk rows, not chunk × months.
    select i.id as customer_id, c.n, c.joined_on, c.churned_on, c.silent_from, c.decline,
      c.spend_cents, c.payment_type, c.status, c.churn_prone, c.activity, c.voice_rate, c.data_rate
    from ${inserted} i join ${CUSTOMER_ROWS} c on c.msisdn = i.msisdn
    offset 0
  ),
  usage_months as (
    select c.*, c.n * 8 + m.k as month_key, m.k, m.month, m.days,
      m.k >= c.silent_from as silent,
      greatest(0.0, 1.0 - (m.k - 1) / ${count - 1}.0 * c.decline) as trend,
      -- Share of the month the customer was on the network (join and churn months are partial).
      ((case when c.churned_on < m.month + (m.days - 1) then extract(day from c.churned_on)::int else m.days end)
        - (case when c.joined_on > m.month then extract(day from c.joined_on)::int else 1 end) + 1)::float8
        / m.days as present
    from usage_customers c
    cross join (select k, (${months})[k] as month, (${days})[k] as days from generate_series(1, ${count}) as k) m
    where m.month >= date_trunc('month', c.joined_on)::date
      and (c.churned_on is null or m.month <= c.churned_on)
    offset 0
  ),
  usage_amounts as (
    select um.*,
      case when silent then 0
        else round(spend_cents * trend * present * (0.85 + 0.3 * ${u(S.revenueNoise)})) end::int as revenue_cents,
      case when silent then 0
        else least(days, greatest(1, round(days * activity * trend * present * (0.9 + 0.1 * ${u(S.activityNoise)}))))
        end::int as active_days
    from usage_months um offset 0
  ),
  usage_rows as (
    select customer_id, month, revenue_cents, active_days,
      least(9000, round(revenue_cents / 100.0 * voice_rate * (0.8 + 0.4 * ${u(S.voiceNoise)})))::int as voice_minutes,
      least(400000, round(revenue_cents / 100.0 * data_rate * (0.8 + 0.4 * ${u(S.dataNoise)})))::int as data_mb,
      floor(${u(S.sms)} * 30 * active_days / days)::int as sms,
      -- Prepaid customers top up in 10-yuan steps most months; postpaid ones pay the bill unless in arrears.
      (case when revenue_cents = 0 then 0
        when payment_type = 'postpaid' then case when status = 'suspended' then 0 else ceil(revenue_cents / 100.0) * 100 end
        when ${u(S.rechargeSkipped)} < 0.3 then 0
        else ceil(revenue_cents * (1.0 + 0.4 * ${u(S.rechargeAmount)}) / 1000.0) * 1000 end)::int as recharge_cents,
      -- Complaints and competitor contacts concentrate in the churn-prone and grow towards the last month.
      (case when churn_prone then (${u(S.complaint)} < 0.10 + 0.05 * k)::int + (${u(S.secondComplaint)} < 0.06 + 0.02 * k)::int
        else (${u(S.complaint)} < 0.012)::int end) as complaints,
      (case when silent then 0
        when churn_prone then floor(${u(S.competitorContacts)} * (1 + 0.8 * k))
        else (${u(S.competitorContacts)} < 0.015)::int end)::int as competitor_contacts
    from usage_amounts
  )`;
}
