/**
 * The dispatch run (派单) over one region's subtree: five set-based statements in one transaction, each
 * idempotent, so a rerun (or a run retried after being killed) changes nothing that the first one did:
 *
 * 1. expire: live tasks whose due date (the task's own deadline) passed;
 * 2. unreachable: a task whose last attempt did not reach the customer (no answer, powered off, suspended)
 *    goes back to its agent's queue for the next contact window at another time of day, until
 *    `maxAttempts` such attempts; then to the account manager; after the manager's own failed attempt
 *    it is done as UNREACHABLE;
 * 3. escalate: tasks past their SLA deadline go to their team's lead, once;
 * 4. assign: open tasks not yet dispatched, by the customer's tier route (account manager; call center,
 *    to agents having the task's required skills, balanced by what is left of their capacity today;
 *    automated channel available in the region), see `assign.ts`;
 * 5. SLA deadlines for tasks assigned by hand.
 *
 * Runs of the same region are serialised by a row lock on the region.
 */
import { sql, type SQL } from 'drizzle-orm';
import { applyTaskOutcomes, type ChannelAvailability, type Clock } from '@weixi/core';
import { queryRows, TIERS, type Db } from '@weixi/db';
import { DISPATCH_ACTOR } from './actor.js';
import { assign } from './assign.js';
import { parseWindow, rulesOfSubtree, type RegionRules } from './rules.js';

export { DISPATCH_ACTOR };
const UNREACHABLE = sql`('no_answer', 'powered_off', 'suspended')`;

export interface DispatchSummary {
  regionCode: string;
  expired: number;
  /** Unreachable tasks put back for a later contact window. */
  retried: number;
  /** Unreachable `maxAttempts` times: given to the account manager. */
  handedOff: number;
  /** Still unreachable with the account manager (or none to hand to): done as UNREACHABLE. */
  closedUnreachable: number;
  escalated: number;
  /** Assigned to an agent, by route. */
  toAccountManagers: number;
  toCallCenter: number;
  /** Call-center tasks given to the team lead: no agent of the team has every skill they require. */
  toTeamLeads: number;
  /** Routed to the automated channel (no agent). */
  automated: number;
  /** Automated tasks left open: no automated channel available in the customer's region. */
  noChannel: number;
  /** Open tasks left undispatched: no team for their route, no capacity left today, or no channel. */
  undispatched: number;
  slaSet: number;
}

const list = (parts: SQL[]) => sql.join(parts, sql`, `);

/** The rules of the regions being dispatched, as CTEs the statements join. */
function rulesSql(regions: readonly RegionRules[]): SQL {
  const regionRows = regions.map((r) => sql`(${r.regionId}::int, ${r.timeZone}::text, ${r.rules.maxAttempts}::int, ${r.rules.automatedChannel}::text)`);
  const tierRows = regions.flatMap((r) => TIERS.map((tier) => sql`(${r.regionId}::int, ${tier}::text, ${r.rules.routes[tier]}::text, ${r.rules.slaHours[tier]}::float8)`));
  const windowRows = regions.flatMap((r) =>
    r.rules.contactWindows.map((text, i) => {
      const w = parseWindow(text)!;
      return sql`(${r.regionId}::int, ${i}::int, ${w.startMinute}::int, ${w.endMinute}::int)`;
    }),
  );
  return sql`region_rules(region_id, time_zone, max_attempts, automated_channel) as (values ${list(regionRows)}),
    tier_rules(region_id, tier, route, sla_hours) as (values ${list(tierRows)}),
    windows(region_id, idx, start_min, end_min) as (values ${list(windowRows)}),
    team_for(region_id, kind, team_id) as (
      -- the nearest team of each kind on the path from the region up to its province
      select distinct on (r.id, tm.kind) r.id, tm.kind, tm.id
      from regions r join teams tm on true join regions tr on tr.id = tm.region_id and starts_with(r.path, tr.path)
      where r.id in (select region_id from region_rules)
      order by r.id, tm.kind, length(tr.path) desc, tm.id
    )`;
}

const count = async (db: Db, query: SQL) => Number((await queryRows<{ n: number }>(db, query))[0]?.n ?? 0);

function expire(db: Db, rules: SQL, now: string) {
  return count(db, sql`with ${rules},
    live as (
      select t.id, t.state from retention_tasks t join customers c on c.id = t.customer_id
      where c.region_id in (select region_id from region_rules) and t.state in ('open', 'assigned', 'in_progress') and t.due_at < ${now}::timestamptz
      for update of t
    ), moved as (
      update retention_tasks t set state = 'expired', updated_at = ${now}::timestamptz, closed_at = ${now}::timestamptz, next_attempt_at = null
      from live where t.id = live.id returning t.id, live.state as from_state
    ), logged as (
      insert into task_transitions (task_id, from_state, to_state, at, actor, note, kind)
      select id, from_state, 'expired', ${now}::timestamptz, ${DISPATCH_ACTOR}, 'due date passed', 'expiry' from moved returning 1
    )
    select count(*)::int as n from logged`);
}

