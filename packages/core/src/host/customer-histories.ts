/**
 * Customer histories (`CustomerHistory` of the SDK) as of a month: what a churn model learns from and
 * scores. One page of customers per statement (keyset on id), each with its usage months and event counts
 * gathered by correlated subqueries on their indexes, so memory holds one page, never a region. The JSON
 * shape is built here once (`historyOf`) for rows from the database and rows from a file alike.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import type { CustomerHistory, CustomerTier, HistoryMonth, UsageMetric } from '@weixi/sdk';
import { firstDay, monthIndex, withoutRevenue, type ChurnDefinition } from '@weixi/warnings';

/** Usage months a history carries, ending with the as-of month. */
export const HISTORY_MONTHS = 12;
/** Days before the evaluation day whose customer events a history counts. */
export const HISTORY_EVENT_DAYS = 90;

const METRICS: readonly UsageMetric[] = ['revenueCents', 'voiceMinutes', 'dataMb', 'sms', 'rechargeCents', 'activeDays', 'complaints', 'competitorContacts'];

/** A customer as the history statement (or a file row) gives it, before shaping. */
export interface RawHistory {
  id: number;
  region_code: string;
  tier: CustomerTier | null;
  plan: string;
  payment_type: string;
  joined_on: string;
  contract_ends_on: string | null;
  balance_cents: number;
  credit_limit_cents: number;
  points: number;
  group_kind: string | null;
  is_campus: boolean;
  attributes: Record<string, unknown> | string;
  /** `YYYY-MM` → figures. */
  usage: Array<{ month: string } & Partial<Record<UsageMetric, number>>> | string | null;
  events: Record<string, number> | string | null;
  churned?: boolean;
}

const json = <T>(v: T | string | null): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;

/** Shapes a raw row as of `asOfMonth` (`YYYY-MM`): tenure and contract days count from the day after it. */
export function historyOf(raw: RawHistory, asOfMonth: string, months = HISTORY_MONTHS): CustomerHistory {
  const evaluationDay = firstDay(asOfMonth, 1);
  const byMonth = new Map((json(raw.usage) ?? []).map((u) => [u.month.slice(0, 7), u]));
  const usage: HistoryMonth[] = [];
  for (let k = months - 1; k >= 0; k--) {
    const month = firstDay(asOfMonth, -k).slice(0, 7);
    const row = byMonth.get(month);
    usage.push({ month, ...(Object.fromEntries(METRICS.map((m) => [m, Number(row?.[m] ?? 0)])) as Record<UsageMetric, number>) });
  }
  return {
    customerId: Number(raw.id),
    regionCode: raw.region_code,
    facts: {
      tier: raw.tier,
      plan: raw.plan,
      paymentType: raw.payment_type,
      tenureMonths: monthIndex(asOfMonth) - monthIndex(raw.joined_on.slice(0, 7)),
      contractEndsInDays: raw.contract_ends_on === null ? null : dayNumber(raw.contract_ends_on) - dayNumber(evaluationDay),
      balanceCents: Number(raw.balance_cents),
      creditLimitCents: Number(raw.credit_limit_cents),
      points: Number(raw.points),
      groupKind: raw.group_kind,
      isCampus: Boolean(raw.is_campus),
    },
    attributes: json(raw.attributes) ?? {},
    usage,
    events: json(raw.events) ?? {},
  };
}

export interface HistoryPage {
  /** Region ids of the subtree. */
  regionIds: number[];
  asOfMonth: string;
  /** The first instant of the evaluation day in the region's time zone: events before it count. */
  dayStart: Date;
  afterId: number;
  limit: number;
  months?: number;
}

/** Who is in a page: customers to score now, or customers to learn from with their outcome. */
export type HistoryPopulation =
  | { kind: 'current' }
  | { kind: 'labelled'; horizonMonths: number; churn: ChurnDefinition };

/**
 * One page of histories, ascending by customer id. `current`: customers not churned, joined before the
 * evaluation day. `labelled`: customers on the evaluation day with hindsight (joined before it, not churned
 * by then), whose outcome is known (not `attributes.outcome = 'unknown'`), with `churned` true when they
 * churned within the horizon by the platform's churn definition (as warning backtests judge it).
 */
export async function historyPage(db: Db, page: HistoryPage, population: HistoryPopulation): Promise<RawHistory[]> {
  const months = page.months ?? HISTORY_MONTHS;
  const first = firstDay(page.asOfMonth, 1);
  const from = firstDay(page.asOfMonth, 1 - months);
  const ids = sql.raw(page.regionIds.map((id) => String(Number(id))).join(', ') || 'null');
  const since = new Date(page.dayStart.getTime() - HISTORY_EVENT_DAYS * 86_400_000).toISOString();
  let who: SQL;
  let label = sql``;
  let labelledFrom = sql``;
  if (population.kind === 'current') {
    who = sql`c.status <> 'churned' and c.churned_on is null and c.joined_on < ${first}::date`;
  } else {
    const end = firstDay(page.asOfMonth, 1 + population.horizonMonths);
    who = sql`c.joined_on < ${first}::date and (c.churned_on is null or c.churned_on >= ${first}::date)
      and coalesce(c.attributes ->> 'outcome', '') <> 'unknown'`;
    const silent = population.churn.monthsWithoutRevenue;
    const silentIds = silent === null || silent > population.horizonMonths ? null : withoutRevenue(silent, first, population.horizonMonths);
    label = sql`, (c.churned_on is not null and c.churned_on < ${end}::date${silentIds ? sql` or c.id in (${silentIds})` : sql``}) as churned`;
    // withoutRevenue reads the page's customers as `population`.
    labelledFrom = silentIds ? sql`with population as (select c.id from customers c where c.region_id in (${ids}) and c.id > ${page.afterId} and ${who} order by c.id limit ${page.limit}) ` : sql``;
  }
  return queryRows<RawHistory & Record<string, unknown>>(
    db,
    sql`${labelledFrom}select c.id, r.code as region_code, c.tier, c.plan, c.payment_type, c.joined_on::text as joined_on,
          c.contract_ends_on::text as contract_ends_on, c.balance_cents, c.credit_limit_cents, c.points, c.group_kind, c.is_campus, c.attributes,
          (select json_agg(json_build_object('month', to_char(u.month, 'YYYY-MM'), 'revenueCents', u.revenue_cents, 'voiceMinutes', u.voice_minutes,
              'dataMb', u.data_mb, 'sms', u.sms, 'rechargeCents', u.recharge_cents, 'activeDays', u.active_days, 'complaints', u.complaints,
              'competitorContacts', u.competitor_contacts))
            from monthly_usage u where u.customer_id = c.id and u.month >= ${from}::date and u.month < ${first}::date) as usage,
          (select json_object_agg(e.type, e.n) from (select type, count(*)::int as n from customer_events
            where customer_id = c.id and occurred_at >= ${since}::timestamptz and occurred_at < ${page.dayStart.toISOString()}::timestamptz group by type) e) as events
          ${label}
        from customers c join regions r on r.id = c.region_id
        where c.region_id in (${ids}) and c.id > ${page.afterId} and ${who}
        order by c.id limit ${page.limit}`,
  );
}

/** Every page of a population, one at a time. */
export async function* historyPages(db: Db, page: Omit<HistoryPage, 'afterId'>, population: HistoryPopulation): AsyncGenerator<RawHistory[]> {
  for (let afterId = 0; ; ) {
    const rows = await historyPage(db, { ...page, afterId }, population);
    if (rows.length === 0) return;
    yield rows;
    afterId = Number(rows.at(-1)!.id);
    if (rows.length < page.limit) return;
  }
}
