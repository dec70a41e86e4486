/**
 * A planner run over one region subtree, as a few set-based statements over `planner_decisions` (the run's
 * working set and its record): the candidates of every tactic with the first failing check (one INSERT ...
 * SELECT); `refine` in batches for the tactics that define it; the rank per customer (precedence, then
 * score, then tactic key); the choice under the budgets, in rounds (a customer whose choice is over its
 * tactic's budget falls back to the next eligible one); then every chosen task in one INSERT ... SELECT,
 * idempotent per customer, tactic and day.
 */
import { sql, type SQL } from 'drizzle-orm';
import { regionDay, startOfDate } from '@weixi/core';
import { plannerRuns, queryRows, type Db } from '@weixi/db';
import type { TacticRefinement } from '@weixi/sdk';
import { firstDay } from '@weixi/warnings';
import { eq, inArray } from 'drizzle-orm';
import { candidatesSql, fill, literals } from './candidates.js';
import type { PlannedTactic, SkippedTactic } from './tactics.js';

/** At most this many candidates per `refine` call. */
export const REFINE_BATCH = 1000;
/** Days from the planned day to a planned task's due date. */
export const DUE_DAYS = 7;
/** The actor of planned tasks' first transition. */
export const PLANNER_ACTOR = 'planner';

export interface PlanRegion {
  id: number;
  code: string;
  path: string;
  timeZone: string;
}

export interface PlanInput {
  region: PlanRegion;
  tactics: readonly PlannedTactic[];
  /** Tactics not planned (recorded on the run). */
  skipped?: readonly SkippedTactic[];
  now: Date;
  jobRunId?: number | null;
  /** Whether a channel is available in the region (the host's answer, see `channelsIn`); absent: every channel is. */
  channelAvailable?: (channelId: string) => boolean;
}

export interface PlanSummary {
  runId: number;
  regionCode: string;
  day: string;
  tactics: number;
  considered: number;
  eligible: number;
  chosen: number;
  created: number;
  skipped: SkippedTactic[];
}

/** One candidate of one customer, as `Customer.nextBestActions` shows it. */
export interface NextBestAction {
  tactic: string;
  title: string;
  rank: number;
  score: number;
  eligible: boolean;
  reason: string | null;
  chosen: boolean;
  offerTitle: string;
  costCents: number;
  /** The channel its task would go through: the tactic's first channel available in the region (null: none). */
  channel: string | null;
}

const MAX_ROUNDS = 100;

/** The channel a tactic's tasks go through in a plan (null: none of its channels is available). */
type ChannelOf = (tacticKey: string) => string | null;

/** Plans a region subtree: records a run with its decisions and creates the chosen tasks. */
export async function runPlan(db: Db, input: PlanInput): Promise<PlanSummary> {
  const [outcome] = await runPlans(db, [input]);
  if (outcome instanceof Error) throw outcome;
  return outcome!;
}

/**
 * Plans several region subtrees (the cities of a province, or a job batch's due runs), each recorded as a
 * run of its own, with one set of statements for the regions whose plan is the same (day, time zone, tactics
 * and their definitions, channels) and whose subtrees do not overlap: the population is read once. A group
 * that fails is retried region by region, so only the culprit fails. Returns, per input in order, its summary
 * or the error that failed its run.
 */
export async function runPlans(db: Db, inputs: readonly PlanInput[]): Promise<Array<PlanSummary | Error>> {
  const out: Array<PlanSummary | Error> = [];
  const prepared = await prepare(db, inputs);
  for (const group of groups(prepared)) {
    try {
      const summaries = await plan(db, group, undefined);
      for (const [i, member] of group.entries()) out[member.index] = summaries[i]!;
    } catch (error) {
      if (group.length === 1) out[group[0]!.index] = rootCause(error);
      else {
        for (const member of group) {
          try {
            out[member.index] = (await plan(db, [member], undefined))[0]!;
          } catch (alone) {
            out[member.index] = rootCause(alone);
          }
        }
      }
    }
  }
  return out;
}

