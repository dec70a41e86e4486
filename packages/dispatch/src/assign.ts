/**
 * Assignment (派单) of open, undispatched tasks by the customer's tier route:
 *
 * - account manager: the customer's own manager if an active agent, else the nearest account-manager team's lead;
 * - call center: the nearest call-center team's active agents having every skill the task requires, each new
 *   task to the least loaded relative to its capacity today. Tasks are assigned in rounds by required skill
 *   set, the most skills first (a specialist's capacity goes to what only a specialist can do), one statement
 *   per round. When no active agent of the team (with capacity) has them, the task goes to the team lead,
 *   who decides; without a lead it waits;
 * - automated: no agent; the task's channel when it is an automated channel available in the customer's
 *   region, else the region's `automatedChannel` when available; with neither it waits.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@weixi/db';
import { DISPATCH_ACTOR } from './actor.js';

export interface Assigned {
  account_manager: number;
  call_center: number;
  /** Call-center tasks given to the team lead: no agent of the team has the skills they require. */
  team_lead: number;
  automated: number;
  /** Automated tasks left open: no automated channel available in the customer's region. */
  no_channel: number;
  /** Open tasks left undispatched (any reason). */
  none: number;
}

/** A task's required skills as a sorted set, so tasks needing the same skills share a round. */
const SKILLS = sql`array(select distinct s from unnest(t.required_skills) s order by s)`;

/**
 * Assigns the open undispatched tasks of the regions in `rules`; `availableChannels` is a relation
 * (region_id, channel, kind) of the channels available per region, or null when every channel is.
 */
export async function assign(db: Db, rules: SQL, now: string, availableChannels: SQL | null): Promise<Assigned> {
  const sets = await queryRows<{ skills: string[] }>(db, sql`with ${rules}
    select distinct ${SKILLS} as skills from retention_tasks t join customers c on c.id = t.customer_id
    join tier_rules tr on tr.region_id = c.region_id and tr.tier = c.tier
    where t.state = 'open' and t.dispatched_at is null and tr.route = 'call_center'`);
  const rounds = sets.map((s) => s.skills).sort((a, b) => b.length - a.length || a.join(',').localeCompare(b.join(',')));
  const out: Assigned = { account_manager: 0, call_center: 0, team_lead: 0, automated: 0, no_channel: 0, none: 0 };
  // The first statement also routes the other tiers; each later one only the call-center tasks of its skill set.
  for (let i = 0; i < Math.max(1, rounds.length); i++) {
    const rows = await queryRows<{ route: keyof Assigned; n: number }>(db, statement(rules, now, availableChannels, rounds[i] ?? null, i === 0));
    for (const r of rows) if (r.route !== 'none') out[r.route] += Number(r.n);
  }
  const [left] = await queryRows<{ n: number }>(db, sql`with ${rules}
    select count(*)::int as n from retention_tasks t join customers c on c.id = t.customer_id
    where c.region_id in (select region_id from region_rules) and t.state = 'open' and t.dispatched_at is null`);
  out.none = Number(left?.n ?? 0);
  return out;
}

