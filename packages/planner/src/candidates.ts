/**
 * The candidates of a plan as ONE select: every active customer of the region subtree (or one customer),
 * crossed laterally with a branch per tactic that keeps the customers the tactic answers (tier and a
 * trigger), with the tactic's variables, cost, benefit value, suitability and the first failing check.
 * Conditions and expressions are compiled by the warning engine's `RuleCompiler`, whose aggregates (usage,
 * events, households) are read once for every tactic.
 */
import { sql, type SQL } from 'drizzle-orm';
import { reasonPlaceholders, type TacticDefinition, type WarningExpr } from '@weixi/sdk';
import { heldOutCheck } from '@weixi/kpis';
import { RuleCompiler, type AsOf } from '@weixi/warnings';
import type { PlannedTactic } from './tactics.js';

const LIVE = sql`status in ('open', 'acknowledged')`;
const DAY_MS = 86_400_000;

/** Annual value: twelve times the average monthly revenue of the last three complete months (cents). */
const AVERAGE_REVENUE: WarningExpr = { usage: 'revenueCents', measure: 'average', months: 3 };

/** Ids written into the statement as numbers (as the warning engine does), so the plan fits the subtree. */
export const literals = (ids: readonly number[]): SQL => sql.raw(ids.length === 0 ? 'null' : ids.map((id) => String(Number(id))).join(', '));

/** A template with each `{name}` replaced by `resolve(name)` (text), as one `concat`. */
export function fill(template: string, resolve: (name: string) => SQL): SQL {
  const parts: SQL[] = [];
  let rest = template;
  for (const name of reasonPlaceholders(template)) {
    const at = rest.indexOf(`{${name}}`);
    parts.push(sql`${rest.slice(0, at)}::text`, sql`coalesce((${resolve(name)})::text, '-')`);
    rest = rest.slice(at + name.length + 2);
  }
  parts.push(sql`${rest}::text`);
  return sql`concat(${sql.join(parts, sql`, `)})`;
}

/**
 * Whether a warning `w` is of one of `rules` (`plugin/rule`, or `plugin` for all its rules), as column
 * comparisons the planner can estimate.
 */
function answered(rules: readonly string[]): SQL {
  const plugins = rules.filter((r) => !r.includes('/'));
  const pairs = rules.filter((r) => r.includes('/')).map((r) => [r.slice(0, r.indexOf('/')), r.slice(r.indexOf('/') + 1)] as const);
  const parts: SQL[] = [];
  if (plugins.length > 0) parts.push(sql`w.plugin_id = any(${sql.param(plugins)}::text[])`);
  if (pairs.length > 0) parts.push(sql`(w.plugin_id, w.rule_id) in (${sql.join(pairs.map(([p, r]) => sql`(${p}::text, ${r}::text)`), sql`, `)})`);
  return sql`(${sql.join(parts, sql` or `)})`;
}

/** A number as the templates show it: at most 2 decimals. */
export const shown = (value: SQL): SQL => sql`trim_scale(round((${value})::numeric, 2))`;

export interface CandidateScope {
  /** The regions planned (the subtrees of every run planned together). */
  regionIds: readonly number[];
  /** Only these customers (a preview). */
  customerIds?: readonly number[];
  asOf: AsOf;
  timeZone: string;
  /** Per tactic (same order): whether one of its channels is available in the region (the host's `channelsIn`). */
  channelAvailable: readonly boolean[];
}

/**
 * Columns: customer_id, region_id, tactic, score, cost_cents, value_cents, reason (null: eligible), trigger,
 * warning_ids, variables.
 */
export function candidatesSql(tactics: readonly PlannedTactic[], scope: CandidateScope): SQL {
  const compiler = new RuleCompiler(scope.asOf);
  const annual = sql`(12 * coalesce(${compiler.expr(AVERAGE_REVENUE)}, 0))`;
  // Each distinct list of warning rules tactics answer is read once, as an aggregate joined by customer.
  const ruleLists = [...new Set(tactics.map((t) => JSON.stringify([...(t.definition.answers.warningRules ?? [])].sort())))].filter((l) => l !== '[]');
  const warned = (t: PlannedTactic) => ruleLists.indexOf(JSON.stringify([...(t.definition.answers.warningRules ?? [])].sort()));
  const branches = tactics.map((t, i) => branch(compiler, t, i, scope, annual, warned(t)));
  const customers = sql`c.region_id in (${literals(scope.regionIds)})${scope.customerIds === undefined ? sql`` : sql` and c.id in (${literals(scope.customerIds)})`}`;
  const inScope = sql`select id from customers c where ${customers}`;
  const since = new Date(scope.asOf.dayStart.getTime() - 365 * DAY_MS).toISOString();
  // Each customer's last task of each tactic within the longest cooldown, for the cooldown checks.
  const cooling = new Date(scope.asOf.dayStart.getTime() - Math.max(0, ...tactics.map((t) => t.definition.cooldownDays)) * DAY_MS).toISOString();
  // The joins are built after every expression is compiled: they carry the aggregates the branches name.
  return sql`select c.id as customer_id, c.region_id, x.tactic, x.score, x.cost_cents, x.value_cents, x.reason, x.trigger, x.warning_ids, x.variables
    from customers c${compiler.aggregates.joins(sql`${inScope}`)}
    join regions cr on cr.id = c.region_id
    left join (select customer_id, 1 - exp(sum(ln(greatest(0.000001, 1 - score::float8 / 100)))) as risk
      from warnings where ${LIVE} and customer_id in (${inScope}) group by customer_id) wr on wr.customer_id = c.id
    left join (select customer_id, sum(value_cents) as granted from benefit_grants
      where granted_at > ${since}::timestamptz and customer_id in (${inScope}) group by customer_id) bg on bg.customer_id = c.id
    left join (select customer_id, array_agg(tactic) as tactics, array_agg(last) as lasts from (
        select customer_id, tactic, max(created_at) as last from retention_tasks
        where tactic = any(${sql.param(tactics.map((t) => t.key))}::text[]) and created_at > ${cooling}::timestamptz and customer_id in (${inScope})
        group by customer_id, tactic) t group by customer_id) lt on lt.customer_id = c.id
    ${sql.join(
      ruleLists.map((list, k) => {
        const rules = JSON.parse(list) as string[];
        return sql.raw(' ').append(sql`left join (select w.customer_id, array_agg(w.id order by w.score desc, w.id) as ids, (array_agg(w.reason order by w.score desc, w.id))[1] as reason
          from warnings w where w.${LIVE} and w.customer_id in (${inScope})
            and ${answered(rules)}
          group by w.customer_id) ${sql.raw(`tw${k}`)} on ${sql.raw(`tw${k}`)}.customer_id = c.id`);
      }),
      sql` `,
    )}
    left join (select customer_id, min(id) as id from retention_tasks
      where state in ('open', 'assigned', 'in_progress') and customer_id in (${inScope}) group by customer_id) act on act.customer_id = c.id
    cross join lateral (${sql.join(branches, sql` union all `)}) x
    where ${customers} and c.status = 'active'`;
}