/**
 * The ranked candidates of customers of the region, with score, eligibility, reason and whether a run now
 * would choose each: the same statements as a run restricted to these customers, whose record is deleted
 * and which creates no task. Every id gets an entry (empty: no tactic answers the customer).
 */
export async function previewPlan(db: Db, input: PlanInput, customerIds: readonly number[]): Promise<Map<number, NextBestAction[]>> {
  const out = new Map<number, NextBestAction[]>(customerIds.map((id) => [id, []]));
  if (customerIds.length > 0) await plan(db, await prepare(db, [input]), { customerIds, out });
  return out;
}

/** An input with what its plan needs: its day, its subtree's region ids, and what makes two plans the same. */
interface Prepared {
  index: number;
  input: PlanInput;
  day: { date: string; start: Date };
  regionIds: number[];
  /** Per tactic (same order), the channel its tasks go through: its first available one, null for none. */
  channels: Array<string | null>;
  signature: string;
}

async function prepare(db: Db, inputs: readonly PlanInput[]): Promise<Prepared[]> {
  const roots = inputs.map((i) => i.region.id);
  const rows = roots.length === 0 ? [] : await queryRows<{ root: number; id: number }>(
    db,
    sql`select a.id as root, r.id from regions a join regions r on starts_with(r.path, a.path) where a.id in (${literals(roots)}) order by r.id`,
  );
  return inputs.map((input, index) => {
    const { region, tactics } = input;
    const day = regionDay(region.code, region.timeZone, input.now);
    const channels = tactics.map((t) => t.definition.channels.find((c) => input.channelAvailable?.(c) ?? true) ?? null);
    const plan = tactics.map((t) => [t.key, t.pluginId, t.title, t.definition, t.refine !== undefined]);
    return {
      index,
      input,
      day: { date: day.date, start: day.start },
      regionIds: rows.filter((r) => Number(r.root) === region.id).map((r) => Number(r.id)),
      channels,
      signature: JSON.stringify([day.date, region.timeZone, input.now.getTime(), plan, channels]),
    };
  });
}

/** Inputs with the same plan and disjoint subtrees, together; the others alone. */
function groups(prepared: readonly Prepared[]): Prepared[][] {
  const out: Array<{ members: Prepared[]; ids: Set<number> }> = [];
  for (const p of prepared) {
    const group = p.input.tactics.length > 0 ? out.find((g) => g.members[0]!.signature === p.signature && p.regionIds.every((id) => !g.ids.has(id))) : undefined;
    if (group) {
      group.members.push(p);
      for (const id of p.regionIds) group.ids.add(id);
    } else out.push({ members: [p], ids: new Set(p.regionIds) });
  }
  return out.map((g) => g.members);
}