function statement(rules: SQL, now: string, availableChannels: SQL | null, skills: string[] | null, others: boolean): SQL {
  const routes = others ? sql`true` : sql`false`;
  const inRound = skills === null ? sql`false` : sql`o.skills = ${sql.param(skills)}::text[]`;
  const automatedChannel = availableChannels
    ? sql`(select ac.channel from available_channel ac
        where ac.region_id = o.region_id and ac.kind = 'automated' and ac.channel in (o.channel, rr.automated_channel)
        order by ac.channel = o.channel desc limit 1)`
    : sql`coalesce(o.channel, rr.automated_channel)`;
  return sql`with ${rules}${availableChannels ? sql`, available_channel(region_id, channel, kind) as (${availableChannels})` : sql``},
    open_task as (
      select t.id, t.due_at, t.channel, ${SKILLS} as skills, c.region_id, c.account_manager, tr.route, tr.sla_hours,
        least(t.due_at, ${now}::timestamptz + make_interval(secs => tr.sla_hours * 3600)) as sla_due_at
      from retention_tasks t join customers c on c.id = t.customer_id
      join tier_rules tr on tr.region_id = c.region_id and tr.tier = c.tier
      where t.state = 'open' and t.dispatched_at is null
    ),
    to_manager as (
      select o.id, coalesce(own.agent_id, amt.lead_agent_id) as agent, coalesce(own.team_id, amt.id) as team
      from open_task o
      left join agents own on own.agent_id = o.account_manager and own.active
      left join team_for tf on tf.region_id = o.region_id and tf.kind = 'account_managers'
      left join teams amt on amt.id = tf.team_id
      where o.route = 'account_manager' and ${routes}
    ),
    routed as (
      select o.id, o.sla_due_at, o.skills, tf.team_id,
        exists (select from agents ag where ag.team_id = tf.team_id and ag.active and ag.capacity_per_day > 0 and ag.skills @> o.skills) as skilled
      from open_task o join team_for tf on tf.region_id = o.region_id and tf.kind = 'call_center'
      where o.route = 'call_center' and ${inRound}
    ),
    queued as (select r.id, r.team_id, row_number() over (partition by r.team_id order by r.sla_due_at, r.id) as rn from routed r where r.skilled),
    to_lead as (
      select r.id, tm.lead_agent_id as agent, r.team_id as team, array_to_string(r.skills, ', ') as skills
      from routed r join teams tm on tm.id = r.team_id where not r.skilled and cardinality(r.skills) > 0 and tm.lead_agent_id is not null
    ),
    -- what each skilled agent of those teams took today (its region's local day), and one row per free slot,
    -- ranked so that the least loaded agent relative to its capacity takes the next task
    load as (
      select ag.agent_id, ag.team_id, ag.capacity_per_day,
        (select count(*)::int from retention_tasks x where x.assignee = ag.agent_id
          and x.dispatched_at >= date_trunc('day', ${now}::timestamptz at time zone r.time_zone) at time zone r.time_zone) as taken
      from agents ag join regions r on r.id = ag.region_id
      where ag.active and ag.capacity_per_day > 0 and ag.team_id in (select team_id from queued) and ag.skills @> ${skills === null ? sql`'{}'` : sql.param(skills)}::text[]
    ),
    slot as (
      select l.agent_id, l.team_id,
        row_number() over (partition by l.team_id order by (l.taken + k)::float8 / l.capacity_per_day, k, l.agent_id) as rn
      from load l cross join lateral generate_series(1, l.capacity_per_day - l.taken) as k
    ),
    to_call_center as (select q.id, s.agent_id as agent, q.team_id as team from queued q join slot s on s.team_id = q.team_id and s.rn = q.rn),
    to_automated as (
      select o.id, ${automatedChannel} as channel, tf.team_id as team from open_task o
      join region_rules rr on rr.region_id = o.region_id
      left join team_for tf on tf.region_id = o.region_id and tf.kind = 'automated'
      where o.route = 'automated' and ${routes}
    ),
    chosen as (
      select id, agent, team, null::text as channel, 'account_manager' as route, null::text as skills from to_manager where agent is not null
      union all select id, agent, team, null, 'call_center', null from to_call_center
      union all select id, agent, team, null, 'team_lead', skills from to_lead
      union all select id, null, team, channel, 'automated', null from to_automated where channel is not null
    ),
    locked as (select t.id from retention_tasks t where t.id in (select id from chosen) and t.state = 'open' and t.dispatched_at is null for update),
    moved as (
      update retention_tasks t set
        assignee = ch.agent, team_id = ch.team, state = case when ch.agent is null then 'open' else 'assigned' end,
        channel = coalesce(ch.channel, t.channel),
        dispatched_at = ${now}::timestamptz, sla_due_at = o.sla_due_at, updated_at = ${now}::timestamptz
      from chosen ch join open_task o on o.id = ch.id
      where t.id = ch.id and t.id in (select id from locked)
      returning t.id, t.state, ch.route, t.assignee, t.channel, ch.skills
    ),
    logged as (
      insert into task_transitions (task_id, from_state, to_state, at, actor, note, kind)
      select id, 'open', state, ${now}::timestamptz, ${DISPATCH_ACTOR},
        case route when 'account_manager' then 'to account manager ' || assignee when 'call_center' then 'to call-center agent ' || assignee
          when 'team_lead' then 'no agent of the team has the skills ' || skills || ': to team lead ' || assignee
          else 'to the automated channel ' || channel end,
        'dispatch'
      from moved returning 1
    )
    select route, count(*)::int as n from moved group by route
    union all select 'no_channel', count(*)::int from to_automated where channel is null`;
}