async function unreachable(db: Db, rules: SQL, now: string): Promise<Record<'retry' | 'handoff' | 'close', number>> {
  const rows = await queryRows<{ action: 'retry' | 'handoff' | 'close'; n: number }>(db, sql`with ${rules},
    live as (
      select t.id, t.state, t.assignee, t.next_attempt_at, c.region_id, c.account_manager
      from retention_tasks t join customers c on c.id = t.customer_id
      where c.region_id in (select region_id from region_rules) and t.state in ('assigned', 'in_progress')
    ),
    -- an attempt recorded with an outcome only (recordTaskOutcome) counts as unanswered when UNREACHABLE
    attempt as (
      select a.id, a.task_id, a.attempted_at, coalesce(a.disposition, case when a.outcome = 'unreachable' then 'no_answer' end) as disposition
      from task_attempts a where a.task_id in (select id from live)
    ),
    last as (select distinct on (task_id) task_id, attempted_at, disposition from attempt order by task_id, id desc),
    tally as (select task_id, count(*)::int as n from attempt where disposition in ${UNREACHABLE} group by task_id),
    due as (
      select live.id, live.state, live.assignee, live.region_id, l.attempted_at, l.disposition, tally.n, rr.max_attempts, rr.time_zone,
        (extract(hour from l.attempted_at at time zone rr.time_zone) * 60 + extract(minute from l.attempted_at at time zone rr.time_zone))::int as local_minute,
        coalesce(own.agent_id, amt.lead_agent_id) as manager, coalesce(own.team_id, amt.id) as manager_team
      from live join last l on l.task_id = live.id join tally on tally.task_id = live.id
      join region_rules rr on rr.region_id = live.region_id
      left join agents own on own.agent_id = live.account_manager and own.active
      left join team_for tf on tf.region_id = live.region_id and tf.kind = 'account_managers'
      left join teams amt on amt.id = tf.team_id
      -- not yet acted on: recording an unreachable attempt clears next_attempt_at; a retry sets it past the attempt
      where l.disposition in ${UNREACHABLE} and (live.next_attempt_at is null or live.next_attempt_at < l.attempted_at)
    ),
    plan as (
      select d.*, nw.at as retry_at,
        case when d.n < d.max_attempts then 'retry' when d.manager is not null and d.manager is distinct from d.assignee then 'handoff' else 'close' end as action
      from due d
      left join lateral (
        select s.at from (
          select ((d.attempted_at at time zone d.time_zone)::date + g.day + make_interval(mins => w.start_min)) at time zone d.time_zone as at,
            (w.start_min <= d.local_minute and d.local_minute < w.end_min) as same_window
          from generate_series(0, 2) as g(day) cross join windows w where w.region_id = d.region_id
        ) s where s.at > d.attempted_at order by s.same_window, s.at limit 1
      ) nw on true
    ),
    locked as (select t.id from retention_tasks t where t.id in (select id from plan) and t.state in ('assigned', 'in_progress') for update),
    moved as (
      update retention_tasks t set
        state = case p.action when 'close' then 'done' else 'assigned' end,
        outcome = case p.action when 'close' then 'unreachable' end,
        closed_at = case p.action when 'close' then ${now}::timestamptz end,
        assignee = case p.action when 'handoff' then p.manager else t.assignee end,
        team_id = case p.action when 'handoff' then p.manager_team else t.team_id end,
        next_attempt_at = case p.action when 'retry' then p.retry_at when 'handoff' then ${now}::timestamptz end,
        updated_at = ${now}::timestamptz
      from plan p where t.id = p.id and t.id in (select id from locked)
      returning t.id, p.state as from_state, t.state as to_state, p.action, p.n, p.max_attempts, p.disposition, t.assignee, t.next_attempt_at, p.time_zone
    ),
    logged as (
      insert into task_transitions (task_id, from_state, to_state, at, actor, note, kind)
      select id, from_state, to_state, ${now}::timestamptz, ${DISPATCH_ACTOR},
        case action
          when 'retry' then replace(disposition, '_', ' ') || ' (' || n || ' of ' || max_attempts || '): next attempt from ' || to_char(next_attempt_at at time zone time_zone, 'YYYY-MM-DD HH24:MI')
          when 'handoff' then 'not reached in ' || n || ' attempts: to account manager ' || assignee
          else 'not reached in ' || n || ' attempts: closed as unreachable' end,
        case action when 'retry' then 'redispatch' when 'handoff' then 'handoff' end
      from moved returning 1
    )
    select action, count(*)::int as n from moved group by action`);
  const by = Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
  return { retry: by.retry ?? 0, handoff: by.handoff ?? 0, close: by.close ?? 0 };
}