/** Plans a group of inputs sharing one plan (see `groups`); a preview has one member. */
async function plan(db: Db, members: readonly Prepared[], preview: { customerIds: readonly number[]; out: Map<number, NextBestAction[]> } | undefined): Promise<PlanSummary[]> {
  const { input: first, day, channels } = members[0]!;
  const { tactics, now } = first;
  // The channel of each tactic's tasks in this plan (members share it: it is part of the signature).
  const channelByTactic = new Map(tactics.map((t, i) => [t.key, channels[i] ?? null]));
  const channelOf: ChannelOf = (tacticKey) => channelByTactic.get(tacticKey) ?? null;
  const timeZone = first.region.timeZone;
  const asOf = { month: firstDay(day.date.slice(0, 7), -1).slice(0, 7), day: day.date, dayStart: day.start };
  const skipped = members.map((m) => [...(m.input.skipped ?? [])]);
  // Times on the run's clock: started at `now`, finished as long after it as the run took.
  const started = Date.now();
  const finishedAt = () => new Date(now.getTime() + Date.now() - started);
  const runIds: number[] = [];
  for (const [i, m] of members.entries()) {
    const [run] = await db
      .insert(plannerRuns)
      .values({ regionId: m.input.region.id, jobRunId: m.input.jobRunId ?? null, day: m.day.date, startedAt: now, tactics: tactics.length, skipped: skipped[i]! })
      .returning({ id: plannerRuns.id });
    runIds.push(run!.id);
  }
  const runs = literals(runIds);
  // Each planned region's run, as a relation (region_id, run_id).
  const runOf = sql`(values ${sql.join(members.flatMap((m, i) => m.regionIds.map((id) => sql.raw(`(${Number(id)}, ${runIds[i]!})`))), sql`, `)}) rr(region_id, run_id)`;
  const summaries = (counts: Map<number, { considered: number; eligible: number; chosen: number; created: number }>) =>
    members.map((m, i) => ({ runId: runIds[i]!, regionCode: m.input.region.code, day: m.day.date, tactics: tactics.length, ...(counts.get(runIds[i]!) ?? { considered: 0, eligible: 0, chosen: 0, created: 0 }), skipped: skipped[i]! }));
  try {
    const regionIds = members.flatMap((m) => m.regionIds);
    if (tactics.length > 0) {
      const candidates = candidatesSql(tactics, { regionIds, asOf, timeZone, channelAvailable: channels.map((c) => c !== null), ...(preview ? { customerIds: preview.customerIds } : {}) });
      const refined = tactics.filter((t) => t.refine);
      // Without budgets or refinements, each customer's first candidate is its choice: ranked and chosen as
      // written, with no rounds. Otherwise ranked as written, ranked again after a refine changed
      // eligibility or costs, and chosen under the budgets in rounds.
      const direct = refined.length === 0 && tactics.every((t) => t.definition.budgetCentsPerMonth === undefined);
      await db.execute(sql`insert into planner_decisions (run_id, customer_id, tactic, rank, score, cost_cents, value_cents, eligible, reason, chosen, trigger, warning_ids, variables)
        select run_id, customer_id, tactic, rank, score, cost_cents, value_cents, reason is null, reason, ${direct ? sql`rank = 1 and reason is null` : sql`false`}, trigger, warning_ids, variables
        from (select rr.run_id, d.*, ${rankOver(tactics, sql`d.reason is null`)} as rank from (${candidates}) d join ${runOf} on rr.region_id = d.region_id) ranked`);
      if (!direct) {
        // `refine` is bound to each run's region (its settings), so it is called run by run.
        for (const [i, m] of members.entries()) {
          for (const tactic of m.input.tactics.filter((t) => t.refine)) await refine(db, runIds[i]!, tactic, skipped[i]!);
        }
        // Fresh statistics, so the ranking and the budget rounds join the run's decisions by hash, not row by row.
        if (!preview) await db.execute(sql`analyze planner_decisions`);
        if (refined.length > 0) await rank(db, runs, tactics);
        await choose(db, runs, runOf, tactics, startOfDate(`${day.date.slice(0, 7)}-01`, timeZone));
      }
    }
    if (preview) {
      for (const [customerId, action] of await decisionsOf(db, runIds[0]!, tactics, channelOf)) preview.out.get(customerId)?.push(action);
      await db.delete(plannerRuns).where(inArray(plannerRuns.id, runIds));
      return summaries(new Map());
    }
    const created = tactics.length === 0 ? new Map<number, number>() : await createTasks(db, runs, tactics, channelOf, day.date, new Date(day.start.getTime() + DUE_DAYS * 86_400_000), now);
    const rows = await queryRows<{ run_id: number; considered: number; eligible: number; chosen: number }>(
      db,
      sql`select run_id, count(distinct customer_id)::int as considered, count(distinct customer_id) filter (where eligible)::int as eligible, count(*) filter (where chosen)::int as chosen
        from planner_decisions where run_id in (${runs}) group by run_id`,
    );
    const counts = new Map(runIds.map((id) => [id, { considered: 0, eligible: 0, chosen: 0, created: created.get(id) ?? 0 }]));
    for (const r of rows) Object.assign(counts.get(Number(r.run_id))!, { considered: Number(r.considered), eligible: Number(r.eligible), chosen: Number(r.chosen) });
    for (const [i, id] of runIds.entries()) await db.update(plannerRuns).set({ ...counts.get(id)!, status: 'succeeded', finishedAt: finishedAt(), skipped: skipped[i]! }).where(eq(plannerRuns.id, id));
    return summaries(counts);
  } catch (error) {
    if (preview) await db.delete(plannerRuns).where(inArray(plannerRuns.id, runIds));
    else {
      const together = members.length > 1 ? ` (planned together with ${members.length - 1} other regions; retried alone)` : '';
      await db.update(plannerRuns).set({ status: 'failed', finishedAt: finishedAt(), error: `${rootCause(error).message}${together}` }).where(inArray(plannerRuns.id, runIds));
    }
    throw error;
  }
}

