/**
 * The statement a DBA would write for the same night's run: every warning rule of the ten plugins, with
 * their default settings, over every customer, in ONE statement. Usage is read once (grouped by customer,
 * split with FILTER), the port-out inquiries once, the households' churned members once; each customer
 * then yields one row per rule it meets. Scores, evidence (rounded to 4 decimals) and reasons (2 decimals
 * at most, trailing zeros trimmed) are written as the engine writes them, so both row sets can be compared.
 *
 * The rules, as the plugins define them (plugins/warning-*\/src/rule.ts, settings from their manifests):
 * M is the as-of month, "last" its revenue (or usage), "avg3" the average of M-3..M-1.
 */
import type { PgSql } from '../setup.js';
import type { RunDates } from './dates.js';

/** Every rule the statement computes: plugin id and rule id. */
export const HANDWRITTEN_RULES: ReadonlyArray<readonly [string, string]> = [
  ['warning-arpu-drop', 'arpu-drop'],
  ['warning-arrears', 'arrears'],
  ['warning-contract-ending', 'contract-ending'],
  ['warning-device-age', 'device-age'],
  ['warning-household-left', 'household-left'],
  ['warning-new-customer-callback', 'new-customer-callback'],
  ['warning-port-out-intent', 'port-out-intent'],
  ['warning-repeated-complaints', 'repeated-complaints'],
  ['warning-silent-customers', 'silent-customer'],
  ['warning-usage-drop', 'voice-drop'],
  ['warning-usage-drop', 'data-drop'],
];