function escalate(db: Db, rules: SQL, now: string) {
  return count(db, sql`with ${rules},
    due as (
      select t.id, t.state, t.assignee, t.sla_due_at, rr.time_zone, tm.lead_agent_id as lead
      from retention_tasks t join customers c on c.id = t.customer_id join region_rules rr on rr.region_id = c.region_id
      left join agents ag on ag.agent_id = t.assignee
      left join teams tm on tm.id = coalesce(t.team_id, ag.team_id)
      where t.state in ('assigned', 'in_progress') and t.sla_due_at < ${now}::timestamptz and t.escalated_at is null
      for update of t
    ),
    moved as (
      update retention_tasks t set escalated_at = ${now}::timestamptz, updated_at = ${now}::timestamptz,
        assignee = coalesce(d.lead, t.assignee),
        state = case when d.lead is distinct from t.assignee and d.lead is not null then 'assigned' else t.state end
      from due d where t.id = d.id
      returning t.id, d.state as from_state, t.state as to_state, d.assignee as was, d.lead, d.sla_due_at, d.time_zone
    ),
    logged as (
      insert into task_transitions (task_id, from_state, to_state, at, actor, note, kind)
      select id, from_state, to_state, ${now}::timestamptz, ${DISPATCH_ACTOR},
        'SLA due ' || to_char(sla_due_at at time zone time_zone, 'YYYY-MM-DD HH24:MI') || ' passed: ' ||
        case when lead is null then 'the team has no lead to escalate to' when lead = was then lead || ' leads the team' else 'escalated from ' || was || ' to team lead ' || lead end,
        'escalation'
      from moved returning 1
    )
    select count(*)::int as n from logged`);
}

/** Tasks assigned by hand (never dispatched) get their tier's SLA deadline from when they were created. */
function slaForManual(db: Db, rules: SQL, now: string) {
  return count(db, sql`with ${rules},
    moved as (
      update retention_tasks t set sla_due_at = least(t.due_at, t.created_at + make_interval(secs => tr.sla_hours * 3600)), updated_at = ${now}::timestamptz
      from customers c, tier_rules tr
      where c.id = t.customer_id and tr.region_id = c.region_id and tr.tier = c.tier
        and t.state in ('assigned', 'in_progress') and t.sla_due_at is null
      returning 1
    )
    select count(*)::int as n from moved`);
}

export interface DispatchOptions {
  /** The channels available per region (the plugin host); absent: every channel is. */
  channels?: ChannelAvailability;
}

/** The channels available in each region dispatched, as a relation (region_id, channel, kind). */
function availableChannelsSql(regions: readonly RegionRules[], channels: ChannelAvailability): SQL {
  const rows = regions.flatMap((r) => channels.channelsIn(r.regionId).map((c) => sql`(${r.regionId}::int, ${c.id}::text, ${c.kind}::text)`));
  return rows.length === 0 ? sql`select null::int, null::text, null::text where false` : sql`values ${list(rows)}`;
}

/** Dispatches the subtree of one region (a city, as the job does; or any region). */
export async function runDispatch(db: Db, clock: Clock, region: { id: number; code: string; path: string }, options: DispatchOptions = {}): Promise<DispatchSummary> {
  const summary: DispatchSummary = {
    regionCode: region.code, expired: 0, retried: 0, handedOff: 0, closedUnreachable: 0, escalated: 0,
    toAccountManagers: 0, toCallCenter: 0, toTeamLeads: 0, automated: 0, noChannel: 0, undispatched: 0, slaSet: 0,
  };
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    await queryRows(tx, sql`select id from regions where id = ${region.id} for no key update`);
    const enabled = (await rulesOfSubtree(tx, region.path)).filter((r) => r.rules.enabled);
    if (enabled.length === 0) return summary;
    const rules = rulesSql(enabled);
    const now = clock.now().toISOString();
    summary.expired = await expire(tx, rules, now);
    const unreached = await unreachable(tx, rules, now);
    summary.retried = unreached.retry;
    summary.handedOff = unreached.handoff;
    summary.closedUnreachable = unreached.close;
    if (unreached.close > 0) {
      const closed = sql`select task_id from task_transitions where at = ${now}::timestamptz and actor = ${DISPATCH_ACTOR} and to_state = 'done'`;
      await applyTaskOutcomes(tx, closed, clock.now());
    }
    summary.escalated = await escalate(tx, rules, now);
    const assigned = await assign(tx, rules, now, options.channels ? availableChannelsSql(enabled, options.channels) : null);
    summary.toAccountManagers = assigned.account_manager;
    summary.toCallCenter = assigned.call_center;
    summary.toTeamLeads = assigned.team_lead;
    summary.automated = assigned.automated;
    summary.noChannel = assigned.no_channel;
    summary.undispatched = assigned.none;
    summary.slaSet = await slaForManual(tx, rules, now);
    return summary;
  });
}

/** One line for a job run's progress message. */
export function describeDispatch(s: DispatchSummary): string {
  const lead = s.toTeamLeads > 0 ? `, ${s.toTeamLeads} to team leads (no agent with the skills)` : '';
  const channel = s.noChannel > 0 ? ` (${s.noChannel} without an automated channel)` : '';
  return `${s.regionCode}: ${s.toAccountManagers} to account managers, ${s.toCallCenter} to the call center${lead}, ${s.automated} automated, ${s.undispatched} waiting${channel}; ` +
    `${s.retried} retried, ${s.handedOff} handed off, ${s.closedUnreachable} closed unreachable; ${s.escalated} escalated; ${s.expired} expired`;
}