/** The error that failed a plan: the database's own (drizzle wraps it, with the whole statement, as its `cause`). */
function rootCause(error: unknown): Error {
  let current = error instanceof Error ? error : new Error(String(error));
  while (current.cause instanceof Error) current = current.cause;
  return current;
}

/** `case d.tactic when <key> then <expr of that tactic> ... end`. */
function byTactic(tactics: readonly PlannedTactic[], expr: (t: PlannedTactic) => SQL): SQL {
  return sql`(case d.tactic ${sql.join(tactics.map((t) => sql`when ${t.key}::text then ${expr(t)}`), sql` `)} end)`;
}

/** Values of `variables` (set-based or refined) as text. */
const variableOf = (name: string) => sql`d.variables ->> ${name}`;

/** The offer title with its variables. */
const offerTitle = (t: PlannedTactic) => fill(t.definition.offer.title, variableOf);

/** Calls the tactic's `refine` on its eligible candidates in batches; a refine that throws makes them ineligible. */
async function refine(db: Db, runId: number, tactic: PlannedTactic, skipped: SkippedTactic[]): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = await queryRows<{ customer_id: number; variables: Record<string, number | null> | string }>(
      db,
      sql`select customer_id, variables from planner_decisions where run_id = ${runId}::int and tactic = ${tactic.key} and eligible and customer_id > ${after}::int
        order by customer_id limit ${REFINE_BATCH}`,
    );
    if (rows.length === 0) return;
    after = Number(rows.at(-1)!.customer_id);
    const candidates = rows.map((r) => ({ customerId: Number(r.customer_id), variables: typeof r.variables === 'string' ? (JSON.parse(r.variables) as Record<string, number | null>) : r.variables }));
    let refinements: TacticRefinement[];
    try {
      refinements = await tactic.refine!(candidates);
    } catch (error) {
      const message = `refine failed: ${error instanceof Error ? error.message : String(error)}`;
      skipped.push({ tactic: tactic.key, error: message });
      await db.execute(sql`update planner_decisions set eligible = false, reason = ${message} where run_id = ${runId}::int and tactic = ${tactic.key} and eligible`);
      return;
    }
    const byId = new Map(refinements.map((r) => [r.customerId, r]));
    const values = candidates.map(({ customerId }) => {
      const r = byId.get(customerId);
      if (!r) return sql`(${customerId}::int, false, ${'not refined by the tactic'}::text, '{}'::jsonb, null::int)`;
      if (!r.eligible) return sql`(${customerId}::int, false, ${r.reason}::text, '{}'::jsonb, null::int)`;
      return sql`(${customerId}::int, true, null::text, ${JSON.stringify(r.variables ?? {})}::jsonb, ${r.costCents === undefined ? null : Math.round(r.costCents)}::int)`;
    });
    await db.execute(sql`update planner_decisions d set eligible = v.eligible, reason = v.reason, variables = d.variables || v.variables,
        cost_cents = coalesce(v.cost, d.cost_cents), score = d.score + d.cost_cents - coalesce(v.cost, d.cost_cents)
      from (values ${sql.join(values, sql`, `)}) v(customer_id, eligible, reason, variables, cost)
      where d.run_id = ${runId}::int and d.tactic = ${tactic.key} and d.customer_id = v.customer_id`);
  }
}