/** Inserts the warnings of one full run into `warnings` (empty beforehand); resolves to the rows written. */
export function handwrittenRun(sql: PgSql, d: RunDates, now: Date): Promise<{ count: number }> {
  const householdFrom = new Date(Date.parse(`${d.day}T00:00:00Z`) - 90 * 86_400_000).toISOString().slice(0, 10);
  const inquiriesFrom = new Date(Date.parse(d.dayStart) - 60 * 86_400_000).toISOString();
  return sql`
    insert into warnings (customer_id, plugin_id, rule_id, region_id, level, score, reason, evidence, status, as_of_month, first_seen_at, last_seen_at)
    select f.id, w.plugin_id, w.rule_id, f.region_id,
      case when w.score >= 70 then 'high' when w.score >= 40 then 'medium' else 'low' end,
      w.score, w.reason, w.evidence, 'open', ${d.m}::date, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
    from (
      select c.id, c.region_id, c.status, c.group_kind, c.balance_cents::numeric as balance, c.credit_limit_cents::numeric as credit_limit,
        (${d.mIndex}::int - (extract(year from c.joined_on)::int * 12 + extract(month from c.joined_on)::int - 1))::numeric as tenure,
        (c.contract_ends_on - ${d.day}::date)::numeric as days_left,
        case when c.attributes ->> 'devicePurchasedOn' ~ '^\\d{4}-\\d{2}-\\d{2}$' then (
          extract(year from age(${d.day}::date, (c.attributes ->> 'devicePurchasedOn')::date)) * 12
          + extract(month from age(${d.day}::date, (c.attributes ->> 'devicePurchasedOn')::date)))::numeric end as device_months,
        coalesce(h.churned, 0)::numeric as household_left,
        coalesce(i.inquiries, 0)::numeric as inquiries,
        coalesce(u.revenue, 0)::numeric as revenue, coalesce(u.revenue_before, 0)::numeric as revenue_before,
        coalesce(u.revenue_3, 0)::numeric / 3 as revenue_avg3,
        coalesce(u.voice, 0)::numeric as voice, coalesce(u.voice_3, 0)::numeric / 3 as voice_avg3,
        coalesce(u.data, 0)::numeric as data, coalesce(u.data_3, 0)::numeric / 3 as data_avg3,
        coalesce(u.complaints, 0)::numeric as complaints, coalesce(u.complaints_3, 0)::numeric as complaints_3,
        coalesce(u.competitor_2, 0)::numeric as competitor_2,
        -- Complete months since the last one with an active day (6: none in the six months through M).
        coalesce(${d.mIndex}::int - (extract(year from u.last_active)::int * 12 + extract(month from u.last_active)::int - 1), 6)::numeric as silent
      from customers c
      left join (
        select customer_id,
          sum(revenue_cents) filter (where month = ${d.m}::date) as revenue,
          sum(revenue_cents) filter (where month = ${d.m1}::date) as revenue_before,
          sum(revenue_cents) filter (where month >= ${d.m3}::date and month < ${d.m}::date) as revenue_3,
          sum(voice_minutes) filter (where month = ${d.m}::date) as voice,
          sum(voice_minutes) filter (where month >= ${d.m3}::date and month < ${d.m}::date) as voice_3,
          sum(data_mb) filter (where month = ${d.m}::date) as data,
          sum(data_mb) filter (where month >= ${d.m3}::date and month < ${d.m}::date) as data_3,
          sum(complaints) filter (where month = ${d.m}::date) as complaints,
          sum(complaints) filter (where month >= ${d.m2}::date) as complaints_3,
          sum(competitor_contacts) filter (where month >= ${d.m1}::date) as competitor_2,
          max(month) filter (where active_days > 0) as last_active
        from monthly_usage
        where month >= ${d.m5}::date and month < ${d.next}::date
        group by customer_id
      ) u on u.customer_id = c.id
      left join (
        select customer_id, count(*) as inquiries from customer_events
        where type = 'port_out.inquiry' and occurred_at >= ${inquiriesFrom}::timestamptz and occurred_at < ${d.dayStart}::timestamptz
        group by customer_id
      ) i on i.customer_id = c.id
      -- Members who churned in the 90 days before the day; the customer itself is active (churned_on null).
      left join (
        select group_id, count(*) as churned from customers
        where churned_on >= ${householdFrom}::date and churned_on < ${d.day}::date
        group by group_id
      ) h on h.group_id = c.group_id
    ) f
    cross join lateral (
      -- 消费波动: last month's revenue down 30% against the month before or the 3-month average (at least 3,000).
      select 'warning-arpu-drop', 'arpu-drop', round(100 * greatest((f.revenue_before - f.revenue) / nullif(f.revenue_before, 0), (f.revenue_avg3 - f.revenue) / nullif(f.revenue_avg3, 0)), 2),
        jsonb_build_object('revenueCents', round(f.revenue, 4), 'previousCents', round(f.revenue_before, 4), 'average3Cents', round(f.revenue_avg3, 4),
          'dropVsPrevious', round((f.revenue_before - f.revenue) / nullif(f.revenue_before, 0), 4), 'dropVsAverage', round((f.revenue_avg3 - f.revenue) / nullif(f.revenue_avg3, 0), 4)),
        concat('消费波动：上月消费', trim_scale(round(f.revenue, 2)), '分，前一月', trim_scale(round(f.revenue_before, 2)), '分，前三月均值', trim_scale(round(f.revenue_avg3, 2)), '分')
      where f.status = 'active' and f.revenue_avg3 >= 3000
        and ((f.revenue_before - f.revenue) / nullif(f.revenue_before, 0) >= 0.3 or (f.revenue_avg3 - f.revenue) / nullif(f.revenue_avg3, 0) >= 0.3)
      union all
      -- 欠费停机: suspended, or active owing at least 1,000; score 50 + 50 × owed / 20,000, at most 100.
      select 'warning-arrears', 'arrears', round(least(100, 50 + 50 * (greatest(0, -f.balance) / 20000)), 2),
        jsonb_build_object('owedCents', round(greatest(0, -f.balance), 4), 'balanceCents', round(f.balance, 4), 'creditLimitCents', round(f.credit_limit, 4)),
        concat('欠费停机：欠费', trim_scale(round(greatest(0, -f.balance), 2)), '分，信用额度', trim_scale(round(f.credit_limit, 2)), '分')
      where f.status = 'suspended' or (f.status = 'active' and -f.balance >= 1000)
      union all
      -- 到期: active, contract ends within 30 days; 40 at 30 days left up to 100 on the last day.
      select 'warning-contract-ending', 'contract-ending', round(100 - 60 * (f.days_left / 30), 2),
        jsonb_build_object('daysLeft', round(f.days_left, 4), 'tenureMonths', round(f.tenure, 4)),
        concat('合约', trim_scale(round(f.days_left, 2)), '天后到期')
      where f.status = 'active' and f.days_left between 0 and 30
      union all
      -- 终端老化: active, handset at least 30 months old; 2 per month, at most 100.
      select 'warning-device-age', 'device-age', round(least(100, 2 * f.device_months), 2),
        jsonb_build_object('deviceAgeMonths', round(f.device_months, 4)),
        concat('终端老化：手机已使用', trim_scale(round(f.device_months, 2)), '个月')
      where f.status = 'active' and f.device_months >= 30
      union all
      -- 家庭成员离网: active household member, another member churned within 90 days; 30 + 30 per member.
      select 'warning-household-left', 'household-left', round(least(100, 30 + 30 * f.household_left), 2),
        jsonb_build_object('membersLeft', round(f.household_left, 4)),
        concat('家庭成员离网：近90天有', trim_scale(round(f.household_left, 2)), '名家庭成员离网')
      where f.status = 'active' and f.group_kind = 'household' and f.household_left >= 1
      union all
      -- 新客户回访: active, at most 1 complete month on the network; 40, 80 when last month's revenue is under 2,000.
      select 'warning-new-customer-callback', 'new-customer-callback', round(40 + 40 * least(1, greatest(0, 2000 - f.revenue)), 2),
        jsonb_build_object('tenureMonths', round(f.tenure, 4), 'revenueCents', round(f.revenue, 4)),
        concat('新客户回访：入网', trim_scale(round(f.tenure, 2)), '个完整月，上月消费', trim_scale(round(f.revenue, 2)), '分')
      where f.status = 'active' and f.tenure between 0 and 1
      union all
      -- 携号转网意向: active, a port-out inquiry within 60 days or 4 competitor contacts over 2 months.
      select 'warning-port-out-intent', 'port-out-intent', round(least(100, 60 * f.inquiries + 5 * f.competitor_2), 2),
        jsonb_build_object('inquiries', round(f.inquiries, 4), 'competitorCalls', round(f.competitor_2, 4)),
        concat('携号转网意向：近60天查询携转', trim_scale(round(f.inquiries, 2)), '次，近2个月联系竞争对手', trim_scale(round(f.competitor_2, 2)), '次')
      where f.status = 'active' and (f.inquiries >= 1 or f.competitor_2 >= 4)
      union all
      -- 重复投诉: active or suspended, 2 complaints over 3 months; 35 each, a complaint last month counts twice.
      select 'warning-repeated-complaints', 'repeated-complaints', round(least(100, 35 * (f.complaints_3 + least(f.complaints, 1))), 2),
        jsonb_build_object('complaints', round(f.complaints_3, 4), 'lastMonth', round(f.complaints, 4)),
        concat('重复投诉：近3个月投诉', trim_scale(round(f.complaints_3, 2)), '次，上月', trim_scale(round(f.complaints, 2)), '次')
      where f.status in ('active', 'suspended') and f.complaints_3 >= 2
      union all
      -- 沉默客户: active, joined before M, no active day in M; silent months counted back to the join month.
      select 'warning-silent-customers', 'silent-customer', round(least(100, 30 + 20 * least(f.silent, f.tenure), 50 + 10 * least(f.silent, f.tenure)), 2),
        jsonb_build_object('silentMonths', round(least(f.silent, f.tenure), 4), 'tenureMonths', round(f.tenure, 4)),
        concat('沉默客户：连续', trim_scale(round(least(f.silent, f.tenure), 2)), '个完整月无活跃')
      where f.status = 'active' and f.tenure >= 1 and f.silent >= 1
      union all
      -- 通话量下降: active, voice down 50% against the 3-month average (at least 60 minutes).
      select 'warning-usage-drop', 'voice-drop', round(100 * ((f.voice_avg3 - f.voice) / nullif(f.voice_avg3, 0)), 2),
        jsonb_build_object('lastMonth', round(f.voice, 4), 'average3', round(f.voice_avg3, 4), 'drop', round((f.voice_avg3 - f.voice) / nullif(f.voice_avg3, 0), 4)),
        concat('通话量下降：上月', trim_scale(round(f.voice, 2)), '分钟，前三月均值', trim_scale(round(f.voice_avg3, 2)), '分钟')
      where f.status = 'active' and f.voice_avg3 >= 60 and (f.voice_avg3 - f.voice) / nullif(f.voice_avg3, 0) >= 0.5
      union all
      -- 流量下降: the same for data (at least 500 MB).
      select 'warning-usage-drop', 'data-drop', round(100 * ((f.data_avg3 - f.data) / nullif(f.data_avg3, 0)), 2),
        jsonb_build_object('lastMonth', round(f.data, 4), 'average3', round(f.data_avg3, 4), 'drop', round((f.data_avg3 - f.data) / nullif(f.data_avg3, 0), 4)),
        concat('流量下降：上月', trim_scale(round(f.data, 2)), 'MB，前三月均值', trim_scale(round(f.data_avg3, 2)), 'MB')
      where f.status = 'active' and f.data_avg3 >= 500 and (f.data_avg3 - f.data) / nullif(f.data_avg3, 0) >= 0.5
    ) w(plugin_id, rule_id, score, evidence, reason)` as unknown as Promise<{ count: number }>;
}