/** One tactic's candidates among a customer's; `warned`: the index of its rule list's join (`tw<k>`), -1 for none. */
function branch(compiler: RuleCompiler, tactic: PlannedTactic, index: number, scope: CandidateScope, annual: SQL, warned: number): SQL {
  const def: TacticDefinition = tactic.definition;
  const key = sql`${tactic.key}::text`;
  const vars = def.variables ?? {};
  const variable = (name: string) => (name in vars ? shown(compiler.expr(vars[name]!)) : sql`null`);
  const cost = sql`round(coalesce(${compiler.expr(def.offer.costCents)}, 0))::int`;
  const value = sql`round(coalesce(${compiler.expr(def.offer.benefit.valueCents)}, 0))::int`;

  const tiers = def.answers.tiers ? sql`c.tier = any(${sql.param(def.answers.tiers)}::text[])` : sql`true`;
  const warningsOf = warned < 0 ? sql`(select null::int[] as ids, null::text as reason)` : sql.raw(`(select tw${warned}.ids, tw${warned}.reason)`);
  const segmentNames = def.answers.segments ?? [];
  const segment =
    segmentNames.length === 0
      ? sql`null::text`
      : sql`(select min(s.name) from segment_memberships m join segments s on s.id = m.segment_id left join regions sr on sr.id = s.region_id
          where m.customer_id = c.id and m.left_at is null and s.name = any(${sql.param(segmentNames)}::text[])
            and (s.region_id is null or starts_with(cr.path, sr.path)))`;
  const when = def.answers.when ? compiler.condition(def.answers.when) : sql`false`;

  const checks: SQL[] = def.eligibility.map((check) => sql`when not ${compiler.condition(check.when)} then ${fill(check.unless, variable)}`);
  const startMs = scope.asOf.dayStart.getTime();
  const lastTask = def.cooldownDays > 0 ? sql`lt.lasts[array_position(lt.tactics, ${key})]` : null;
  if (lastTask) {
    const from = new Date(startMs - def.cooldownDays * DAY_MS).toISOString();
    checks.push(sql`when ${lastTask} > ${from}::timestamptz
      then 'cooldown until ' || to_char((${lastTask} at time zone ${scope.timeZone})::date + ${def.cooldownDays}::int, 'YYYY-MM-DD')`);
  }
  const limits = Object.entries(def.giftLimitCents ?? {});
  if (limits.length > 0) {
    const limit = sql`(case c.tier ${sql.join(limits.map(([tier, cents]) => sql`when ${tier}::text then ${cents}::int`), sql` `)} end)`;
    const total = sql`(coalesce(bg.granted, 0) + ${value})`;
    checks.push(sql`when ${total} > ${limit}
      then 'gift limit: ' || ${shown(sql`${total} / 100.0`)} || ' of ' || ${shown(sql`${limit} / 100.0`)} || ' yuan this year'`);
  }
  checks.push(sql`when act.id is not null then 'has an active task #' || act.id`);
  if (!scope.channelAvailable[index]) checks.push(sql`when true then ${`no channel available: ${def.channels.join(', ')}`}::text`);
  // Last, so the control group holds only customers the tactic would otherwise have been offered to.
  checks.push(heldOutCheck(tactic.key, sql`tw.ids`));

  const names = Object.keys(vars);
  const variables = names.length === 0 ? sql`'{}'::jsonb` : sql`jsonb_build_object(${sql.join(names.map((n) => sql`${n}::text, ${variable(n)}`), sql`, `)})`;
  const score = sql`(coalesce(wr.risk, 0) * ${annual} * ${String(def.expectedEffect)}::numeric - ${cost})::float8`;
  return sql`select ${key} as tactic, ${score} as score, ${cost} as cost_cents, ${value} as value_cents,
      (case ${sql.join(checks, sql` `)} end) as reason,
      coalesce(tw.reason, 'segment ' || ${segment}, ${tactic.title}::text) as trigger, coalesce(tw.ids, '{}'::int[]) as warning_ids, ${variables} as variables
    from ${warningsOf} tw
    where ${tiers} and (tw.ids is not null or ${segment} is not null or ${when})`;
}