/** A customer's rank among its candidates (`d`): eligible first, then precedence, score and tactic key. */
const rankOver = (tactics: readonly PlannedTactic[], eligible: SQL): SQL =>
  sql`row_number() over (partition by d.customer_id order by ${eligible} desc, ${byTactic(tactics, (t) => sql`${t.definition.precedence}::int`)} desc, d.score desc, d.tactic)::int`;

/** Ranks the runs' decisions again (after `refine`). */
async function rank(db: Db, runs: SQL, tactics: readonly PlannedTactic[]): Promise<void> {
  await db.execute(sql`update planner_decisions x set rank = r.rank
    from (select d.run_id, d.customer_id, d.tactic, ${rankOver(tactics, sql`d.eligible`)} as rank from planner_decisions d where d.run_id in (${runs})) r
    where x.run_id = r.run_id and x.customer_id = r.customer_id and x.tactic = r.tactic and x.rank is distinct from r.rank`);
}

/**
 * Chooses each customer's best eligible candidate within its tactic's budget for the month: in rounds, each
 * undecided customer's best remaining candidate, running totals per run and tactic by score (after what the
 * run's region subtree's tasks of the month and the earlier rounds spent); over budget: not eligible, and the
 * customer's next candidate is tried in the next round.
 */
async function choose(db: Db, runs: SQL, runOf: SQL, tactics: readonly PlannedTactic[], monthStart: Date): Promise<void> {
  const limited = tactics.filter((t) => t.definition.budgetCentsPerMonth !== undefined);
  const budgets = limited.length === 0 ? sql`select null::text as tactic, null::bigint as budget where false` : sql`select * from (values ${sql.join(limited.map((t) => sql`(${t.key}::text, ${t.definition.budgetCentsPerMonth!}::bigint)`), sql`, `)}) b(tactic, budget)`;
  // Without budgets nothing is spent: the month's tasks are not read.
  const spentBefore =
    limited.length === 0
      ? sql`select null::int as run_id, null::text as tactic, null::bigint as cents where false`
      : sql`select rr.run_id, t.tactic, sum(t.cost_cents) as cents from retention_tasks t join customers c on c.id = t.customer_id join ${runOf} on rr.region_id = c.region_id
          where t.tactic = any(${sql.param(limited.map((t) => t.key))}::text[]) and t.created_at >= ${monthStart.toISOString()}::timestamptz
          group by rr.run_id, t.tactic`;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const [row] = await queryRows<{ over: number; picked: number }>(
      db,
      sql`with budgets as (${budgets}),
        spent as (
          ${spentBefore}
          union all
          select run_id, tactic, sum(cost_cents) from planner_decisions where run_id in (${runs}) and chosen group by run_id, tactic
        ),
        used as (select run_id, tactic, sum(cents) as cents from spent group by run_id, tactic),
        pick as (
          select distinct on (d.customer_id) d.run_id, d.customer_id, d.tactic, d.cost_cents, d.score from planner_decisions d
          where d.run_id in (${runs}) and d.eligible and not d.chosen
            and not exists (select from planner_decisions x where x.run_id = d.run_id and x.customer_id = d.customer_id and x.chosen)
          order by d.customer_id, d.rank
        ),
        running as (
          select p.run_id, p.customer_id, p.tactic, b.budget is null
            or coalesce(u.cents, 0) + sum(p.cost_cents) over (partition by p.run_id, p.tactic order by p.score desc, p.customer_id rows unbounded preceding) <= b.budget as fits
          from pick p left join budgets b on b.tactic = p.tactic left join used u on u.run_id = p.run_id and u.tactic = p.tactic
        ),
        decided as (
          update planner_decisions d set chosen = r.fits, eligible = r.fits, reason = case when r.fits then null else 'over budget' end
          from running r where d.run_id = r.run_id and d.customer_id = r.customer_id and d.tactic = r.tactic
          returning r.fits
        )
        select count(*) filter (where not fits)::int as over, count(*)::int as picked from decided`,
    );
    if (Number(row?.over ?? 0) === 0) return;
  }
}

/**
 * Creates the runs' chosen tasks in one statement; a task already planned for the customer, tactic and day is
 * kept. Returns the tasks created per run.
 */
async function createTasks(db: Db, runs: SQL, tactics: readonly PlannedTactic[], channelOf: ChannelOf, day: string, dueAt: Date, now: Date): Promise<Map<number, number>> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const fields: Record<string, SQL> = {
    name: sql`c.name`,
    msisdn: sql`c.msisdn`,
    plan: sql`c.plan`,
    tier: sql`c.tier`,
    tenureYears: sql`floor((${day}::date - c.joined_on) / 365.25)::int`,
    points: sql`c.points`,
    reason: sql`d.trigger`,
    contractEndsOn: sql`c.contract_ends_on::text`,
  };
  const script = (t: PlannedTactic) => fill(t.definition.script, (name) => (name === 'offer' ? offerTitle(t) : (fields[name] ?? variableOf(name))));
  const offer = (t: PlannedTactic) => {
    const b = t.definition.offer.benefit;
    return sql`jsonb_build_object('title', ${offerTitle(t)}, 'costCents', d.cost_cents,
      'benefit', jsonb_build_object('kind', ${b.kind}::text, 'valueCents', d.value_cents, 'description', ${b.description}::text))`;
  };
  const rows = await queryRows<{ run_id: number; n: number }>(
    db,
    sql`with created as (
        insert into retention_tasks (customer_id, reason, tactic, plugin_id, channel, state, due_at, script, idempotency_key, offer, outcomes, cost_cents,
          warning_ids, planner_run_id, required_skills, created_at, updated_at)
        select d.customer_id, d.trigger, d.tactic, ${byTactic(tactics, (t) => sql`${t.pluginId}::text`)}, ${byTactic(tactics, (t) => sql`${channelOf(t.key)}::text`)},
          'open', ${dueAt.toISOString()}::timestamptz, ${byTactic(tactics, script)}, 'planner:' || d.tactic || ':' || d.customer_id || ':' || ${day}::text,
          ${byTactic(tactics, offer)}, ${byTactic(tactics, (t) => sql`${JSON.stringify(t.definition.outcomes ?? {})}::jsonb`)}, d.cost_cents, d.warning_ids,
          d.run_id, ${byTactic(tactics, (t) => sql`${sql.param(t.definition.skills ?? [])}::text[]`)}, ${at}, ${at}
        from planner_decisions d join customers c on c.id = d.customer_id
        where d.run_id in (${runs}) and d.chosen
        on conflict (customer_id, idempotency_key) do nothing
        returning id, planner_run_id
      ),
      logged as (
        insert into task_transitions (task_id, from_state, to_state, at, actor, note)
        select id, null, 'open', ${at}, ${PLANNER_ACTOR}, 'planner run ' || planner_run_id from created
      )
      select planner_run_id as run_id, count(*)::int as n from created group by planner_run_id`,
  );
  return new Map(rows.map((r) => [Number(r.run_id), Number(r.n)]));
}

/** The decisions of a run, ranked per customer, with the tactic's title and the offer's. */
async function decisionsOf(db: Db, runId: number, tactics: readonly PlannedTactic[], channelOf: ChannelOf): Promise<Array<[number, NextBestAction]>> {
  if (tactics.length === 0) return [];
  const rows = await queryRows<{ customer_id: number; tactic: string; title: string; rank: number; score: number; eligible: boolean; reason: string | null; chosen: boolean; offer_title: string; cost_cents: number }>(
    db,
    sql`select d.customer_id, d.tactic, ${byTactic(tactics, (t) => sql`${t.title}::text`)} as title, d.rank, d.score, d.eligible, d.reason, d.chosen,
        ${byTactic(tactics, offerTitle)} as offer_title, d.cost_cents
      from planner_decisions d where d.run_id = ${runId}::int order by d.customer_id, d.rank`,
  );
  return rows.map((r) => [
    Number(r.customer_id),
    { tactic: r.tactic, title: r.title, rank: Number(r.rank), score: Number(r.score), eligible: r.eligible, reason: r.reason, chosen: r.chosen, offerTitle: r.offer_title, costCents: Number(r.cost_cents), channel: channelOf(r.tactic) },
  ]);
}
